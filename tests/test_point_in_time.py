"""`--as-of DATE`: a run on the snapshot as it stood at the close of DATE, and nothing from later."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from output_tree import readable

from generator.errors import SnapshotError
from generator.market.point_in_time import snapshot_as_of
from generator.market.snapshot import SourceDocument

SP500_BACK = dt.date(2017, 11, 3)  # the Friday a week before the snapshot's 2017-11-10


def tree(out: Path) -> dict[str, str]:
    """Every output file by SHA-256, run records left out (they hold timestamps by design)."""
    return {
        path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(readable(out))
        if path.is_file() and "runs" not in path.relative_to(out).parts[:2]
    }


def run(snapshot: Path, out: Path, as_of: dt.date | None = None):
    from generator.config import load_settings
    from generator.pipeline import build

    return build(load_settings(snapshot=snapshot, out=out, jobs=2, quiet=True), as_of=as_of)


# --------------------------------------------------------------------------- the view itself


def test_the_view_keeps_only_what_was_known_at_the_close(sample_snapshot):
    day = dt.date(2026, 11, 13)
    view = snapshot_as_of(sample_snapshot, day)
    assert view.manifest.as_of == day
    assert view.prices["date"].max() == pd.Timestamp(day) == view.benchmark["date"].max()
    # nothing before the day is lost
    earlier = sample_snapshot.prices[sample_snapshot.prices["date"] <= pd.Timestamp(day)]
    assert len(view.prices) == len(earlier)
    # headlines: published before midnight UTC at the end of the day
    assert view.news["published"].max() < pd.Timestamp("2026-11-14", tz="UTC")
    assert len(view.news) == (sample_snapshot.news["published"] < pd.Timestamp("2026-11-14", tz="UTC")).sum()
    # sources dated after the day (thsp 11-14) go; those dated on or before stay (gpu 11-11)
    ids = {doc.id for doc in view.sources}
    assert "gpu-capacity-asset-class" in ids and "thsp-voluntary-recall" not in ids
    assert view.manifest.model_extra["point_in_time"]["snapshot_as_of"] == "2026-11-20"


def test_fundamentals_dated_after_the_day_are_blank_and_names_stay(sample_snapshot):
    # the sample's manifest gives no fundamentals_as_of: they describe its as-of date, 2026-11-20
    view = snapshot_as_of(sample_snapshot, dt.date(2026, 11, 19))
    assert view.fundamentals[["pe", "roe", "market_cap", "dividend_yield"]].isna().all().all()
    identity = ["name", "sector", "sub_industry"]
    pd.testing.assert_frame_equal(view.fundamentals[identity], sample_snapshot.fundamentals[identity])
    assert "left blank" in view.manifest.model_extra["point_in_time"]["fundamentals"]


def test_fundamentals_dated_on_or_before_the_day_are_kept(sample_snapshot):
    dated = sample_snapshot.manifest.model_copy(update={"fundamentals_as_of": dt.date(2026, 6, 30)})
    snapshot = type(sample_snapshot)(**{**sample_snapshot.__dict__, "manifest": dated})
    view = snapshot_as_of(snapshot, dt.date(2026, 6, 30))
    pd.testing.assert_frame_equal(view.fundamentals, sample_snapshot.fundamentals)


def test_an_undated_source_exists_only_as_of_the_snapshots_own_date(sample_snapshot):
    undated = SourceDocument(id="memo", title="Memo", text="Memo\n\nText.", body="Text.", filename="memo.txt")
    snapshot = type(sample_snapshot)(**{**sample_snapshot.__dict__, "sources": (undated,)})
    assert [d.id for d in snapshot_as_of(snapshot, dt.date(2026, 11, 20)).sources] == ["memo"]
    assert snapshot_as_of(snapshot, dt.date(2026, 11, 19)).sources == ()


def test_a_source_date_that_is_not_a_date_is_named(sample_snapshot):
    odd = SourceDocument(
        id="memo", title="Memo", text="", body="", filename="memo.txt", published="last Tuesday"
    )
    snapshot = type(sample_snapshot)(**{**sample_snapshot.__dict__, "sources": (odd,)})
    with pytest.raises(SnapshotError, match=r"sources/memo\.txt: published 'last Tuesday' is not a date"):
        snapshot_as_of(snapshot, dt.date(2026, 11, 19))


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            dt.date(2026, 11, 14),
            r"^--as-of 2026-11-14: not a trading day in newsdesk-sample \(a Saturday without a benchmark "
            r"close\); the sessions around it are 2026-11-13 and 2026-11-16$",
        ),
        (
            dt.date(2026, 11, 23),
            r"^--as-of 2026-11-23: after the last session of newsdesk-sample \(2026-11-20\)$",
        ),
        (dt.date(2020, 1, 2), r"^--as-of 2020-01-02: before the history of newsdesk-sample begins \(20"),
    ],
)
def test_a_day_that_is_not_a_session_is_refused(sample_snapshot, day, message):
    with pytest.raises(SnapshotError, match=message):
        snapshot_as_of(sample_snapshot, day)


def test_the_command_line_says_so_in_one_line_and_exits_2(monkeypatch, capsys, tmp_path):
    from generator import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["newsdesk", "run", "--as-of", "2026-11-15", "--out", "out", "-q"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2026-11-15: not a trading day in newsdesk-sample (a Sunday" in err
    assert not (tmp_path / "out" / "2026-11-15").exists()


def test_score_takes_as_of_too(monkeypatch, capsys):
    from generator.score_command import run_score

    run_score(None, tickers="HLXM", output_format="csv", validate=False, as_of=dt.date(2026, 11, 13))
    row = capsys.readouterr().out.splitlines()[1].split(",")
    # value and quality are missing (the fundamentals describe 2026-11-20), so no score: never zero
    assert row[0] == "HLXM" and row[1] == "" and row[4] == "" and row[5] == "" and row[7] == "2/4"


# ---------------------------------------------------------------------- the real S&P 500 snapshot


def _rewrite_the_future(source: Path, target: Path, day: dt.date) -> int:
    """Copy a snapshot, multiplying every price after `day` by 1.37 (rows up to `day` untouched)."""
    shutil.copytree(source, target)
    changed = 0
    for name, columns in (("prices.csv.gz", ("open", "high", "low", "close")), ("benchmark.csv", ("close",))):
        frame = pd.read_csv(target / name, dtype={"ticker": str}, keep_default_na=False, na_values=[""])
        later = pd.to_datetime(frame["date"]) > pd.Timestamp(day)
        for column in columns:
            frame.loc[later, column] = frame.loc[later, column] * 1.37
        changed += int(later.sum())
        text = frame.to_csv(index=False, lineterminator="\n")
        if name.endswith(".gz"):
            (target / name).write_bytes(gzip.compress(text.encode(), mtime=0))
        else:
            (target / name).write_text(text)
    return changed


@pytest.mark.shared_data
def test_sp500_as_of_a_week_back_uses_no_later_price(sp500_dir, tmp_path):
    changed = _rewrite_the_future(sp500_dir, tmp_path / "altered", SP500_BACK)
    assert changed > 2000  # five sessions of 493 stocks and the benchmark really were rewritten

    result = run(sp500_dir, tmp_path / "real", SP500_BACK)
    run(tmp_path / "altered", tmp_path / "other", SP500_BACK)

    assert result.as_of == SP500_BACK and len(result.articles) > 400
    day = tmp_path / "real" / "site" / "2017-11-03"
    assert day.is_dir()
    assert all(a.path.name.endswith("-2017-11-03.md") for a in result.articles)
    brief = (day / "3m-co-alpha-score-2017-11-03.md").read_text()
    assert "\ndate: 2017-11-03\n" in brief
    # every file, byte for byte: changing every later price changed nothing
    assert tree(tmp_path / "real") == tree(tmp_path / "other")


@pytest.mark.shared_data
def test_sp500_as_of_its_own_date_is_the_run_without_as_of(sp500_dir, sp500_run, tmp_path):
    run(sp500_dir, tmp_path / "out", dt.date(2017, 11, 10))
    assert tree(tmp_path / "out") == tree(sp500_run.out_dir)
