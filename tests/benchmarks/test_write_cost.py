"""What writing one article's files costs (issue 19): files, bytes and time per article.

    TMPDIR=/var/tmp python -m pytest tests/benchmarks/test_write_cost.py --benchmark-only -s

Every article of a 2,000-ticker sample is produced once, in this process, and placed (its index
entry and the text of each file: markdown, sidecar, page, ninjs document). What is timed is the
rest: serialising the sidecar, and staging the files into a run's folder (`RunWriter.store`), by
wall time and by this process's CPU (user plus system: most of creating a file is the kernel's),
for a first run of the date and for a rerun over it (whose unchanged files are hard links).
Each round stages into a folder of its own and nothing is deleted until every round is done: a
filesystem that has just deleted thousands of files creates new ones far more slowly for minutes
after (ext4 without a journal scans past recently freed inodes), which is not what a daily run
meets. The figures go to the README; the test asserts only what must hold whatever the machine:
every file of every published article staged, and the four files of the contract each.
"""

from __future__ import annotations

import datetime as dt
import resource
import shutil
import time

from generator import pipeline
from generator.config import load_settings
from generator.market.sample.generate import write_sample
from generator.publish import sidecar_json

TICKERS = 2000
ROUNDS = 5


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def test_staging_an_articles_files(benchmark, tmp_path_factory):
    universe = write_sample(tmp_path_factory.mktemp("write") / "universe", n_tickers=TICKERS, years=3.0)
    out = tmp_path_factory.mktemp("write-out")
    settings = load_settings(snapshot=universe, out=out / "prepared", jobs=1, quiet=True, isolated=True)
    desk = pipeline.prepare(settings)
    plans = desk.newsroom.plan()
    now = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    newsworthiness = {plan.slug: plan.newsworthiness for plan in plans}

    def writer_in(folder: str):
        (out / folder).mkdir(exist_ok=True)
        folder_settings = load_settings(snapshot=universe, out=out / folder, jobs=1, isolated=True)
        return pipeline.run_writer(folder_settings, desk.as_of, newsworthiness, now)

    writers = [writer_in(f"round-{i}") for i in range(ROUNDS + 1)]  # the first for the warm-up round
    articles = [desk.produce(plan) for plan in plans]
    placed = [writers[0].placement.place(article) for article in articles]
    sizes = [len(text.encode("utf-8")) for _, files in placed for text in files.values()]
    spent: list[tuple[float, float]] = []

    def serialise() -> None:
        for article in articles:
            sidecar_json(article.sidecar)

    started = _cpu()
    serialise()
    serialise_cpu = (_cpu() - started) / len(articles)

    rounds = iter(writers)

    def stage() -> None:
        writer = next(rounds)
        wall, cpu = time.perf_counter(), _cpu()
        for entry, files in placed:
            writer.store(entry, files)
        spent.append((time.perf_counter() - wall, _cpu() - cpu))

    benchmark.pedantic(stage, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    staged = sorted(p.name for p in writers[-1].staging["site"].iterdir())
    for writer in writers[1:]:
        writer.abort()

    # A rerun of the date over the warm-up round's output: its files replace identical ones.
    writers[0].commit([entry for entry, _ in placed], {}, {})
    rerun = writer_in("round-0")
    again = [rerun.placement.place(article) for article in articles]
    wall, cpu = time.perf_counter(), _cpu()
    for entry, files in again:
        rerun.store(entry, files)
    rerun_wall, rerun_cpu = time.perf_counter() - wall, _cpu() - cpu
    linked = sum(
        path.stat().st_nlink > 1 for place in ("site", "desk") for path in rerun.staging[place].iterdir()
    )
    rerun.abort()
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(universe.parent, ignore_errors=True)

    walls = sorted(wall for wall, _ in spent[1:])
    cpus = sorted(cpu for _, cpu in spent[1:])
    per_article = {
        "articles": len(placed),
        "files_per_article": round(len(sizes) / len(placed), 2),
        "kib_per_article": round(sum(sizes) / len(placed) / 1024, 1),
        "sidecar_json_cpu_us": round(serialise_cpu * 1e6),
        "store_wall_us_median": round(walls[len(walls) // 2] / len(placed) * 1e6),
        "store_cpu_us_median": round(cpus[len(cpus) // 2] / len(placed) * 1e6),
        "rerun_store_wall_us": round(rerun_wall / len(placed) * 1e6),
        "rerun_store_cpu_us": round(rerun_cpu / len(placed) * 1e6),
        "rerun_files_linked": f"{linked} of {len(sizes)}",
    }
    benchmark.extra_info.update(per_article)
    print(per_article)
    assert len(staged) == sum(len(files) for entry, files in placed if entry.place == "site")
    site = [set(files) for entry, files in placed if entry.place == "site"]
    assert site and all({".md", ".json", ".html", ".ninjs.json"} <= suffixes for suffixes in site)
