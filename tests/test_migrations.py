from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_have_no_pending_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Model changes without a migration; run makemigrations:\n{out.getvalue()}")
