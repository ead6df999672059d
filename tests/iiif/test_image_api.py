"""The IIIF Image API 3.0 server: reading requests (the spec's maths), info.json, images, caching
and who may see a scan."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.editorial import release_scan, set_scan
from newsroom.scans import derivatives, iiif, raster
from newsroom.scans.iiif import RequestError, parse, parse_region, parse_rotation, parse_size
from tests.factories import make_article, make_page
from tests.iiif import BASE, close_to, decoded, grid_colours, grid_png
from tests.scans import page_scan, pdf_scan

AREA = 4096 * 4096


@pytest.fixture(autouse=True)
def _fresh_caches(settings, tmp_path):
    """Each test makes its images afresh: no decoded scan kept, an empty derivative cache."""
    settings.IIIF_CACHE_DIR = tmp_path / "iiif-cache"
    raster.forget()
    yield
    raster.forget()


@pytest.fixture
def grid_page(issue):
    """Page 2 of the issue, its scan the IIIF validator's 1000 x 1000 grid of squares."""
    page = make_page(issue=issue, number=2)
    set_scan(page, grid_png(), "grid.png")
    return page


# --- Reading a request: the spec's maths -------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("full", (0, 0, 300, 200)),
    ("square", (50, 0, 200, 200)),
    ("10,20,30,40", (10, 20, 30, 40)),
    # Clipped at the image's edges, never padded (section 4.1).
    ("250,150,100,100", (250, 150, 50, 50)),
    ("0,0,99999,99999", (0, 0, 300, 200)),
    ("pct:10,10,50,50", (30, 20, 150, 100)),
    ("pct:50,50,100,100", (150, 100, 150, 100)),
    ("pct:0.5,0,33.3,100", (2, 0, 99, 200)),  # both edges rounded: 1.5 -> 2, 101.4 -> 101
])
def test_a_region_is_clipped_to_the_image(text, expected):
    assert parse_region(text, 300, 200) == expected


def test_a_square_region_of_a_tall_image_is_centred_on_its_length():
    assert parse_region("square", 200, 301) == (0, 50, 200, 200)


@pytest.mark.parametrize("text", [
    "300,0,10,10",  # starts at the right edge: nothing left
    "0,200,10,10",
    "0,0,0,10",  # no width
    "0,0,10,0",
    "pct:100,0,10,10",
    "pct:0,0,0,10",
    "-1,0,10,10",
    "1,2,3",
    "1,2,3,4,5",
    "0x10,0,1,1",
    "pct:1e2,0,1,1",
    "pct:nan,0,1,1",
    "pct:+1,0,1,1",
    "1.5,0,10,10",
    "Full",
    "",
])
def test_a_region_outside_the_image_or_malformed_is_refused_with_400(text):
    with pytest.raises(RequestError) as refused:
        parse_region(text, 300, 200)
    assert refused.value.status == 400
    assert repr(text) in refused.value.message


@pytest.mark.parametrize(("text", "expected"), [
    ("max", (300, 200)),
    ("150,", (150, 100)),
    (",100", (150, 100)),
    ("100,100", (100, 100)),  # w,h may change the shape
    ("!150,150", (150, 100)),  # fits in the box, keeping the shape
    ("!300,100", (150, 100)),
    ("!299,200", (299, 199)),
    ("pct:50", (150, 100)),
    ("pct:33.3", (100, 67)),
    ("1,", (1, 1)),  # never less than a pixel
    ("^150,", (150, 100)),  # ^ is fine while it does not upscale
    ("^max", (300, 200)),
])
def test_a_size_scales_the_region_as_the_spec_says(text, expected):
    area = 300 * 200  # the region fills the area limit: ^max is max
    assert parse_size(text, 300, 200, area if text == "^max" else AREA)[0] == expected


@pytest.mark.parametrize("text", ["301,", ",201", "301,200", "pct:100.5", "!600,400", "full", "0,", ",0",
                                  "!0,10", "pct:0", ",", "150", "w,h", "pct:", "-5,", "^", "!150,"])
def test_a_size_that_upscales_without_caret_or_is_malformed_is_refused_with_400(text):
    with pytest.raises(RequestError) as refused:
        parse_size(text, 300, 200, AREA)
    assert refused.value.status == 400


@pytest.mark.parametrize("text", ["^301,", "^pct:150", "^!600,400", "^max"])
def test_a_size_that_asks_for_upscaling_with_caret_is_not_implemented(text):
    with pytest.raises(RequestError) as refused:
        parse_size(text, 300, 200, AREA)
    assert refused.value.status == 501


def test_max_is_scaled_down_to_the_area_limit_and_a_larger_explicit_size_is_refused():
    size, is_max = parse_size("max", 8000, 6000, AREA)
    assert is_max and size[0] * size[1] <= AREA
    assert size == (4729, 3547)  # the shape kept: 4729 / 3547 ≈ 8000 / 6000
    with pytest.raises(RequestError) as refused:
        parse_size("5000,", 8000, 6000, AREA)
    assert refused.value.status == 400 and "maxArea" in refused.value.message


def test_max_of_a_one_pixel_strip_larger_than_the_area_limit_stays_within_it():
    size, _ = parse_size("max", 1, 20_000_000, AREA)
    assert size[0] == 1 and size[1] <= AREA


@pytest.mark.parametrize(("text", "expected"), [
    ("0", (False, 0)), ("90", (False, 90)), ("180.0", (False, 180)), ("270", (False, 270)),
    ("360", (False, 0)), ("!0", (True, 0)), ("!90", (True, 90)),
])
def test_rotation_by_multiples_of_90_and_mirroring_are_read(text, expected):
    assert parse_rotation(text) == expected


@pytest.mark.parametrize("text", ["45", "22.5", "361", "-90", "!!0", "abc", "", "90!"])
def test_other_rotations_are_refused_with_400(text):
    with pytest.raises(RequestError) as refused:
        parse_rotation(text)
    assert refused.value.status == 400


@pytest.mark.parametrize(("quality", "format"), [("native", "jpg"), ("grey", "jpg"), ("default", "tif"),
                                                 ("default", "gif"), ("default", "JPG"), ("default", "webp")])
def test_an_unknown_quality_or_format_is_refused_with_400(quality, format):
    with pytest.raises(RequestError) as refused:
        parse("full", "max", "0", quality, format, width=300, height=200, max_area=AREA)
    assert refused.value.status == 400


def test_the_canonical_form_names_full_and_max_and_spells_out_the_rest():
    whole = parse("square", "pct:100", "360", "default", "jpg", width=300, height=300, max_area=AREA)
    assert whole.canonical == "full/max/0/default.jpg"
    assert whole.key == "0,0,300,300/300,300/0/default.jpg"
    tile = parse("pct:50,0,50,50", "!100,100", "!90", "gray", "png", width=300, height=200, max_area=AREA)
    assert tile.canonical == "150,0,150,100/100,67/!90/gray.png"
    assert tile.output_size == (67, 100)


def test_info_json_offers_tiles_down_to_one_tile_and_halved_sizes_within_the_limit():
    assert iiif.scale_factors(2500, 3500) == [1, 2, 4, 8]
    assert iiif.scale_factors(512, 300) == [1]
    assert iiif.sizes(2500, 3500, AREA) == [
        {"width": 79, "height": 110}, {"width": 157, "height": 219}, {"width": 313, "height": 438}, {"width": 625, "height": 875},
        {"width": 1250, "height": 1750}]


# --- info.json and the base URI ---------------------------------------------------------------


@pytest.mark.django_db
def test_info_json_describes_the_scan_as_an_image_service_3(client, grid_page):
    response = client.get(f"{BASE}/info.json")
    assert response.status_code == 200
    assert response["Content-Type"] == 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
    info = json.loads(response.content)
    assert next(iter(info)) == "@context"
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == f"http://127.0.0.1:8000{BASE}"
    assert (info["type"], info["protocol"], info["profile"]) == ("ImageService3", "http://iiif.io/api/image", "level2")
    assert (info["width"], info["height"], info["maxArea"]) == (1000, 1000, 4096 * 4096)
    assert info["tiles"] == [{"width": 512, "height": 512, "scaleFactors": [1, 2]}]
    assert info["sizes"] == [{"width": 125, "height": 125}, {"width": 250, "height": 250},
                             {"width": 500, "height": 500}]
    assert info["extraQualities"] == ["color", "gray", "bitonal"]
    assert "mirroring" in info["extraFeatures"]
    assert response["Link"] == '<http://iiif.io/api/image/3/level2.json>;rel="profile"'
    assert "Accept" in response["Vary"]


@pytest.mark.django_db
def test_info_json_is_plain_json_for_a_client_that_asks_only_for_json(client, grid_page):
    response = client.get(f"{BASE}/info.json", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    ld = client.get(f"{BASE}/info.json", HTTP_ACCEPT="application/ld+json")
    assert ld["Content-Type"].startswith("application/ld+json")
    assert response["ETag"] != ld["ETag"]


@pytest.mark.django_db
def test_the_base_uri_redirects_to_info_json(client, grid_page):
    response = client.get(BASE)
    assert response.status_code == 303
    assert response["Location"] == f"http://127.0.0.1:8000{BASE}/info.json"


@pytest.mark.django_db
def test_a_scans_info_json_takes_one_query_for_a_reader(client, grid_page, django_assert_max_num_queries):
    # One query: the page, its issue and paper, and whether a withdrawn article hides it.
    with django_assert_max_num_queries(1):
        assert client.get(f"{BASE}/info.json").status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(f"{BASE}/0,0,512,512/256,/0/default.jpg").status_code == 200


# --- Images -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_tile_has_its_size_and_the_colour_of_the_square_it_shows(client, grid_page):
    colours = grid_colours()
    response = client.get(f"{BASE}/300,500,100,100/50,/0/default.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    tile = decoded(response)
    assert (tile.format, tile.size) == ("JPEG", (50, 50))
    assert close_to(tile.getpixel((25, 25)), colours[3][5])
    assert response["Link"].startswith(f'<http://127.0.0.1:8000{BASE}/300,500,100,100/50,50/0/default.jpg>;rel="canonical"')


@pytest.mark.django_db
def test_the_whole_image_at_max_and_smaller_keeps_every_square_in_place(client, grid_page):
    colours = grid_colours()
    whole = decoded(client.get(f"{BASE}/full/max/0/default.png"))
    assert (whole.format, whole.size) == ("PNG", (1000, 1000))
    assert whole.getpixel((950, 50)) == colours[9][0]
    small = decoded(client.get(f"{BASE}/full/!200,300/0/default.jpg"))
    assert small.size == (200, 200)
    assert close_to(small.getpixel((190, 10)), colours[9][0])
    assert close_to(small.getpixel((10, 190)), colours[0][9])


@pytest.mark.django_db
def test_rotation_mirroring_and_qualities_are_applied_after_the_region(client, grid_page):
    colours = grid_colours()
    turned = decoded(client.get(f"{BASE}/0,0,200,100/max/90/default.png"))
    assert turned.size == (100, 200)
    assert turned.getpixel((50, 10)) == colours[0][0]  # the top left square is now top right...
    assert turned.getpixel((50, 190)) == colours[1][0]  # ...and the square right of it below it
    mirrored = decoded(client.get(f"{BASE}/full/max/!0/default.png"))
    assert mirrored.getpixel((50, 50)) == colours[9][0]
    gray = decoded(client.get(f"{BASE}/full/max/0/gray.jpg"))
    assert gray.mode == "L"
    bitonal = decoded(client.get(f"{BASE}/full/max/0/bitonal.png"))
    assert bitonal.mode == "1"


@pytest.mark.django_db
def test_a_pdf_scan_is_rendered_once_and_served_at_its_recorded_size(client, issue):
    page = make_page(issue=issue, number=2)
    set_scan(page, pdf_scan(width=600, height=850), "p2.pdf")
    page.refresh_from_db()
    assert page.scan_format == "pdf"
    info = json.loads(client.get(f"{BASE}/info.json").content)
    assert (info["width"], info["height"]) == (page.scan_width, page.scan_height)
    whole = decoded(client.get(f"{BASE}/full/max/0/default.jpg"))
    assert whole.size == (page.scan_width, page.scan_height)
    assert whole.convert("L").getpixel((page.scan_width // 2, 5)) < 80  # the page's black frame
    assert derivatives.rendered_path(page.scan_sha256).exists()
    tile = decoded(client.get(f"{BASE}/0,0,512,512/256,/0/default.jpg"))
    assert tile.size == (256, 256)


@pytest.mark.django_db
def test_a_jpeg_scan_serves_tiles_and_a_thumbnail(client, issue):
    page = make_page(issue=issue, number=2)
    set_scan(page, page_scan("JPEG", width=2500, height=3500), "p2.jpg")
    for scale in (1, 2, 4):
        tile = decoded(client.get(f"{BASE}/0,0,{512 * scale},{512 * scale}/512,/0/default.jpg"))
        assert tile.size == (512, 512)
    assert decoded(client.get(f"{BASE}/full/313,/0/default.jpg")).size == (313, 438)  # scale factor 8
    edge = decoded(client.get(f"{BASE}/2048,3072,1024,1024/,214/0/default.jpg"))
    assert edge.size == (226, 214)  # a 452 x 428 region at the corner, halved
    assert decoded(client.get(f"{BASE}/full/300,/0/default.jpg")).size == (300, 420)


@pytest.mark.django_db
def test_bad_requests_answer_400_and_upscaling_501_with_a_message(client, grid_page):
    cases = {
        "full/max/45/default.jpg": 400,
        "full/2000,/0/default.jpg": 400,
        "2000,0,10,10/max/0/default.jpg": 400,
        "full/max/0/default.tif": 400,
        "full/max/0/native.jpg": 400,
        "full/^2000,/0/default.jpg": 501,
    }
    for path, status in cases.items():
        response = client.get(f"{BASE}/{path}")
        assert response.status_code == status, path
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "无法提供该图像" in response.content.decode()


# --- Headers, caching --------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_answer_carries_cors_and_nosniff(client, grid_page):
    tile = f"{BASE}/full/100,/0/default.jpg"
    etag = client.get(tile)["ETag"]
    answers = [
        client.get(BASE), client.get(f"{BASE}/info.json"), client.get(tile),
        client.get(tile, HTTP_IF_NONE_MATCH=etag), client.get(f"{BASE}/full/max/7/default.jpg"),
        client.get("/iiif/3/zjgrrb_2021-03-19_1_9/info.json"), client.options(tile),
    ]
    assert [a.status_code for a in answers] == [303, 200, 200, 304, 400, 404, 204]
    for answer in answers:
        assert answer["Access-Control-Allow-Origin"] == "*"
        assert answer["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_an_unchanged_image_and_info_json_answer_304_to_their_etag(client, grid_page):
    for path in (f"{BASE}/info.json", f"{BASE}/0,0,512,512/256,/0/default.jpg"):
        first = client.get(path)
        assert first["ETag"] and first["Cache-Control"] == "public, max-age=300"
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "public, max-age=300"
        assert client.get(path, HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.django_db
def test_a_replaced_scan_changes_the_etag(client, grid_page):
    path = f"{BASE}/full/100,/0/default.jpg"
    before = client.get(path)["ETag"]
    set_scan(grid_page, page_scan("PNG", width=1000, height=1000), "other.png")
    assert client.get(path, HTTP_IF_NONE_MATCH=before).status_code == 200


@pytest.mark.django_db
def test_an_image_is_made_once_then_read_from_the_derivative_cache(client, grid_page, monkeypatch):
    path = f"{BASE}/100,100,300,300/150,/0/default.jpg"
    first = client.get(path)
    request = parse("100,100,300,300", "150,", "0", "default", "jpg", width=1000, height=1000, max_area=AREA)
    cached = derivatives.image_path(grid_page.scan_sha256, request.key, "jpg")
    assert cached.read_bytes() == first.content
    assert not [p for p in cached.parent.iterdir() if p.name.startswith(".tmp-")]

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded although the image is cached")

    monkeypatch.setattr(raster, "pixels", no_decoding)
    assert client.get(path).content == first.content


@pytest.mark.django_db
def test_many_tiles_of_one_scan_decode_it_once(client, grid_page, monkeypatch):
    decodes = []
    real = raster._decode
    monkeypatch.setattr(raster, "_decode", lambda page, reduction: decodes.append(reduction) or real(page, reduction))
    for x in range(0, 1000, 250):
        assert client.get(f"{BASE}/{x},0,250,250/max/0/default.jpg").status_code == 200
    assert decodes == [1]


@pytest.mark.django_db
def test_a_small_image_of_a_jpeg_decodes_it_at_a_fraction_of_its_size(client, issue, monkeypatch):
    page = make_page(issue=issue, number=2)
    set_scan(page, page_scan("JPEG", width=2500, height=3500), "p2.jpg")
    decodes = []
    real = raster._decode
    monkeypatch.setattr(raster, "_decode", lambda page, reduction: decodes.append(reduction) or real(page, reduction))
    assert decoded(client.get(f"{BASE}/full/300,/0/default.jpg")).size == (300, 420)
    assert decoded(client.get(f"{BASE}/0,0,2048,2048/512,/0/default.jpg")).size == (512, 512)
    # The thumbnail needs 1/8 of the pixels, the tile (2048 -> 512) 1/4: 1/8 has too few for it.
    assert decodes == [8, 4]
    assert decoded(client.get(f"{BASE}/0,0,1024,1024/128,/0/default.jpg")).size == (128, 128)
    assert decodes == [8, 4]  # another 1/8 request: made from the decoded image kept


@pytest.mark.django_db
def test_threads_asking_for_one_scan_at_once_decode_it_once(grid_page, monkeypatch):
    import threading

    decodes = []
    real = raster._decode

    def slow_decode(page, reduction):
        decodes.append(reduction)
        threading.Event().wait(0.05)
        return real(page, reduction)

    monkeypatch.setattr(raster, "_decode", slow_decode)
    got = []
    threads = [threading.Thread(target=lambda: got.append(raster.pixels(grid_page))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert decodes == [1]
    assert len(got) == 6 and all(pixels is got[0] for pixels in got)


def test_the_decoded_images_kept_are_bounded_in_number_and_bytes(settings):
    settings.IIIF_DECODED_MAX_IMAGES = 2
    settings.IIIF_DECODED_MAX_BYTES = 1000
    kept = raster._DecodedImages()
    for name in "abc":
        kept.put(name, name, 100)
    assert len(kept) == 2 and kept.get("a") is None and kept.get("c") == "c"
    kept.put("huge", "huge", 1001)
    assert kept.get("huge") is None


def test_the_derivative_cache_removes_the_least_recently_used_files_past_its_bound(settings, tmp_path):
    import os

    settings.IIIF_CACHE_DIR = tmp_path
    sha = "ab" * 32
    paths = [derivatives.image_path(sha, f"key{n}", "jpg") for n in range(5)]
    for age, path in enumerate(paths):
        derivatives.write(path, b"x" * 100)
        os.utime(path, (1000 + age, 1000 + age))
    assert derivatives.prune(max_bytes=350) == 200
    assert [p.exists() for p in paths] == [False, False, True, True, True]
    with pytest.raises(ValueError):
        derivatives.image_path("../../etc", "key", "jpg")


# --- Who sees a scan ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_scan_with_a_withdrawn_article_is_hidden_from_readers_until_a_chief_editor_releases_it(
        client, issue, grid_page, editor_user, chief_editor_user):
    make_article(issue=issue, page=2, visibility="withdrawn")
    urls = [BASE, f"{BASE}/info.json", f"{BASE}/full/max/0/default.jpg", f"{BASE}/0,0,512,512/256,/0/default.jpg"]
    missing = client.get("/iiif/3/zjgrrb_2021-03-19_1_9/info.json")
    for url in urls:
        hidden = client.get(url)
        assert hidden.status_code == 404, url
        assert hidden.content == missing.content  # the same answer as for a page with no scan

    client.force_login(editor_user)
    for url in urls:
        seen = client.get(url)
        assert seen.status_code in (200, 303), url
        assert seen["Cache-Control"] == "private, no-store"
    client.logout()

    release_scan(grid_page, user=chief_editor_user)
    for url in urls:
        public = client.get(url)
        assert public.status_code in (200, 303), url
        assert public["Cache-Control"] == "public, max-age=300"


@pytest.mark.django_db
def test_a_page_without_a_scan_and_made_up_identifiers_answer_404(client, issue):
    make_page(issue=issue, number=3)
    for identifier in ("zjgrrb_2021-03-19_1_3", "zjgrrb_2021-03-19_1_2", "..%2F..%2Fetc", "x",
                       "zjgrrb_2021-02-30_1_1", "%5Bfrob%5D", "zjgrrb_2021-03-19_1_²", "zjgrrb/2021-03-19_1_3"):
        assert client.get(f"/iiif/3/{identifier}/info.json").status_code == 404, identifier
        answer = client.get(f"/iiif/3/{identifier}/full/max/0/default.jpg")
        assert answer.status_code == 404, identifier
        assert answer["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_a_staff_answer_learns_whether_the_scan_is_withheld_in_the_same_query(client, issue, grid_page, editor_user):
    make_article(issue=issue, page=2, visibility="withdrawn")
    client.force_login(editor_user)
    client.get(f"{BASE}/info.json")  # the session and the user's permissions, once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{BASE}/info.json").status_code == 200
    page_queries = [q["sql"] for q in queries.captured_queries if '"newsroom_page"' in q["sql"]]
    assert len(page_queries) == 1
