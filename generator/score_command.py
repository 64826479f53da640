"""`newsdesk score`: Alpha Scores as a table, JSON or CSV, or their validation against forward returns."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from generator.config import load_settings
from generator.errors import ConfigError
from generator.facts import PricePanel, compute_facts, load_fact_rules, load_fundamentals_rules
from generator.models import SIGNALS, AlphaScore
from generator.pipeline import load_run_snapshot
from generator.scoring import compute_scores, load_lexicon, load_scoring_rules
from generator.writing.editorial import load_editorial


def run_score(
    snapshot_dir: Path | None,
    *,
    tickers: str | None,
    output_format: str,
    validate: bool,
    fundamentals_as_of: dt.date | None = None,
    as_of: dt.date | None = None,
) -> None:
    """Print scores for the requested tickers (all by default), or the validation table.

    With `as_of`, scores are those a run at the close of that day computes (see pipeline.prepare).
    """
    settings = load_settings(snapshot=snapshot_dir)
    snapshot = load_run_snapshot(settings.snapshot, load_editorial(settings.editorial_dir), as_of)
    fact_rules = load_fact_rules(settings.rules_dir)
    panel = PricePanel.from_snapshot(snapshot, fact_rules)
    facts = compute_facts(snapshot, panel, fact_rules, load_fundamentals_rules(settings.rules_dir))
    rules, lexicon = load_scoring_rules(settings.rules_dir), load_lexicon(settings.rules_dir)
    if validate:
        from generator.validation import validate as run_validation

        dated = fundamentals_as_of or snapshot.manifest.fundamentals_as_of
        report = run_validation(snapshot, panel, facts, rules, lexicon, fundamentals_as_of=dated)
        _print_validation(report, snapshot.manifest.name, output_format)
        return
    scores = compute_scores(snapshot, panel, facts, rules, lexicon).by_ticker
    wanted = _wanted(tickers, scores)
    chosen = [scores[t] for t in wanted]
    if output_format == "json":
        click.echo(json.dumps([score_record(s) for s in chosen], indent=2, ensure_ascii=False))
    elif output_format == "csv":
        click.echo(_csv(chosen), nl=False)
    else:
        _table(chosen, f"Alpha Scores: {snapshot.manifest.name} as of {snapshot.as_of}")


def score_record(score: AlphaScore) -> dict:
    """The JSON shape consumers rely on: signals always has all four keys, missing ones null."""
    return {
        "ticker": score.ticker,
        "score": score.score,
        "profile": score.profile,
        "signals": {
            name: None if (signal := score.signals.get(name)) is None else dataclasses.asdict(signal)
            for name in SIGNALS
        },
        "coverage": score.coverage,
        "capped": score.capped,
        "summary": score.summary,
    }


def _wanted(tickers: str | None, scores: dict[str, AlphaScore]) -> list[str]:
    if not tickers:
        return sorted(scores)
    wanted = [t.strip().upper() for t in tickers.split(",") if t.strip()]
    unknown = [t for t in wanted if t not in scores]
    if unknown:
        raise ConfigError(f"--tickers: not in the snapshot: {', '.join(unknown)}")
    return wanted


def _csv(scores: list[AlphaScore]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["ticker", "score", "profile", *SIGNALS, "coverage", "capped", "summary"])
    for s in scores:
        signals = [("" if s.signals.get(n) is None else s.signals[n].score) for n in SIGNALS]
        score = "" if s.score is None else s.score
        writer.writerow([s.ticker, score, s.profile or "", *signals, s.coverage, s.capped, s.summary])
    return buffer.getvalue()


def _table(scores: list[AlphaScore], title: str) -> None:
    table = Table(title=title, title_justify="left")
    for column in ("ticker", "score", "profile", *SIGNALS, "coverage"):
        table.add_column(column, justify="right" if column in ("score", *SIGNALS) else "left")
    for s in scores:
        cells = [
            ("-" if s.signals.get(n) is None else f"{s.signals[n].score} {s.signals[n].label}")
            for n in SIGNALS
        ]
        score = "-" if s.score is None else str(s.score) + ("*" if s.capped else "")
        table.add_row(s.ticker, score, s.profile or "no score", *cells, s.coverage)
    console = Console()
    console.print(table)
    console.print("* capped: fewer than four signals have data; '-' a missing signal (never counted as zero)")


def _print_validation(report, name: str, output_format: str) -> None:
    rows = [m.__dict__ for m in report.measures]
    if output_format == "json":
        payload = {
            "snapshot": name,
            "first_date": report.first_date,
            "last_date": report.last_date,
            "measures": rows,
            "notes": list(report.notes),
        }
        click.echo(json.dumps(payload, indent=2, default=str))
        return
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["signal"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
        return
    table = Table(
        title=f"Alpha Score validation: {name}, {report.first_date} to {report.last_date}",
        title_justify="left",
    )
    for column in ("signal", "horizon", "dates", "mean rank IC", "IC t-stat", "IC > 0", "Q5-Q1 (pp)"):
        table.add_column(column, justify="left" if column in ("signal", "horizon") else "right")
    for m in report.measures:
        table.add_row(
            m.signal,
            m.horizon,
            str(m.dates),
            f"{m.mean_ic:.3f}",
            f"{m.ic_t_stat:.2f}",
            f"{m.hit_rate:.0%}",
            f"{m.quintile_spread:.2f}",
        )
    console = Console()
    console.print(table)
    for note in report.notes:
        console.print(f"note: {note}")
