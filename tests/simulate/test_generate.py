from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tracebridge.simulate import SCALES, generate, load_complaint_truth, sizes
from tracebridge.simulate.runner import INLINE_TRUTH_LIMIT


def test_scales_and_overrides() -> None:
    assert sizes("small", None, None, None) == SCALES["small"] == (600, 20_000, 5_000)
    assert sizes("medium", 10, None, 7) == (10, 10_000_000, 7)


def test_unknown_scale_and_negative_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown scale"):
        sizes("huge", None, None, None)
    with pytest.raises(ValueError, match="negative"):
        sizes("small", -1, None, None)


def test_the_default_small_world_has_the_documented_sizes(tmp_path: Path) -> None:
    summary = generate(tmp_path, 11)
    assert (summary.complaints, summary.calls) == (600, 20_000)
    assert summary.transactions >= 5_000 and summary.cdr_rows > summary.calls
    assert summary.campaigns >= 12
    assert "600 complaints" in summary.line()


def test_empty_world_still_writes_every_file(tmp_path: Path) -> None:
    summary = generate(tmp_path, 1, complaints=0, calls=0, txns=0)
    assert summary.transactions == 0 and summary.cdr_rows == 0
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert truth["complaints"] == {} and truth["no_identifier_refs"] == []
    assert (tmp_path / "complaints.jsonl").read_text(encoding="utf-8") == ""


def test_large_complaint_truth_lives_only_in_the_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracebridge.simulate.runner.INLINE_TRUTH_LIMIT", 10)
    generate(tmp_path, 2, complaints=INLINE_TRUTH_LIMIT // 5000 + 20, calls=10, txns=10)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert "complaints" not in truth and truth["complaints_file"] == "truth_complaints.csv"
    assert len(load_complaint_truth(tmp_path)) == 30


def test_progress_reports_every_stage_to_its_total(tmp_path: Path) -> None:
    seen: dict[str, list[int]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        seen.setdefault(stage, [0, total])[0] += done

    generate(tmp_path, 3, complaints=2100, calls=1000, txns=9000, progress=progress)
    assert seen["complaints"] == [2100, 2100] and seen["calls"] == [1000, 1000]
    assert seen["transactions"][0] == seen["transactions"][1] > 0
    assert seen["ftc_dnc"] == [2100, 2100]


def test_command_writes_the_world_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "simulate",
        "--seed",
        "9",
        "--out",
        str(tmp_path),
        "--complaints",
        "40",
        "--calls",
        "500",
        "--txns",
        "100",
    )
    assert "40 complaints" in capsys.readouterr().err.replace("\n", " ")
    lines = (tmp_path / "complaints.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 40


def test_command_refuses_negative_sizes(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="negative"):
        call_command("simulate", "--seed", "9", "--out", str(tmp_path), "--calls", "-5")
