"""Contract 1: the snapshot folder is read as is, validated, and every bad cell is named."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.errors import SnapshotError
from generator.market import snapshot as snapshot_module
from generator.market.snapshot import load_snapshot, write_snapshot


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small valid snapshot written as plain CSV files a test can edit line by line."""
    root = tmp_path / "snap"
    root.mkdir()
    manifest = {"name": "tiny", "as_of": "2026-01-07", "currency": "USD", "units": {"market_cap": "USD bn"}}
    (root / "manifest.json").write_text(json.dumps(manifest))
    (root / "prices.csv").write_text(
        "date,ticker,open,high,low,close,volume\n"
        "2026-01-05,AAA,10,11,9,10.5,1000\n"
        "2026-01-06,AAA,10.5,12,10,11,1200\n"
        "2026-01-07,AAA,11,12,10.5,11.5,900\n"
        "2026-01-05,BBB,20,21,19,20,500\n"
        "2026-01-06,BBB,20,20.5,19.5,20.2,\n"
        "2026-01-07,BBB,20.2,21,20,20.8,700\n"
    )
    (root / "benchmark.csv").write_text(
        "date,ticker,close\n2026-01-05,IDX,100\n2026-01-06,IDX,101\n2026-01-07,IDX,102\n"
    )
    (root / "fundamentals.csv").write_text(
        "ticker,name,sector,sub_industry,price,pe,dividend_yield,market_cap\n"
        "AAA,Aaa Corp,Industrials,,11.5,20.1,,3.2\n"
        "BBB,Bbb Inc,Utilities,Electric Utilities,20.8,,2.5,1.1\n"
    )
    return root


def replace_line(path: Path, line: int, text: str) -> None:
    lines = path.read_text().splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n")


def test_sp500_reads_as_is(sp500_snapshot):
    snap = sp500_snapshot
    assert snap.as_of == dt.date(2017, 11, 10) and not snap.manifest.fictional
    assert len(snap.prices) == 371_374 and snap.prices["ticker"].nunique() == 493
    assert len(snap.fundamentals) == 505 and snap.benchmark_ticker == "SPY"
    assert "BHI" in snap.manifest.missing_tickers  # read from the key tickers_without_prices
    assert np.isnan(snap.fundamentals.at["BRK.B", "pe"])  # blank stays unknown, never zero
    assert snap.fundamentals.at["AAPL", "market_cap"] == 732.0
    assert snap.fundamentals.at["AAPL", "sub_industry"] == "Technology Hardware, Storage & Peripherals"


def test_blanks_are_unknown_not_zero(folder):
    snap = load_snapshot(folder)
    assert np.isnan(snap.fundamentals.at["AAA", "dividend_yield"])
    assert np.isnan(
        snap.prices.set_index(["ticker", "date"]).at[("BBB", pd.Timestamp("2026-01-06")), "volume"]
    )
    assert snap.fundamentals.at["AAA", "sub_industry"] is None


@pytest.mark.parametrize(
    ("file", "line", "text", "message"),
    [
        (
            "prices.csv",
            3,
            "2026-01-06,AAA,10.5,12,10,eleven,1200",
            r"prices\.csv, line 3, column 'close': 'eleven' is not a number",
        ),
        (
            "prices.csv",
            4,
            "2026-13-07,AAA,11,12,10.5,11.5,900",
            r"prices\.csv, line 4, column 'date': .* is not a date",
        ),
        (
            "prices.csv",
            4,
            "2026-01-08,AAA,11,12,10.5,11.5,900",
            r"line 4, column 'date': .* after the snapshot's as_of",
        ),
        (
            "prices.csv",
            5,
            "2026-01-05,BBB,20,21,19,0,500",
            r"line 5, column 'close': '0.0' is not a positive price",
        ),
        (
            "prices.csv",
            5,
            "2026-01-05,,20,21,19,20,500",
            r"prices\.csv, line 5, column 'ticker': blank is required",
        ),
        ("prices.csv", 6, "2026-01-05,BBB,20,20.5,19.5,20.2,", r"line 6, column 'date': .* repeats a date"),
        (
            "fundamentals.csv",
            3,
            "BBB,Bbb Inc,,x,20.8,,2.5,1.1",
            r"fundamentals\.csv, line 3, column 'sector': blank is required",
        ),
        (
            "fundamentals.csv",
            2,
            "AAA,Aaa Corp,Industrials,,11.5,n/a?,,3.2",
            r"line 2, column 'pe': 'n/a\?' is not a number",
        ),
        (
            "benchmark.csv",
            1,
            "date,symbol,close",
            r"benchmark\.csv, line 1: missing required column 'ticker'",
        ),
    ],
)
def test_bad_cells_are_named_by_file_line_and_column(folder, file, line, text, message):
    replace_line(folder / file, line, text)
    with pytest.raises(SnapshotError, match=message):
        load_snapshot(folder)


def _as_parquet(folder: Path, change) -> None:
    """The folder's prices as newsdesk writes parquet (tickers categorical), changed in place by
    `change` or replaced by what it returns."""
    prices = pd.read_csv(folder / "prices.csv", parse_dates=["date"])
    prices["ticker"] = prices["ticker"].astype("category")
    changed = change(prices)
    prices = prices if changed is None else changed
    prices.to_parquet(folder / "prices.parquet", index=False)
    (folder / "prices.csv").unlink()


def _set(column, value, row=4):
    def change(prices):
        prices[column] = prices[column].astype(object) if value is None else prices[column]
        prices.loc[row, column] = value
        if column == "date":
            prices[column] = pd.to_datetime(prices[column])

    return change


def _blank_category(row):
    def change(prices):
        prices["ticker"] = prices["ticker"].where(prices.index != row)  # stays categorical

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("close", 0.0), r"line 6, column 'close': '0.0' is not a positive price"),
        (_set("low", -1.0), r"line 6, column 'low': '-1.0' is not a positive price"),
        (_set("volume", -5), r"line 6, column 'volume': '-5.0' is negative"),
        (_set("high", 19.0), r"line 6, column 'high': '19.0' is below the low of the same row"),
        (_set("close", float("inf")), r"line 6, column 'close': 'inf' is not a finite number"),
        (_set("close", float("nan")), r"line 6, column 'close': blank is required"),
        (_set("date", pd.Timestamp("2026-01-08")), r"line 6, column 'date': .* after the snapshot's as_of"),
        (_set("date", pd.NaT), r"line 6, column 'date': blank is required"),
        (_set("date", pd.Timestamp("2026-01-05")), r"line 6, column 'date': .* repeats a date"),
        (_set("ticker", None), r"line 6, column 'ticker': blank is required"),  # text tickers
        (_blank_category(4), r"line 6, column 'ticker': blank is required"),  # categorical
    ],
)
def test_bad_parquet_cells_are_found_in_any_block_of_rows(folder, monkeypatch, change, message):
    """Long columns are checked some rows at a time (here 2): a bad cell in the third block is
    named by its own line, as in one block."""
    monkeypatch.setattr(snapshot_module, "BATCH_ROWS", 2)
    _as_parquet(folder, change)
    with pytest.raises(SnapshotError, match=message):
        load_snapshot(folder)


def test_good_parquet_checked_in_blocks_reads_whole(folder, monkeypatch):
    monkeypatch.setattr(snapshot_module, "BATCH_ROWS", 2)
    _as_parquet(folder, lambda prices: None)
    snap = load_snapshot(folder)
    assert snap.prices["close"].tolist() == [10.5, 11, 11.5, 20, 20.2, 20.8]
    assert list(snap.prices["ticker"]) == ["AAA"] * 3 + ["BBB"] * 3


def test_one_day_of_parquet_prices_is_refused(folder, monkeypatch):
    monkeypatch.setattr(snapshot_module, "BATCH_ROWS", 2)
    _as_parquet(folder, lambda prices: prices.drop(index=[1, 2, 4, 5]))
    with pytest.raises(SnapshotError, match=r"holds prices for one day only \(2026-01-05\)"):
        load_snapshot(folder)


@pytest.mark.parametrize(
    ("rows", "categories", "every"),
    [
        (["A", "A", "B", "B", "C"], ["A", "B", "C"], True),  # C only in the last block
        (["A", "A", "B", "B", "C"], ["A", "B", "C", "D"], False),  # D in no block
        (["A", "A", "B", None, "C"], ["A", "B", "C"], False),  # a row without a category
    ],
)
def test_every_category_is_counted_over_all_blocks(monkeypatch, rows, categories, every):
    monkeypatch.setattr(snapshot_module, "BATCH_ROWS", 2)
    column = pd.Series(pd.Categorical(rows, categories=categories))
    assert snapshot_module.uses_every_category(column) is every


def test_unordered_rows_are_sorted_and_duplicates_found_anywhere(folder):
    prices = folder / "prices.csv"
    lines = prices.read_text().splitlines()
    prices.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n")
    snap = load_snapshot(folder)
    assert list(snap.prices["ticker"]) == ["AAA"] * 3 + ["BBB"] * 3
    assert list(snap.prices["date"].dt.day) == [5, 6, 7, 5, 6, 7]
    prices.write_text(prices.read_text() + "2026-01-06,AAA,1,1,1,1,1\n")
    with pytest.raises(SnapshotError, match=r"line 8, column 'date': .* repeats a date"):
        load_snapshot(folder)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda root: (root / "manifest.json").unlink(), r"manifest\.json: missing"),
        (lambda root: (root / "manifest.json").write_text("{not json"), r"manifest\.json: not valid JSON"),
        (
            lambda root: (root / "manifest.json").write_text('{"name": "x", "currency": "USD"}'),
            r"key 'as_of'",
        ),
        (
            lambda root: (root / "prices.csv").unlink(),
            r"missing prices\.parquet or prices\.csv\.gz or prices\.csv",
        ),
        (
            lambda root: (root / "news.jsonl").write_text('{"ticker": "AAA"}\n'),
            r"news\.jsonl, line 1, column 'published'",
        ),
        (lambda root: (root / "news.jsonl").write_text("oops\n"), r"news\.jsonl, line 1: not valid JSON"),
        (lambda root: (root / "cohorts.yaml").write_text("AI: 3\n"), r"cohorts\.yaml: key 'AI'"),
        (lambda root: (root / "prices.csv").write_bytes(b"\x1f\x8b garbage"), r"prices\.csv: cannot be read"),
    ],
)
def test_broken_files_are_one_clear_error(folder, edit, message):
    edit(folder)
    with pytest.raises(SnapshotError, match=message):
        load_snapshot(folder)


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(SnapshotError, match=r"nope: snapshot folder not found"):
        load_snapshot(tmp_path / "nope")


def test_cohorts_sources_and_news_are_read(folder):
    (folder / "cohorts.yaml").write_text("Chips:\n  Fabs: [aaa]\n  Tools: [BBB]\nAll: [AAA, BBB]\n")
    (folder / "sources").mkdir()
    (folder / "sources" / "aaa-release.txt").write_text(
        "Aaa reports results\ntickers: AAA\nurl: https://example.invalid/a\n\n"
        "“We grew,” said Jo Bloggs, CEO.\n"
    )
    item = {"ticker": "aaa", "published": "2026-01-06T10:00:00Z", "title": "Aaa beats estimates"}
    (folder / "news.jsonl").write_text(json.dumps(item) + "\n")
    snap = load_snapshot(folder)
    chips = snap.cohorts[0]
    assert chips.tickers == ("AAA", "BBB") and [g.name for g in chips.groups] == ["Fabs", "Tools"]
    [source] = snap.sources
    assert (source.id, source.title, source.tickers, source.url) == (
        "aaa-release",
        "Aaa reports results",
        ("AAA",),
        "https://example.invalid/a",
    )
    assert source.body.startswith("“We grew,”")
    assert snap.news.loc[0, "ticker"] == "AAA" and snap.news.loc[0, "published"].tzinfo is not None


@pytest.mark.parametrize("prices_format", ["csv.gz", "parquet", "csv"])
def test_write_then_read_round_trips(folder, tmp_path, prices_format):
    original = load_snapshot(folder)
    written = write_snapshot(original, tmp_path / "copy", prices_format=prices_format)
    again = load_snapshot(written)
    pd.testing.assert_frame_equal(original.prices, again.prices)
    pd.testing.assert_frame_equal(original.fundamentals, again.fundamentals)
    assert again.manifest == original.manifest


def test_a_parquet_file_with_nullable_columns_and_a_saved_index_reads_as_the_csv_does(folder, tmp_path):
    """Parquet written by hand: volume as pandas' nullable Int64 (one blank), the date as the index."""
    original = load_snapshot(folder)
    copy = write_snapshot(original, tmp_path / "copy", prices_format="csv")
    prices = pd.read_csv(copy / "prices.csv")
    prices["volume"] = prices["volume"].astype("Int64")
    prices.loc[3, "volume"] = pd.NA
    prices.set_index("date").to_parquet(copy / "prices.parquet")
    (copy / "prices.csv").unlink()
    again = load_snapshot(copy)
    assert len(again.prices) == len(original.prices)
    assert again.prices["close"].tolist() == original.prices["close"].tolist()
    expected = original.prices["volume"].astype(float).copy()
    expected.iloc[3] = float("nan")
    assert again.prices["volume"].astype(float).fillna(-1).tolist() == expected.fillna(-1).tolist()


def test_parquet_numbers_read_in_batches_keep_their_values_blanks_and_types(tmp_path, monkeypatch):
    """Numeric columns stream in batches (here of 2 rows): the values, blanks (NaN, NaT) and dtypes
    come out as written; an integer column with a blank is read whole, as floats; a time zone too."""
    from generator.market import snapshot as snapshot_module

    monkeypatch.setattr(snapshot_module, "BATCH_ROWS", 2)
    written = pd.DataFrame(
        {
            "close": [1.5, None, 3.25, 4.0, 5.0],
            "volume": pd.array([10, 20, 30, 40, 50], dtype="int64"),
            "shares": pd.array([1, None, 3, 4, 5], dtype="Int64"),
            "date": pd.to_datetime(["2026-01-02", None, "2026-01-06", "2026-01-07", "2026-01-08"]),
            "stamp": pd.to_datetime(["2026-01-02T10:00Z"] * 5),
        }
    )
    path = tmp_path / "prices.parquet"
    written.to_parquet(path)
    read = snapshot_module._read_parquet(path)
    assert read["close"].fillna(-1).tolist() == [1.5, -1, 3.25, 4.0, 5.0]
    assert read["volume"].dtype == np.int64 and read["volume"].tolist() == [10, 20, 30, 40, 50]
    assert read["shares"].dtype == np.float64 and read["shares"].fillna(-1).tolist() == [1, -1, 3, 4, 5]
    assert read["date"].dtype == written["date"].dtype
    assert read["date"].isna().tolist() == [False, True, False, False, False]
    assert str(read["date"].iloc[2].date()) == "2026-01-06"
    assert str(read["stamp"].dt.tz) == "UTC"


@pytest.mark.parametrize(
    "categories",
    [
        ["AAA", "BBB"],  # as newsdesk writes it: kept as it is
        [" aaa", "BBB "],  # untidy names: cleaned as a CSV's would be
        ["AAA", "BBB", "ZZZ"],  # a category no row uses: not a ticker of the snapshot
        ["BBB", "AAA"],  # categories out of order
    ],
)
def test_a_categorical_ticker_column_in_parquet_reads_as_clean_sorted_tickers(folder, tmp_path, categories):
    copy = write_snapshot(load_snapshot(folder), tmp_path / "copy", prices_format="csv")
    prices = pd.read_csv(copy / "prices.csv")
    spelled = {
        "AAA": next(c for c in categories if "a" in c.lower()),
        "BBB": next(c for c in categories if "b" in c.lower()),
    }
    prices["ticker"] = pd.Categorical(prices["ticker"].map(spelled), categories=categories)
    prices.to_parquet(copy / "prices.parquet")
    (copy / "prices.csv").unlink()
    tickers = load_snapshot(copy).prices["ticker"]
    assert list(tickers.cat.categories) == ["AAA", "BBB"]
    assert tickers.tolist() == ["AAA"] * 3 + ["BBB"] * 3


def test_gzip_output_is_byte_reproducible(folder, tmp_path):
    snap = load_snapshot(folder)
    first = write_snapshot(snap, tmp_path / "a") / "prices.csv.gz"
    second = write_snapshot(snap, tmp_path / "b") / "prices.csv.gz"
    assert first.read_bytes() == second.read_bytes()
    assert gzip.decompress(first.read_bytes()).startswith(b"date,ticker,open")


def test_an_interrupted_write_leaves_the_old_snapshot_whole(folder, tmp_path, monkeypatch):
    snap = load_snapshot(folder)
    target = write_snapshot(snap, tmp_path / "out")
    before = {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()}

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(snapshot_module, "_write_csv_gz", crash)
    with pytest.raises(KeyboardInterrupt):
        write_snapshot(snap, target)
    assert {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "snap"]  # no staging folder left behind


def test_written_folders_follow_the_umask(folder, tmp_path):
    target = write_snapshot(load_snapshot(folder), tmp_path / "out")
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o777 & ~mask


# ------------------------------------------------------------------- contract extensions (claims, data-in)


def test_manifest_declares_price_basis_fundamentals_date_and_calendar(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest |= {"prices_adjusted": "splits", "fundamentals_as_of": "2025-12-31", "calendar": "XNYS"}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    snap = load_snapshot(folder)
    assert snap.manifest.prices_adjusted == "splits"
    assert snap.manifest.fundamentals_as_of == dt.date(2025, 12, 31)
    assert snap.manifest.calendar == "XNYS"


def test_manifest_refuses_an_unknown_price_basis(folder):
    manifest = json.loads((folder / "manifest.json").read_text()) | {"prices_adjusted": "yes"}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(SnapshotError, match=r"manifest\.json: key 'prices_adjusted'"):
        load_snapshot(folder)


def test_actions_csv_is_read_with_blanks_as_no_action(folder):
    (folder / "actions.csv").write_text(
        "date,ticker,split_ratio,dividend\n2026-01-06,aaa,4,\n2026-01-07,BBB,,0.25\n"
    )
    actions = load_snapshot(folder).actions
    assert actions["ticker"].tolist() == ["AAA", "BBB"]
    assert actions["split_ratio"].iloc[0] == 4 and np.isnan(actions["dividend"].iloc[0])
    assert np.isnan(actions["split_ratio"].iloc[1]) and actions["dividend"].iloc[1] == 0.25


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-01-06,AAA,0,", r"actions\.csv, line 2, column 'split_ratio': '0' is not a positive ratio"),
        ("2026-01-06,AAA,,-1", r"actions\.csv, line 2, column 'dividend': '-1' is negative"),
        (
            "2026-01-06,AAA,,",
            r"actions\.csv, line 2, column 'split_ratio': blank \(and so is dividend\)",
        ),
        ("2026-02-01,AAA,2,", r"actions\.csv, line 2, column 'date': .* after the snapshot's as_of"),
    ],
)
def test_bad_actions_name_the_row(folder, row, message):
    (folder / "actions.csv").write_text(f"date,ticker,split_ratio,dividend\n{row}\n")
    with pytest.raises(SnapshotError, match=message):
        load_snapshot(folder)


def test_source_headers_say_who_speaks(folder):
    (folder / "sources").mkdir()
    (folder / "sources" / "note.txt").write_text(
        "Calder & Voss on GPU leasing\n"
        "tickers: AAA\norganisation: Calder & Voss Research\nspeaker: Ines Marlow\n"
        "role: head of research\nkind: research_note\npublished: 2026-01-06\n\nBody text.\n"
    )
    (document,) = load_snapshot(folder).sources
    assert (document.organisation, document.speaker, document.role, document.kind) == (
        "Calder & Voss Research",
        "Ines Marlow",
        "head of research",
        "research_note",
    )
    assert document.body == "Body text."


def test_a_source_kind_outside_the_contract_names_its_line(folder):
    (folder / "sources").mkdir()
    (folder / "sources" / "x.txt").write_text("Title\ntickers: AAA\nkind: rumour\n\nBody.\n")
    with pytest.raises(SnapshotError, match=r"x\.txt, line 3: kind 'rumour' is not one of press_release"):
        load_snapshot(folder)


def test_news_items_may_carry_attribution_and_a_known_kind(folder):
    item = {
        "ticker": "AAA",
        "published": "2026-01-06T12:00:00Z",
        "title": "Aaa wins a contract",
        "kind": "memo",
    }
    (folder / "news.jsonl").write_text(json.dumps(item) + "\n")
    with pytest.raises(SnapshotError, match=r"news\.jsonl, line 1, column 'kind': 'memo' is not one of"):
        load_snapshot(folder)
    item |= {"kind": "news", "organisation": "Wirepoint"}
    (folder / "news.jsonl").write_text(json.dumps(item) + "\n")
    news = load_snapshot(folder).news
    assert news.loc[0, "organisation"] == "Wirepoint" and news.loc[0, "speaker"] is None


def test_actions_round_trip_through_write_snapshot(folder, tmp_path):
    (folder / "actions.csv").write_text("date,ticker,split_ratio,dividend\n2026-01-06,AAA,2,0.1\n")
    written = write_snapshot(load_snapshot(folder), tmp_path / "copy")
    assert (
        written / "actions.csv"
    ).read_text() == "date,ticker,split_ratio,dividend\n2026-01-06,AAA,2.0,0.1\n"
