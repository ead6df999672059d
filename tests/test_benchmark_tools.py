"""The serving benchmark's tools: reading gunicorn's access log, and wrk's path script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks.serve_benchmark import WRK_SCRIPT, read_access_log

# gunicorn.conf.py's access_log_format, as gunicorn writes it.
LOG = """\
- 127.0.0.1 [05/Dec/2026:19:10:01 +0000] "GET /articles/7/ HTTP/1.1" 200 5120 "-" "-" cache=miss rt_us=12000
- 127.0.0.1 [05/Dec/2026:19:10:01 +0000] "GET /articles/9/ HTTP/1.1" 200 5120 "-" "-" cache=hit rt_us=900
- 127.0.0.1 [05/Dec/2026:19:10:01 +0000] "GET /articles/7/ HTTP/1.1" 304 0 "-" "-" cache=hit rt_us=800
- 127.0.0.1 [05/Dec/2026:19:10:02 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "-" cache=- rt_us=300
[2026-12-05 19:10:02 +0000] [42] [INFO] Booting worker with pid: 42
"""


def test_access_log_gives_times_statuses_cache_answers_and_paths():
    figures = read_access_log(LOG.splitlines())

    assert figures.times == [12000, 900, 800, 300]
    assert figures.statuses == {"200": 3, "304": 1}
    assert figures.cache == {"hit": 2, "miss": 1, "-": 1}
    assert figures.paths == {"/articles/7/": 2, "/articles/9/": 1, "/healthz": 1}


def test_hit_share_counts_only_what_the_page_cache_answered():
    figures = read_access_log(LOG.splitlines())

    assert figures.hit_share == pytest.approx(2 / 3)
    assert read_access_log(LOG.splitlines()[3:]).hit_share is None


def test_repeated_counts_requests_for_a_path_already_asked():
    assert read_access_log(LOG.splitlines()).repeated == 1


# --------------------------------------------------------------------------- wrk_paths.lua

@pytest.fixture
def server():
    """Yield (port, the paths it was asked, in order) of a server answering any GET with 200."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            # wrk closes the connections it has open when its time is up: not an error.
            pass

    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1], asked
    httpd.shutdown()
    httpd.server_close()


def run_wrk(tmp_path, port: int, paths: list[str], *, distinct: bool, run: int = 1) -> dict:
    # `make test` installs it (scripts/ensure-wrk); a run without it fails, never skips.
    assert shutil.which("wrk"), "wrk is not installed: run scripts/ensure-wrk (or make test)"
    listing = tmp_path / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    env = {**os.environ, "WRK_PATHS": str(listing), "WRK_THREADS": "2",
           "WRK_DISTINCT": "1" if distinct else "0", "WRK_RUN": str(run)}
    result = subprocess.run(
        ["wrk", "-t", "2", "-c", "4", "-d", "1s", "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True, timeout=30, check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("WRK_JSON "))
    return json.loads(line.removeprefix("WRK_JSON "))


def test_distinct_mode_asks_each_path_once_then_stops(server, tmp_path):
    port, asked = server
    paths = [f"/articles/{k}/" for k in range(10)]

    figures = run_wrk(tmp_path, port, paths, distinct=True)

    # What was in flight when a thread stopped may never reach the server: at most once each.
    assert len(asked) == len(set(asked))
    assert set(asked) <= set(paths)
    assert figures["asked"] == figures["distinct_asked"] == 10
    assert figures["threads_ran_out"] == 2


def test_threads_share_the_paths_out_without_asking_one_back_to_back(server, tmp_path):
    port, asked = server
    paths = [f"/issues/{k}/" for k in range(40)]

    figures = run_wrk(tmp_path, port, paths, distinct=False)

    assert figures["distinct_asked"] == 40
    assert set(asked) == set(paths)
    # Each thread goes through all its 20 paths before asking one again; with 4 connections at
    # most a handful of requests are in flight, so a path never comes twice within a few.
    assert all(path not in asked[k + 1 : k + 5] for k, path in enumerate(asked))


def test_two_runs_walk_the_paths_in_different_orders(server, tmp_path):
    port, asked = server
    paths = [f"/articles/{k}/" for k in range(200)]

    run_wrk(tmp_path, port, paths, distinct=True, run=1)
    first = list(asked)
    asked.clear()
    run_wrk(tmp_path, port, paths, distinct=True, run=2)

    assert first[:20] != asked[:20]
