"""`newsdesk import`: a user's vendor exports become a snapshot, or one line names the bad cell."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd
import pytest

from generator.errors import NewsdeskError, SnapshotError
from generator.market.importer import DERIVED_BENCHMARK, run_import
from generator.market.snapshot import check_out_folder, load_snapshot

VENDOR_PRICES = """Date,Symbol,Open,High,Low,Close,Adj Close,Volume
2024-01-02,AAA,10,11,9.5,10.5,10.4,1000
2024-01-03,AAA,10.5,11.2,10.1,11,10.9,1200
2024-01-04,AAA,11,11.5,10.8,11.2,11.1,900
2024-01-02,BBB,20,20.5,19,20,19.8,500
2024-01-03,BBB,20,20.2,19.5,19,18.8,
2024-01-04,BBB,19,19.9,18.9,19.5,19.3,700
"""
VENDOR_FUNDAMENTALS = """Ticker,Company,GICS Sector,Sub-Industry,Market Cap (bn),pe,Analyst
AAA,Alpha Corp,Industrials,Machinery,12.5,18.2,Jane
BBB,Beta Inc,Utilities,,3.1,,Joe
CCC,Gamma Ltd,Energy,Oil,1.0,9.0,Ann
"""
MAPS = (
    "Symbol=ticker",
    "Company=name",
    "GICS Sector=sector",
    "Sub-Industry=sub_industry",
    "Market Cap (bn)=market_cap",
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "prices.csv").write_text(VENDOR_PRICES)
    (tmp_path / "fundamentals.csv").write_text(VENDOR_FUNDAMENTALS)
    (tmp_path / "spx.csv").write_text("date,close\n2024-01-02,4742.8\n2024-01-03,4704.8\n2024-01-04,4688.7\n")
    return {
        "prices": tmp_path / "prices.csv",
        "fundamentals": tmp_path / "fundamentals.csv",
        "bench": tmp_path / "spx.csv",
    }


def do_import(
    tmp_path: Path, files: dict[str, Path], *, benchmark: Path | None = None, maps=MAPS, **kw
) -> Path:
    options = {"name": None, "as_of": None, "out": tmp_path / "snap"}
    options.update(kw)
    return run_import(
        prices=files["prices"],
        fundamentals=files["fundamentals"],
        benchmark=benchmark,
        mappings=maps,
        **options,
    )


def test_vendor_exports_become_a_snapshot(tmp_path, files, capsys):
    snap = load_snapshot(do_import(tmp_path, files, benchmark=files["bench"]))
    assert snap.manifest.as_of.isoformat() == "2024-01-04"  # the last price date
    assert snap.manifest.name == "snap" and snap.manifest.fictional is False
    assert snap.manifest.missing_tickers == ["CCC"]  # fundamentals but no prices
    assert snap.manifest.units == {"market_cap": "USD bn", "pe": "ratio"}
    aaa = snap.prices[snap.prices["ticker"] == "AAA"]
    assert list(aaa["close"]) == [10.5, 11.0, 11.2]  # Close, not Adj Close
    assert pd.isna(
        snap.prices.set_index(["ticker", "date"]).loc[("BBB", pd.Timestamp("2024-01-03")), "volume"]
    )
    assert (
        snap.fundamentals.loc["AAA", "name"] == "Alpha Corp"
        and snap.fundamentals.loc["AAA", "market_cap"] == 12.5
    )
    assert (
        pd.isna(snap.fundamentals.loc["BBB", "pe"]) and snap.fundamentals.loc["BBB", "sub_industry"] is None
    )
    assert list(snap.benchmark["ticker"].unique()) == ["SPX"] and snap.benchmark["close"].iloc[-1] == 4688.7
    line = capsys.readouterr().out
    assert line.startswith("imported 2 tickers to ") and line.count("\n") == 1
    assert "ignored columns: Adj Close (prices.csv), Analyst (fundamentals.csv)" in line


def test_without_a_benchmark_an_equal_weight_index_is_derived_and_labelled(tmp_path, files):
    snap = load_snapshot(do_import(tmp_path, files))
    assert list(snap.benchmark["ticker"].unique()) == [DERIVED_BENCHMARK]
    # day 1: 100; day 2: mean(11/10.5 - 1, 19/20 - 1); day 3: mean(11.2/11 - 1, 19.5/19 - 1)
    day2 = 100 * (1 + ((11 / 10.5 - 1) + (19 / 20 - 1)) / 2)
    day3 = day2 * (1 + ((11.2 / 11 - 1) + (19.5 / 19 - 1)) / 2)
    assert list(snap.benchmark["close"]) == pytest.approx([100, day2, day3])
    assert snap.manifest.benchmark_name == "equal-weighted average of the imported stocks"
    assert any("equal-weighted" in str(source.get("derived", "")) for source in snap.manifest.sources)


def test_parquet_exports_work_too(tmp_path, files):
    prices = pd.read_csv(files["prices"]).assign(Date=lambda f: pd.to_datetime(f["Date"]))
    prices.to_parquet(tmp_path / "prices.parquet")
    pd.read_csv(files["fundamentals"]).to_parquet(tmp_path / "fundamentals.parquet")
    parquet = {"prices": tmp_path / "prices.parquet", "fundamentals": tmp_path / "fundamentals.parquet"}
    snap = load_snapshot(do_import(tmp_path, parquet))
    assert len(snap.prices) == 6 and snap.fundamentals.loc["BBB", "market_cap"] == 3.1


def test_as_of_cuts_later_rows(tmp_path, files):
    import datetime as dt

    snap = load_snapshot(do_import(tmp_path, files, benchmark=files["bench"], as_of=dt.datetime(2024, 1, 3)))
    assert snap.manifest.as_of == dt.date(2024, 1, 3)
    assert snap.prices["date"].max() == pd.Timestamp("2024-01-03") and len(snap.benchmark) == 2


def test_a_bad_cell_names_the_users_file_line_and_column(tmp_path, files):
    files["prices"].write_text(
        VENDOR_PRICES.replace("2024-01-03,AAA,10.5,11.2,10.1,11,", "2024-01-03,AAA,10.5,11.2,10.1,n/a,")
    )
    with pytest.raises(SnapshotError) as error:
        do_import(tmp_path, files)
    assert str(error.value) == f"{files['prices']}, line 3, column 'Close': 'n/a' is not a number"
    assert not (tmp_path / "snap").exists()


def test_a_bad_cell_in_parquet_names_the_row(tmp_path, files):
    frame = pd.read_csv(files["fundamentals"])
    frame.loc[1, "GICS Sector"] = None
    frame.to_parquet(tmp_path / "f.parquet")
    files["fundamentals"] = tmp_path / "f.parquet"
    with pytest.raises(SnapshotError, match=r"f\.parquet, row 2, column 'GICS Sector': blank is required$"):
        do_import(tmp_path, files)


def test_blank_lines_are_skipped_and_line_numbers_stay_true(tmp_path, files):
    bad_date = VENDOR_PRICES.replace("2024-01-04,BBB", "04/01/2024,BBB")
    files["prices"].write_text(bad_date.replace("2024-01-02,BBB", "\n2024-01-02,BBB") + "\n\n")
    with pytest.raises(
        SnapshotError, match=r"prices\.csv, line 8, column 'Date': '04/01/2024' is not a date"
    ):
        do_import(tmp_path, files)


def test_market_cap_in_dollars_is_caught(tmp_path, files):
    files["fundamentals"].write_text(VENDOR_FUNDAMENTALS.replace(",12.5,", ",12500000000,"))
    with pytest.raises(
        SnapshotError,
        match=r"line 2, column 'Market Cap \(bn\)': 12500000000 read as bn puts the market value at "
        r"1\.25e\+10 USD bn, above 100000 USD bn; if 'Market Cap \(bn\)' gives plain amounts \(dollars, not "
        r"billions\), declare --units 'Market Cap \(bn\)=raw'",
    ):
        do_import(tmp_path, files)


def test_a_missing_column_suggests_a_mapping(tmp_path, files):
    with pytest.raises(
        SnapshotError,
        match=r"prices\.csv: no column 'ticker' \(columns: .*Symbol.*\); for a file of one ticker give "
        r"--ticker SYMBOL, or name the column with --map COL=ticker$",
    ):
        do_import(tmp_path, files, maps=())


def test_close_only_exports_are_fine(tmp_path, files):
    files["prices"].write_text(
        "date,ticker,close\n2024-01-02,AAA,10\n2024-01-03,AAA,11\n2024-01-02,BBB,5\n2024-01-03,BBB,6\n"
    )
    snap = load_snapshot(do_import(tmp_path, files, maps=MAPS[1:]))
    assert snap.prices[["open", "high", "low", "volume"]].isna().all().all()


@pytest.mark.parametrize(
    ("maps", "message"),
    [
        (("Close=closing_price",), "unknown field 'closing_price'"),
        (("Close",), "expected COL=FIELD"),
        (("Nope=close",), "no column 'Nope' in prices.csv, fundamentals.csv"),
    ],
)
def test_bad_mappings_are_named(tmp_path, files, maps, message):
    with pytest.raises(click.BadParameter, match=message):
        do_import(tmp_path, files, maps=(*MAPS, *maps))


def test_unsupported_file_type_lists_every_accepted_one(tmp_path, files):
    files["prices"] = files["prices"].rename(tmp_path / "prices.xlsx")
    with pytest.raises(
        SnapshotError,
        match=r"unsupported file type; expected one of \.csv, \.csv\.gz, \.txt, \.txt\.gz, \.parquet, \.pq$",
    ):
        do_import(tmp_path, files)


def test_the_txt_and_pq_names_the_message_lists_are_read(tmp_path, files):
    files["prices"] = files["prices"].rename(tmp_path / "prices.txt")
    pd.read_csv(files["fundamentals"]).to_parquet(tmp_path / "fundamentals.pq")
    files["fundamentals"] = tmp_path / "fundamentals.pq"
    snap = load_snapshot(do_import(tmp_path, files))
    assert len(snap.prices) == 6 and snap.fundamentals.loc["AAA", "market_cap"] == 12.5


def test_a_benchmark_with_two_tickers_is_refused(tmp_path, files):
    files["bench"].write_text("date,ticker,close\n2024-01-02,SPY,1\n2024-01-02,QQQ,2\n")
    with pytest.raises(SnapshotError, match="holds 2 tickers; expected one"):
        do_import(tmp_path, files, benchmark=files["bench"])


@pytest.mark.parametrize(
    ("header", "maps", "named"),
    [
        # two --map entries onto one field (this was a pandas traceback)
        ("date,ticker,close,adj", ("adj=close", "close=close"), "'close' and 'adj' would both be 'close'"),
        ("date,ticker,Close,Adj", ("Adj=close", "Close=close"), "'Close' and 'Adj' would both be 'close'"),
        # one --map entry onto a field the file already has a column of that exact name for
        ("date,ticker,close,adj", ("adj=close",), "'close' and 'adj' would both be 'close'"),
        ("date,ticker,open,close", ("close=open",), "'open' and 'close' would both be 'open'"),
    ],
)
def test_two_columns_of_one_file_cannot_become_one_field(tmp_path, files, header, maps, named):
    files["prices"].write_text(f"{header}\n2024-01-02,AAA,10,11\n")
    with pytest.raises(click.BadParameter, match=f"/prices\\.csv: columns {named}; map only one$"):
        do_import(tmp_path, files, maps=(*MAPS[1:], *maps))
    assert not (tmp_path / "snap").exists()


def test_an_explicit_mapping_overrides_a_near_match(tmp_path, files, capsys):
    snap = load_snapshot(do_import(tmp_path, files, maps=(*MAPS, "Adj Close=close")))
    assert list(snap.prices[snap.prices["ticker"] == "AAA"]["close"]) == [10.4, 10.9, 11.1]
    assert "ignored columns: Close (prices.csv)" in capsys.readouterr().out


def test_one_field_may_come_from_differently_named_columns_in_different_files(tmp_path, files):
    files["fundamentals"].write_text(VENDOR_FUNDAMENTALS.replace("Ticker,", "Code,", 1))
    snap = load_snapshot(do_import(tmp_path, files, maps=(*MAPS, "Code=ticker")))
    assert sorted(snap.fundamentals.index) == ["AAA", "BBB", "CCC"]


def test_one_column_mapped_to_two_fields_is_refused(tmp_path, files):
    with pytest.raises(click.BadParameter, match=r"^'Close' is mapped twice, to 'close' and to 'open'$"):
        do_import(tmp_path, files, maps=(*MAPS, "Close=close", "Close=open"))


def test_conflicting_mappings_on_the_command_line_are_one_line_naming_both(
    tmp_path, files, monkeypatch, capsys
):
    from generator import cli

    files["prices"].write_text("date,ticker,close,adj\n2024-01-02,AAA,10,11\n")
    argv = [
        "newsdesk",
        "import",
        "--prices",
        str(files["prices"]),
        "--fundamentals",
        str(files["fundamentals"]),
    ]
    argv += [arg for mapping in (*MAPS[1:], "adj=close", "close=close") for arg in ("--map", mapping)]
    monkeypatch.setattr(sys, "argv", [*argv, "--out", str(tmp_path / "snap")])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert "prices.csv: columns 'close' and 'adj' would both be 'close'" in err


def test_enterprise_value_is_imported_in_usd_bn(tmp_path, files):
    files["fundamentals"].write_text(
        "ticker,name,sector,ebitda,EV\nAAA,Alpha Corp,Industrials,1.5,20.0\nBBB,Beta Inc,Utilities,,\n"
    )
    snap = load_snapshot(do_import(tmp_path, files, maps=(*MAPS[:1], "EV=enterprise_value")))
    assert snap.manifest.units == {"ebitda": "USD bn", "enterprise_value": "USD bn"}
    assert snap.fundamentals.loc["AAA", "enterprise_value"] == 20.0


def test_enterprise_value_in_dollars_is_caught(tmp_path, files):
    files["fundamentals"].write_text("ticker,name,sector,EV\nAAA,Alpha Corp,Industrials,2e10\n")
    with pytest.raises(SnapshotError, match=r"line 2, column 'EV': 2e10 read as bn .* --units EV=raw "):
        do_import(tmp_path, files, maps=(*MAPS[:1], "EV=enterprise_value"))


def test_an_unwritable_out_folder_is_named(tmp_path, files):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(SnapshotError, match=r"a-file/snap: cannot write the snapshot \(File exists\)$"):
        do_import(tmp_path, files, out=tmp_path / "a-file" / "snap")


def test_the_out_folder_check_lives_beside_write_snapshot(tmp_path):
    check_out_folder(tmp_path / "new")  # nothing there yet
    (tmp_path / "empty").mkdir()
    check_out_folder(tmp_path / "empty")
    (tmp_path / "old-snapshot").mkdir()
    (tmp_path / "old-snapshot" / "manifest.json").write_text("{}")
    check_out_folder(tmp_path / "old-snapshot")
    (tmp_path / "a-file").write_text("")
    with pytest.raises(NewsdeskError, match="a-file: exists and is not a snapshot folder"):
        check_out_folder(tmp_path / "a-file")


def test_refuses_to_replace_a_folder_that_is_not_a_snapshot(tmp_path, files):
    (tmp_path / "snap").mkdir()
    (tmp_path / "snap" / "notes.md").write_text("mine")
    with pytest.raises(NewsdeskError, match="is not a snapshot folder"):
        do_import(tmp_path, files)
    assert (tmp_path / "snap" / "notes.md").read_text() == "mine"


def test_replaces_an_earlier_snapshot(tmp_path, files):
    do_import(tmp_path, files)
    files["prices"].write_text("date,ticker,close\n2024-01-31,AAA,9.5\n2024-02-01,AAA,10\n")
    assert load_snapshot(do_import(tmp_path, files, maps=MAPS[1:])).manifest.as_of.isoformat() == "2024-02-01"


def test_command_line_errors_are_one_line_and_exit_2(tmp_path, files, monkeypatch, capsys):
    from generator import cli

    files["fundamentals"].write_text(VENDOR_FUNDAMENTALS.replace("Utilities", ""))
    argv = [
        "newsdesk",
        "import",
        "--prices",
        str(files["prices"]),
        "--fundamentals",
        str(files["fundamentals"]),
    ]
    argv += [arg for mapping in MAPS for arg in ("--map", mapping)] + ["--out", str(tmp_path / "snap")]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (
        f"newsdesk: error: {files['fundamentals']}, line 3, column 'GICS Sector': blank is required\n"
    )
