"""The bounded reader and the bounded parse of files the data names (issues 17.3, 18.3)."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from gongwen import inputfiles
from gongwen.errors import GongwenError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402


def _spin():
    while True:
        pass


def _hog():
    return b"x" * (4 * 1024 ** 3)


def test_bounded_child_is_killed_at_its_time_limit():
    t = time.monotonic()
    with pytest.raises(inputfiles.Timeout):
        inputfiles.bounded(_spin, seconds=0.3)
    assert time.monotonic() - t < 5


def test_bounded_child_cannot_take_gigabytes():
    with pytest.raises(inputfiles.OutOfMemory):
        inputfiles.bounded(_hog, seconds=30, memory=256 * 1024 ** 2)


def test_bounded_child_returns_its_result():
    assert inputfiles.bounded(sum, [1, 2, 3]) == 6


def test_parse_time_limit_is_said_with_the_limit(tmp_path, monkeypatch):
    hostile.small_pdf(tmp_path / "a.pdf")
    (tmp_path / "s.png").write_bytes(hostile.png(50, 50))
    assert inputfiles.pdf_problem(tmp_path / "a.pdf") is None
    assert inputfiles.image_problem(tmp_path / "s.png") is None
    monkeypatch.setattr(inputfiles, "PARSE_SECONDS", 0.0)
    assert "0 秒内" in inputfiles.pdf_problem(tmp_path / "a.pdf")
    assert "0 秒内" in inputfiles.image_problem(tmp_path / "s.png")


def test_fifo_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "p")
    t = time.monotonic()
    with pytest.raises(GongwenError) as e:
        inputfiles.read_bounded(tmp_path / "p", 1000, "数据表文件")
    assert "命名管道" in e.value.problems[0].message and time.monotonic() - t < 2


def test_size_limit_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:
        f.truncate(5 * 1024 ** 3)                 # sparse: reading it would take 5 GB
    with pytest.raises(GongwenError) as e:
        inputfiles.read_bounded(big, inputfiles.ROWS_BYTES, "数据表文件")
    assert "5.0 GB" in e.value.problems[0].message and "64 MB" in e.value.problems[0].message


def test_flate_bomb_is_counted_not_inflated(tmp_path):
    hostile.flate_bomb_pdf(tmp_path / "b.pdf", decoded=100 * 1024 ** 2)
    t = time.monotonic()
    assert "64 MB" in inputfiles.pdf_problem(tmp_path / "b.pdf")
    assert time.monotonic() - t < 10
