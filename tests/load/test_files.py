"""Which files the paths name: folders, globs, and paths that name nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.load import (
    expand_paths,
)

pytestmark = pytest.mark.django_db


def test_a_folder_stands_for_its_txt_and_md_files_in_order(tmp_path):
    for name in ("b.md", "a.txt", "c.json", "d.TXT"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub.txt").mkdir()
    names = [Path(f.name).name for f in expand_paths([tmp_path])]
    assert names == ["a.txt", "b.md", "d.TXT"]


def test_a_glob_is_expanded_and_a_path_that_names_nothing_is_an_error(tmp_path):
    for name in ("2021-1.txt", "2021-2.txt", "2022-1.txt"):
        (tmp_path / name).write_text("x")
    files = expand_paths([tmp_path / "2021-*.txt", tmp_path / "2021-1.txt", tmp_path / "nope.txt"])
    assert [Path(f.name).name for f in files[:2]] == ["2021-1.txt", "2021-2.txt"]
    assert len(files) == 3  # the repeated file is read once
    assert files[2].path is None and files[2].error.endswith("nope.txt: no such file or folder")
