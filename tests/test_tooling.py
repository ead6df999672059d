"""The test command itself: set-up scripts that decide the same way every time, a checkout left clean."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from tests.browser import screenshot_folder

ROOT = Path(__file__).resolve().parent.parent
ENSURE_CHROMIUM = ROOT / "scripts" / "ensure-chromium"


def fake_commands(tmp_path: Path, *, fonts: list[str]) -> dict[str, str]:
    """Return an environment whose fc-list prints ``fonts`` and then far more than a pipe holds,
    with a chromium that exists and an apt-get that leaves a mark if anything is installed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fc_list = ["#!/usr/bin/env bash", *(f"echo {shlex.quote(font)}" for font in fonts)]
    if fonts:
        # ~1 MB after the match: a reader that stops at the first match leaves fc-list writing.
        fc_list.append("for _ in $(seq 1 40000); do echo 'DejaVu Sans,DejaVu Sans Condensed'; done")
    (bin_dir / "fc-list").write_text("\n".join(fc_list) + "\n")
    (bin_dir / "chromium").write_text("#!/bin/sh\n")
    (bin_dir / "apt-get").write_text(f"#!/bin/sh\ntouch {tmp_path / 'installed'}\nexit 1\n")
    for command in bin_dir.iterdir():
        command.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "CHROMIUM": str(bin_dir / "chromium"),
    }


def test_the_font_check_passes_every_time_when_fc_list_prints_more_than_a_pipe_holds(tmp_path):
    env = fake_commands(tmp_path, fonts=["WenQuanYi Micro Hei,文泉驿微米黑"])
    for _ in range(20):
        checked = subprocess.run([ENSURE_CHROMIUM, "--check"], env=env, capture_output=True)
        assert (checked.returncode, checked.stderr) == (0, b"")
        # The whole script too: nothing is missing, so nothing is installed.
        ensured = subprocess.run([ENSURE_CHROMIUM], env=env, capture_output=True)
        assert (ensured.returncode, ensured.stderr) == (0, b"")
    assert not (tmp_path / "installed").exists()


def test_the_check_names_the_missing_font_and_installs_nothing(tmp_path):
    env = fake_commands(tmp_path, fonts=[])
    checked = subprocess.run([ENSURE_CHROMIUM, "--check"], env=env, capture_output=True, text=True)
    assert checked.returncode == 1
    assert checked.stderr == "The browser tests need: fonts-wqy-microhei.\n"
    assert not (tmp_path / "installed").exists()


def test_screenshots_go_to_the_ignored_var_folder_unless_make_screenshots_asks_for_docs(
    monkeypatch,
):
    monkeypatch.delenv("NEWSROOM_SCREENSHOTS", raising=False)
    default = screenshot_folder()
    assert default == ROOT / "var" / "screenshots"
    assert "var/" in (ROOT / ".gitignore").read_text().split()

    monkeypatch.setenv("NEWSROOM_SCREENSHOTS", "docs/screenshots")
    assert screenshot_folder() == ROOT / "docs" / "screenshots"
    assert "NEWSROOM_SCREENSHOTS=docs/screenshots" in (ROOT / "Makefile").read_text()
