"""The IIIF consortium's Image API validator (iiif-validator), run against the live server.

Its tests expect its own test image (1000 x 1000 pixels, ten by ten coloured squares), drawn
here (tests/iiif/__init__.py) and attached to a page as its scan. Every test the validator has
for version 3.0 up to level 2 runs, and the level 3 ones for what info.json declares beyond it
(mirroring, the canonical and profile link headers); the formats we do not serve (gif, tif,
jp2, pdf, webp), arbitrary rotation and upscaling are left out. Each must pass.
"""

from __future__ import annotations

import random

import pytest
from iiif_validator import validator

from newsroom.editorial import set_scan
from newsroom.scans import raster
from tests.factories import make_issue, make_page
from tests.iiif import IDENTIFIER, grid_png

pytestmark = pytest.mark.django_db(transaction=True)

# Level 3 tests of features info.json declares (extraFeatures).
DECLARED_EXTRAS = {"rot_mirror", "rot_mirror_180", "linkheader_canonical", "linkheader_profile"}


def chosen_tests(suite) -> list[str]:
    listed = suite.list_tests("3.0")
    return sorted(name for name, info in listed.items() if info["level"] <= 2 or name in DECLARED_EXTRAS)


def run_validator(server: str, names: list[str]) -> dict[str, str]:
    """Run the validator's tests; return {test: "ok" or what failed}."""
    suite = validator.TestSuite(validator.ValidationInfo())
    outcomes = {}
    for name in names:
        result = validator.ImageAPI(IDENTIFIER, server, prefix="iiif/3", scheme="http", version="3.0", debug=False)
        try:
            suite.run_test(name, result)
        except Exception as error:  # a validator test that crashes is a failure too
            outcomes[name] = f"crashed: {error!r} (last address {result.last_url})"
            continue
        error = result.exception
        outcomes[name] = "ok" if error is None else f"{error} (address {error.url}, status {error.status})"
    return outcomes


def test_the_iiif_validator_passes_every_test_up_to_level_2_for_version_3(live_server, settings, tmp_path):
    # info.json's id must be the address the validator asked for: the live server's.
    settings.SITE_URL = live_server.url
    settings.IIIF_CACHE_DIR = tmp_path / "iiif-cache"  # every image made for this run
    raster.forget()
    page = make_page(issue=make_issue(), number=2)
    set_scan(page, grid_png(), "validator-grid.png")
    assert page.iiif_identifier == IDENTIFIER

    random.seed(18)  # the validator picks squares and sizes at random: the same ones each run
    names = chosen_tests(validator.TestSuite(validator.ValidationInfo()))
    # What level 1 asks for, and what we serve beyond it, is all there.
    assert {"info_json", "id_squares", "baseurl_redirect", "cors", "jsonld", "region_pixels",
            "region_square", "size_wc", "size_ch", "size_wh", "size_noup", "size_region",
            "quality_error_random", "region_percent", "size_bwh", "size_percent", "rot_full_basic",
            "quality_grey", "quality_bitonal", "format_png", *DECLARED_EXTRAS} <= set(names)
    assert not {"format_gif", "format_tif", "rot_full_non90", "size_up"} & set(names)

    outcomes = run_validator(live_server.url.removeprefix("http://"), names)
    failures = {name: outcome for name, outcome in outcomes.items() if outcome != "ok"}
    assert failures == {}
    assert len(outcomes) == len(names) >= 30
