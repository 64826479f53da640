"""`newsdesk fetch` end to end against the fake Yahoo: yfinance parses recorded responses every time."""

from __future__ import annotations

import datetime as dt
import errno
import functools
import json
import sys
import threading
import time

import click
import pandas as pd
import pytest
import requests
from yfinance.data import YfData

from generator import files
from generator.errors import FetchError, NewsdeskError, SnapshotError
from generator.market import snapshot as snapshot_module
from generator.market import yahoo
from generator.market.snapshot import load_snapshot
from generator.market.yahoo import transport
from generator.market.yahoo.cache import DayCache
from generator.market.yahoo.details import Details
from generator.scoring import fundamental_metrics

from .conftest import AS_OF, EMPTY_CHART, NEW_YORK, START, FakeYahoo, fixture

TICKERS = ["AAPL", "JPM", "MSFT", "XOM"]


def raw_bars(symbol: str) -> pd.DataFrame:
    """The fixture's bars for one symbol by exchange date, before any yfinance adjustment."""
    result = fixture(f"chart_{symbol}.json")["chart"]["result"][0]
    dates = pd.to_datetime(result["timestamp"], unit="s", utc=True).tz_convert("America/New_York").normalize()
    bars = pd.DataFrame(result["indicators"]["quote"][0], index=dates.tz_localize(None))
    return bars[(bars.index >= pd.Timestamp(START)) & (bars.index <= pd.Timestamp(AS_OF))]


def test_fetch_writes_a_snapshot_the_loader_accepts(fetch_into, fake, sleeps, capsys):
    path = fetch_into()
    snap = load_snapshot(path)

    out = capsys.readouterr().out
    assert out == f"fetched 4 of 4 tickers; 5 corporate actions; wrote {path} (as of 2024-11-22)\n"
    manifest = snap.manifest
    assert (manifest.as_of, manifest.currency, manifest.fictional, manifest.missing_tickers) == (
        AS_OF,
        "USD",
        False,
        [],
    )
    assert manifest.units["market_cap"] == "USD bn" and manifest.units["dividend_yield"] == "percent"
    assert manifest.units["debt_to_equity"] == "ratio" and manifest.units["roe"] == "percent"
    assert manifest.sources[0]["via"] == f"yfinance {yahoo.yf.__version__}"
    assert "adjusted" in manifest.model_extra["prices_adjustment"]
    assert sorted(snap.prices["ticker"].unique()) == TICKERS
    assert snap.benchmark_ticker == "SPY"
    assert snap.prices["date"].min() >= pd.Timestamp(START) and snap.prices["date"].max() == pd.Timestamp(
        AS_OF
    )
    assert sleeps == []  # nothing failed, nothing retried


def test_prices_are_split_and_dividend_adjusted(fetch_into):
    prices = load_snapshot(fetch_into()).prices.set_index(["ticker", "date"])
    aapl, raw = prices.loc["AAPL"], raw_bars("AAPL")
    # the last close is as traded; a close before the 2024-11-08 ex-date is scaled down by the dividend
    assert aapl["close"].iloc[-1] == pytest.approx(raw["close"].iloc[-1])
    before = pd.Timestamp("2024-11-07")
    assert aapl.loc[before, "close"] == pytest.approx(
        raw.loc[before, "close"] * (1 - 0.25 / raw.loc[before, "close"])
    )
    assert aapl.loc[before, "close"] < raw.loc[before, "close"]


def test_gaps_stay_blank_never_zero(fetch_into):
    path = fetch_into()
    prices = load_snapshot(path).prices.set_index(["ticker", "date"])
    assert len(prices.loc["MSFT"]) == len(raw_bars("MSFT")) - 1  # Yahoo's bar of nulls is dropped
    jpm = raw_bars("JPM")
    no_volume = jpm.index[jpm["volume"].isna()][0]
    assert pd.isna(prices.loc[("JPM", no_volume), "volume"])  # yfinance made it 0; we keep it unknown
    fundamentals = pd.read_csv(path / "fundamentals.csv", dtype=str, keep_default_na=False).set_index(
        "ticker"
    )
    assert fundamentals.loc["JPM", "ebitda"] == "" and fundamentals.loc["JPM", "debt_to_equity"] == ""


def test_fundamentals_are_converted_to_the_declared_units(fetch_into):
    fundamentals = load_snapshot(fetch_into()).fundamentals
    aapl = fundamentals.loc["AAPL"]
    assert (aapl["name"], aapl["sector"], aapl["sub_industry"]) == (
        "Apple Inc.",
        "Technology",
        "Consumer Electronics",
    )
    # yfinance: dividendYield 0.44 (points), debtToEquity 209.059 (%), returnOnEquity 1.5741 (fraction)
    assert aapl["dividend_yield"] == pytest.approx(0.44)
    assert aapl["debt_to_equity"] == pytest.approx(2.09059)
    assert aapl["roe"] == pytest.approx(157.41)
    assert aapl["profit_margin"] == pytest.approx(23.971)
    assert aapl["revenue_growth"] == pytest.approx(6.1)
    assert aapl["market_cap"] == pytest.approx(3474.568208384)
    assert aapl["ebitda"] == pytest.approx(134.66099712)
    assert (aapl["pe"], aapl["eps"], aapl["price"]) == pytest.approx((37.80757, 6.08, 229.87))
    assert (aapl["week52_low"], aapl["week52_high"]) == pytest.approx((164.08, 237.49))
    assert fundamentals.loc["XOM", "revenue_growth"] == pytest.approx(-0.3)


def test_news_in_both_shapes_up_to_the_as_of_date(fetch_into):
    news = load_snapshot(fetch_into()).news
    aapl = news[news["ticker"] == "AAPL"]
    # current shape; the story dated after the as-of day and the ad are left out
    assert list(aapl["title"]) == [
        "Apple shares edge higher as iPhone demand holds up",
        "What to expect from Apple's next quarter",
    ]
    first = aapl.iloc[0]
    assert first["publisher"] == "Reuters"
    assert first["url"] == "https://finance.yahoo.com/news/apple-shares-edge-higher-153000.html"
    assert first["published"] == pd.Timestamp("2024-11-22T15:30:00Z")
    assert first["summary"].startswith("Apple stock rose")
    assert pd.isna(aapl.iloc[1]["publisher"])
    # MSFT's fixture has the flat items of older yfinance versions
    msft = news[news["ticker"] == "MSFT"].iloc[0]
    assert (msft["title"], msft["publisher"]) == ("Microsoft unveils new AI agents at Ignite", "Motley Fool")
    assert msft["url"] == "https://finance.yahoo.com/m/c1b2c3d4-0001/microsoft-ignite.html"
    assert msft["published"] == pd.Timestamp(1732197600, unit="s", tz="UTC")
    assert "XOM" not in set(news["ticker"])


def test_partial_failure_is_listed_and_the_rest_is_written(fetch_into, fake, sleeps, capsys):
    path = fetch_into("AAPL,ZZZZ")
    snap = load_snapshot(path)
    assert snap.manifest.missing_tickers == ["ZZZZ"]
    assert snap.manifest.model_extra["missing_reasons"] == {"ZZZZ": "not a Yahoo symbol?"}
    assert list(snap.fundamentals.index) == ["AAPL"]
    assert capsys.readouterr().out.startswith(
        "fetched 1 of 2 tickers; could not fetch: ZZZZ (not a Yahoo symbol?);"
    )
    assert sleeps == []  # a ticker Yahoo does not know is not retried
    assert fake.count("quoteSummary", "ZZZZ") <= 2  # yfinance's own timezone fallback, not ours


def test_rate_limit_on_prices_is_retried_with_backoff(fetch_into, fake, sleeps):
    fake.fail("tz", "MSFT", 429, times=2)  # yfinance retries once itself, then raises YFRateLimitError
    snap = load_snapshot(fetch_into())
    assert "MSFT" in set(snap.prices["ticker"]) and snap.manifest.missing_tickers == []
    assert sleeps == [0.75]  # attempt 0: ceiling 1 s, half fixed + half * jitter(0.5)
    assert fake.count("tz", "MSFT") == 3


def test_rate_limit_on_fundamentals_is_retried(fetch_into, fake, sleeps):
    fake.fail("quoteSummary", "AAPL", 429, times=2)
    snap = load_snapshot(fetch_into())
    assert snap.fundamentals.loc["AAPL", "sector"] == "Technology"
    assert sleeps == [0.75]


def test_retries_are_bounded_and_back_off_exponentially(fetch_into, fake, sleeps, capsys):
    fake.fail("chart", "MSFT", 429, times=1000)
    snap = load_snapshot(fetch_into())
    assert snap.manifest.missing_tickers == ["MSFT"]
    reason = "rate-limited by Yahoo Finance after 4 attempts"
    assert snap.manifest.model_extra["missing_reasons"] == {"MSFT": reason}
    assert sleeps == [0.75, 1.5, 3.0]  # four attempts, three waits, each twice the last
    assert f"could not fetch: MSFT ({reason})" in capsys.readouterr().out


def test_an_empty_frame_is_a_failure_and_is_retried(fetch_into, fake, sleeps):
    for symbol in ("AAPL", "SPY"):  # Yahoo answers 200 with no bars: yf.download returns an empty frame
        fake.fail("chart", symbol, 200, times=1, body=EMPTY_CHART)
    snap = load_snapshot(fetch_into("AAPL"))
    assert list(snap.fundamentals.index) == ["AAPL"] and len(snap.prices) > 200
    assert sleeps == [0.75, 0.75]  # each symbol backs off once, on its own


def test_an_empty_frame_to_the_end_writes_nothing(fetch_into, fake, tmp_path):
    for symbol in ("AAPL", "SPY"):
        fake.fail("chart", symbol, 200, times=1000, body=EMPTY_CHART)
    with pytest.raises(FetchError, match=r"^could not fetch the benchmark SPY: Yahoo returned no data$"):
        fetch_into("AAPL")
    assert not (tmp_path / "snap").exists()


def test_no_ticker_fetched_is_an_error(fetch_into, fake, tmp_path):
    with pytest.raises(FetchError, match=r"^no data for QQQQ, ZZZZ: not Yahoo symbols\?$"):
        fetch_into("QQQQ,ZZZZ")
    assert not (tmp_path / "snap").exists()


def test_no_network_fails_fast_with_one_clear_error(fetch_into, sleeps, tmp_path):
    offline = FakeYahoo(offline=True)
    with pytest.raises(
        FetchError, match=r"^could not reach Yahoo Finance: Failed to resolve '[a-z0-9.]+yahoo\.com'"
    ):
        fetch_into("AAPL", session=offline)
    assert len(sleeps) <= 2 * 3 and sum(sleeps) < 30  # AAPL and SPY, each at most three waits
    assert not (tmp_path / "snap").exists()


def test_no_network_from_the_command_line_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path, sleeps):
    from generator import cli

    monkeypatch.setattr(yahoo, "new_session", lambda: FakeYahoo(offline=True))
    monkeypatch.setattr(yahoo, "RetryPolicy", functools.partial(yahoo.RetryPolicy, sleep=sleeps))
    monkeypatch.setattr(sys, "argv", ["newsdesk", "fetch", "--tickers", "AAPL", "--out", str(tmp_path / "s")])
    started = time.monotonic()
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    assert time.monotonic() - started < 30
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("newsdesk: error: could not reach Yahoo Finance: ")
    assert sleeps, "network errors are retried before giving up"


def test_unreachable_yahoo_is_given_up_within_the_budget():
    """A network that swallows packets: every request times out; the wire stops asking after the budget."""
    now = [0.0]

    class Blackhole(FakeYahoo):
        def request(self, method, url, **kwargs):
            self.calls.append(("any", None))
            now[0] += kwargs["timeout"]  # each request costs its (clamped) timeout
            raise TimeoutError("timed out")

    session = Blackhole()
    wire = transport.Wire(session, clock=lambda: now[0])
    with wire:
        for _ in range(10):
            with pytest.raises(OSError):
                session.get("https://query2.finance.yahoo.com/v8/finance/chart/AAPL", timeout=30)
        with pytest.raises(FetchError, match="could not reach Yahoo Finance: timed out"):
            wire.raise_if_unreachable(final=False)
    assert (
        len(session.calls) * transport.REQUEST_TIMEOUT <= transport.REACH_BUDGET + transport.REQUEST_TIMEOUT
    )
    assert now[0] < 30


def test_second_fetch_the_same_day_makes_no_request(fetch_into, fake, tmp_path, capsys):
    first = fetch_into(out="first")
    counting = FakeYahoo()
    second = fetch_into(session=counting, out="second")
    assert counting.calls == []
    for name in ("prices.csv.gz", "benchmark.csv", "fundamentals.csv", "news.jsonl"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert "(from today's cache, as of 2024-11-22)" in capsys.readouterr().out.splitlines()[-1]


def test_a_failed_ticker_is_not_cached(fetch_into, fake):
    fake.fail("quoteSummary", "AAPL", 429, times=1000)
    assert load_snapshot(fetch_into(out="first")).manifest.missing_tickers == ["AAPL"]
    again = FakeYahoo()
    assert load_snapshot(fetch_into(session=again, out="second")).manifest.missing_tickers == []
    assert again.count("quoteSummary", "AAPL") == 1 and again.count("quoteSummary", "MSFT") == 0


def test_yfinance_caches_live_in_our_cache_folder(fetch_into, tmp_path):
    fetch_into("AAPL")
    assert (tmp_path / "cache" / "yfinance" / "tkr-tz.db").is_file()
    assert (tmp_path / "cache" / "yfinance" / "cookies.db").is_file()


def test_cache_folder_comes_from_flag_then_environment_then_platform(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(tmp_path / "env"))
    assert yahoo.cache_root(tmp_path / "flag") == tmp_path / "flag"
    assert yahoo.cache_root(None) == tmp_path / "env"
    monkeypatch.delenv("NEWSDESK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert yahoo.cache_root(None) == tmp_path / "xdg" / "newsdesk"


def test_an_interrupted_write_leaves_the_old_snapshot_whole(fetch_into, monkeypatch, tmp_path):
    old = fetch_into("AAPL")
    before = {p.name: p.read_bytes() for p in old.iterdir()}

    def interrupted(news):
        raise KeyboardInterrupt

    monkeypatch.setattr(snapshot_module, "_news_jsonl", interrupted)  # halfway through writing the folder
    with pytest.raises(KeyboardInterrupt):
        fetch_into("AAPL,MSFT")
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".snap")] == []


def test_an_interrupted_fetch_writes_nothing(fetch_into, fake, monkeypatch, tmp_path):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(fake, "_news", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch_into()
    assert not (tmp_path / "snap").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".snap")] == []


def test_refuses_to_replace_a_folder_that_is_not_a_snapshot(fetch_into, tmp_path, fake):
    precious = tmp_path / "snap"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    with pytest.raises(NewsdeskError, match="is not a snapshot folder"):
        fetch_into("AAPL")
    assert (precious / "thesis.txt").read_text() == "years of work"
    assert fake.calls == []


def test_quiet_when_stderr_is_not_a_terminal(fetch_into, capsys):
    fetch_into(quiet=False)
    assert capsys.readouterr().err == ""


def test_universe_file(fetch_into, tmp_path):
    universe = tmp_path / "universe.csv"
    universe.write_text("ticker,name\naapl,Apple Inc.\n# banks\nJPM, JPMorgan\n\nAAPL\n")
    snap = load_snapshot(fetch_into(None, universe=universe))
    assert list(snap.fundamentals.index) == ["AAPL", "JPM"]


def test_universe_file_with_a_bad_line_names_it(tmp_path):
    from generator.market.fetch_command import parse_tickers

    universe = tmp_path / "universe.txt"
    universe.write_text("AAPL\n$BAD, a typo\n")
    with pytest.raises(NewsdeskError, match=r"universe\.txt, line 2: '\$BAD' is not a ticker"):
        parse_tickers(None, universe)


@pytest.mark.parametrize(
    ("tickers", "message"),
    [
        (None, "either --tickers or --universe"),
        ("AAPL,$$$", "'\\$\\$\\$' is not a ticker"),
        (",", "no tickers"),
    ],
)
def test_ticker_arguments_are_checked(tickers, message):
    import click

    from generator.market.fetch_command import parse_tickers

    with pytest.raises(click.UsageError, match=message):
        parse_tickers(tickers, None)


def test_manifest_records_the_failures(fetch_into):
    manifest = json.loads((fetch_into("AAPL,ZZZZ") / "manifest.json").read_text())
    assert manifest["missing_tickers"] == ["ZZZZ"]
    assert manifest["sources"][0]["name"] == "Yahoo Finance"
    assert manifest["fictional"] is False


def test_a_fetched_snapshot_runs_through_the_pipeline(fetch_into, tmp_path, monkeypatch):
    pipeline = pytest.importorskip("generator.pipeline", reason="generator.pipeline is not written yet")
    from generator.config import load_settings

    monkeypatch.chdir(tmp_path)  # no stray newsdesk.toml
    monkeypatch.delenv("NEWSDESK_CONFIG", raising=False)
    snapshot = fetch_into()
    pipeline.build(load_settings(snapshot=snapshot, out=tmp_path / "out", jobs=1, quiet=True))
    articles = {path.name for path in (tmp_path / "out").rglob("*.md")}
    assert "apple-inc-alpha-score-2024-11-22.md" in articles


# ------------------------------------------------------------------------------- the as-of date

FRIDAY_NOON = dt.datetime(2024, 11, 22, 12, 0, tzinfo=NEW_YORK)  # AS_OF's session still trading


def test_during_market_hours_the_default_as_of_is_the_previous_session(fetch_into, capsys):
    snap = load_snapshot(fetch_into("AAPL", as_of=None, now=FRIDAY_NOON))
    assert snap.manifest.as_of == dt.date(2024, 11, 21)
    assert snap.prices["date"].max() == pd.Timestamp("2024-11-21")  # no intraday bar passed off as a close
    assert capsys.readouterr().out.endswith("(as of 2024-11-21)\n")


def test_after_the_close_the_default_as_of_is_today(fetch_into):
    evening = dt.datetime(2024, 11, 22, 16, 30, tzinfo=NEW_YORK)
    assert load_snapshot(fetch_into("AAPL", as_of=None, now=evening)).manifest.as_of == AS_OF


def test_asking_for_a_session_still_trading_gives_the_last_close(fetch_into):
    snap = load_snapshot(fetch_into("AAPL", as_of=AS_OF, now=FRIDAY_NOON))
    assert snap.manifest.as_of == dt.date(2024, 11, 21)


def test_an_as_of_after_today_in_new_york_is_refused(fetch_into, fake):
    # Saturday 09:00 in Tokyo is still Friday evening in New York
    tokyo_morning = dt.datetime(2024, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    with pytest.raises(click.BadParameter, match=r"2024-11-23 is in the future \(it is 2024-11-22 19:00"):
        fetch_into("AAPL", as_of=dt.date(2024, 11, 23), now=tokyo_morning)
    assert fake.calls == []


def test_prices_for_a_session_still_trading_are_not_cached(tmp_path, fake, retry):
    def fetch(now, session):
        return yahoo.fetch(
            ["AAPL"], benchmark="SPY", start=START, end=AS_OF, cache_dir=tmp_path / "c", session=session,
            retry=retry, now=now,
        )  # fmt: skip

    fetch(FRIDAY_NOON, fake)
    assert list((tmp_path / "c").rglob("prices-*.json")) == []
    YfData.cache_get.cache_clear()  # as in a new process: yfinance memoises chart answers
    later = FakeYahoo()
    fetch(FRIDAY_NOON.replace(hour=17), later)  # the same day's cache, once the session is over
    assert later.count("chart", "AAPL") == 1  # the noon range was not reused
    assert len(list((tmp_path / "c").rglob("prices-*.json"))) == 2  # AAPL and SPY, now final


# ------------------------------------------------------------------------- the cache is optional


def test_a_cache_that_cannot_be_written_is_one_warning_and_the_fetch_goes_on(
    fetch_into, tmp_path, monkeypatch, capsys
):
    real_fdopen = files.os.fdopen
    cache = tmp_path / "cache" / "yahoo"

    class FullDisk:
        """A stream that writes half of what it is given, then runs out of space."""

        def __init__(self, stream):
            self.stream = stream

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()
            return False

        def write(self, text):
            self.stream.write(text[: len(text) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    # the cache's writes are the only atomic writes of a fetch (the snapshot is staged differently)
    monkeypatch.setattr(files.os, "fdopen", lambda fd, *a, **k: FullDisk(real_fdopen(fd, *a, **k)))
    path = fetch_into()
    out, err = capsys.readouterr()
    assert out == f"fetched 4 of 4 tickers; 5 corporate actions; wrote {path} (as of 2024-11-22)\n"
    assert err.count("\n") == 1
    assert err.startswith(f"newsdesk: warning: cache not written: {cache}")
    assert err.endswith(".json: No space left on device\n")
    assert [p for p in cache.rglob("*") if p.is_file()] == []  # half-written files are removed
    assert sorted(load_snapshot(path).fundamentals.index) == TICKERS


# ----------------------------------------------------------------------- stopping the workers


def test_an_error_in_one_worker_lets_the_running_ones_finish_before_returning(tmp_path, retry, monkeypatch):
    """AAPL fails for good while MSFT's request is in flight: gather must not return until MSFT's
    worker has ended, and MSFT must not retry on a fetch that is over."""
    in_flight = threading.Event()

    class Stalled:
        def __init__(self):
            self.urls: list[str] = []

        def request(self, method, url, **kwargs):
            self.urls.append(url)
            in_flight.set()
            time.sleep(0.5)  # a slow answer; REQUEST_TIMEOUT bounds a real one
            raise requests.Timeout("read timed out")

        def get(self, url, **kwargs):
            return self.request("GET", url, **kwargs)

    class Ticker:  # stands in for yf.Ticker
        def __init__(self, ticker, session):
            self.ticker, self.session = ticker, session

        def get_info(self):
            if self.ticker == "AAPL":
                in_flight.wait(5)
                raise FetchError("could not reach Yahoo Finance: no answer")
            return self.session.get(
                f"https://query2.finance.yahoo.com/v10/finance/quoteSummary/{self.ticker}"
            )

    monkeypatch.setattr(yahoo.yf, "Ticker", Ticker)
    session = Stalled()
    with transport.Wire(session) as wire:
        details = Details(session, wire, retry, DayCache(tmp_path / "cache", AS_OF))
        with pytest.raises(FetchError, match="no answer"):
            details.gather(["AAPL", "MSFT"], lambda *_: None, 2)
        running = [t.name for t in threading.enumerate() if t.name.startswith("newsdesk-yahoo")]
    assert running == []
    assert len(session.urls) == 1  # MSFT's request in flight; no retry after AAPL's error


# ----------------------------------------------------------------------------- enterprise value


def test_a_fetched_snapshot_carries_enterprise_value_and_scores_ebitda_to_ev(fetch_into):
    snap = load_snapshot(fetch_into())
    assert snap.manifest.units["enterprise_value"] == "USD bn"
    ev = snap.fundamentals["enterprise_value"]
    assert ev["AAPL"] == pytest.approx(3527.591100416) and ev["MSFT"] == pytest.approx(3143.546372096)
    assert ev[["JPM", "XOM"]].isna().all()  # Yahoo gives banks and this fixture's XOM none
    units = {c: snap.manifest.unit(c) for c in ("ebitda", "market_cap", "enterprise_value")}
    # valued at the fundamentals' own price, enterprise value is as reported
    metrics = fundamental_metrics(snap.fundamentals, snap.fundamentals["price"], units, dated=False)
    assert metrics.loc["AAPL", "ebitda_to_ev"] == pytest.approx(134.66099712 / 3527.591100416 * 100)
    assert metrics.loc["MSFT", "ebitda_to_ev"] == pytest.approx(136.552005632 / 3143.546372096 * 100)
    assert metrics["ebitda_to_ev"][["JPM", "XOM"]].isna().all()


# --------------------------------------------------------------------------------- the output


def test_an_unwritable_out_folder_is_named(fetch_into, tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(SnapshotError, match=r"a-file/snap: cannot write the snapshot \(File exists\)$"):
        fetch_into("AAPL", out="a-file/snap")


# ------------------------------------------------------------- corporate actions and the calendar


def test_a_fetched_snapshot_carries_its_corporate_actions_and_price_basis(fetch_into):
    path = fetch_into()
    snap = load_snapshot(path)
    assert snap.manifest.prices_adjusted == "splits_and_dividends"  # auto_adjust=True
    assert snap.manifest.calendar == "XNYS"
    assert "Adj Close / Close" in snap.manifest.model_extra["prices_adjustment"]
    # the fixture's AAPL dividends inside START..AS_OF, by ex-date, as Yahoo reports them
    expected = {
        "2023-11-10": 0.24,
        "2024-02-09": 0.24,
        "2024-05-10": 0.25,
        "2024-08-12": 0.25,
        "2024-11-08": 0.25,
    }
    actions = snap.actions
    assert set(actions["ticker"]) == {"AAPL"} and actions["split_ratio"].isna().all()
    assert dict(zip(actions["date"].dt.strftime("%Y-%m-%d"), actions["dividend"], strict=True)) == expected
    assert (path / "actions.csv").read_text().splitlines()[:2] == [
        "date,ticker,split_ratio,dividend",
        "2023-11-10,AAPL,,0.24",
    ]


def test_an_as_of_on_an_exchange_holiday_is_the_session_before(fetch_into):
    # 2024-11-28 is Thanksgiving: the NYSE is shut, so the closes are those of Wednesday the 27th
    later = dt.datetime(2024, 12, 2, 12, 0, tzinfo=NEW_YORK)
    assert load_snapshot(fetch_into("AAPL", as_of=dt.date(2024, 11, 28), now=later)).manifest.as_of == (
        dt.date(2024, 11, 27)
    )


def test_an_early_close_is_final_half_an_hour_after_it(fetch_into):
    # the day after Thanksgiving the NYSE closes at 13:00; by 13:30 that session is complete
    friday = dt.datetime(2024, 11, 29, 13, 30, tzinfo=NEW_YORK)
    assert load_snapshot(fetch_into("AAPL", as_of=None, now=friday)).manifest.as_of == dt.date(2024, 11, 29)
    still = dt.datetime(2024, 11, 29, 13, 29, tzinfo=NEW_YORK)
    assert load_snapshot(fetch_into("AAPL", as_of=None, now=still, out="b")).manifest.as_of == (
        dt.date(2024, 11, 27)
    )


# ------------------------------------------------------- failures that say which, from the CLI


def _cli_fetch(monkeypatch, capsys, tmp_path, session, tickers="AAPL", *extra):
    """`newsdesk fetch` on a fake session with real (short) backoff: exit code, stderr, seconds."""
    from generator import cli

    monkeypatch.setattr(yahoo, "new_session", lambda: session)
    argv = ["newsdesk", "fetch", "--tickers", tickers, "--out", str(tmp_path / "s"), "--backoff", "0.05"]
    monkeypatch.setattr(sys, "argv", [*argv, *extra])
    started = time.monotonic()
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and not (tmp_path / "s").exists()
    return exit_info.value.code, err, time.monotonic() - started


def test_a_429_storm_ends_with_the_rate_limit_message(monkeypatch, capsys, tmp_path):
    storm = FakeYahoo()
    for symbol in ("AAPL", "SPY"):
        for kind in ("tz", "chart", "quoteSummary"):
            storm.fail(kind, symbol, 429, times=10_000)
    code, err, seconds = _cli_fetch(monkeypatch, capsys, tmp_path, storm)
    assert code == 2 and seconds < 30
    assert err.startswith("newsdesk: error: rate-limited by Yahoo Finance after 4 attempts")


def test_an_unknown_symbol_ends_with_the_unknown_symbol_message(monkeypatch, capsys, tmp_path):
    code, err, seconds = _cli_fetch(monkeypatch, capsys, tmp_path, FakeYahoo(), "XYZ")
    assert code == 2 and seconds < 30
    assert err == "newsdesk: error: no data for XYZ: not a Yahoo symbol?\n"


def test_no_network_ends_with_the_network_message(monkeypatch, capsys, tmp_path):
    code, err, seconds = _cli_fetch(monkeypatch, capsys, tmp_path, FakeYahoo(offline=True))
    assert code == 2 and seconds < 30
    assert err.startswith("newsdesk: error: could not reach Yahoo Finance: Failed to resolve")
