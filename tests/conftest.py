import pytest
from django.core.cache import caches
from django.db.models.signals import post_migrate
from django.utils import translation

_tearing_down = False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    global _tearing_down
    _tearing_down = True
    try:
        return (yield)
    finally:
        _tearing_down = False


def _restore_roles_after_flush(sender, apps=None, **kwargs):
    """Give the editorial groups back after a test that committed emptied every table.

    The flush that ends a transactional_db test sends post_migrate. Run serially, pytest-django
    runs those tests last; spread over processes (`make test`: --dist loadfile) a file's tests
    run together, so later files in the same process still need the groups. A flush inside a
    test (tests/test_backup.py loses the archive on purpose) is left as it is.
    """
    if sender.label == "newsroom" and _tearing_down:
        from django.apps import apps as global_apps

        from tests.factories import restore_roles

        restore_roles(apps or global_apps)


post_migrate.connect(_restore_roles_after_flush, dispatch_uid="tests.restore_roles_after_flush")


@pytest.fixture
def publication(db):
    from tests.factories import make_publication

    return make_publication()


@pytest.fixture
def issue(publication):
    from tests.factories import make_issue

    return make_issue(publication=publication)


@pytest.fixture
def editor_user(db):
    """Return a staff user in the "editor" group (corrects and reviews)."""
    from tests.factories import make_user

    return make_user("editor", role="editor")


@pytest.fixture
def chief_editor_user(db):
    """Return a staff user in the "chief editor" group (also withdraws, publishes, merges)."""
    from tests.factories import make_user

    return make_user("chief", role="chief editor")


@pytest.fixture
def staff_user(db):
    """Return a staff user in no group: may log in to the admin, may change nothing."""
    from tests.factories import make_user

    return make_user("staff")


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """Start and leave every test with no language activated (the default, Chinese).

    A test that activates English and fails, or forgets to deactivate it, would otherwise
    change the language of whatever test the same process runs next.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits (API throttling, login lockouts) and rendered pages live in caches that
    # outlive a test.
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _scan_storage(tmp_path_factory):
    """Page scans, their IIIF derivatives and intake uploads go to a folder of the test session, not var/."""
    from django.conf import settings
    from django.core.files.storage import storages

    root = tmp_path_factory.mktemp("newsroom-data")
    settings.STORAGES = {
        **settings.STORAGES,
        "scans": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                  "OPTIONS": {"location": str(root / "scans"), "base_url": None}},
        # The day's intake: a worker process started by a test is given NEWSROOM_DATA_DIR=root.
        "intake": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                   "OPTIONS": {"location": str(root / "intake"), "base_url": None}},
    }
    settings.IIIF_CACHE_DIR = root / "iiif-cache"
    # A new scan is decoded at once, in the test's own transaction (which never commits, so a
    # task queued on commit would never run): tests/iiif/test_scan_verification.py tests the queue.
    settings.SCAN_VERIFY_INLINE = True
    storages.__dict__.pop("backends", None)
    storages._backends = None
    storages._storages = {}
    yield root
