"""``wattson bench``: the hot paths as ratios against baselines measured in the same run.

Absolute times depend on the machine; ratios against a baseline timed in the
same process on the same texts do not (much), so ratios are the figures of record:

(a) count-and-estimate per message ÷ bare ``tiktoken`` encoding   (target ≤ 1.5×)
(b) the full /cost reply, localized, ÷ the same baseline          (kept ≤ 10×)
(c) a direct EcoLogits call ÷ the cached estimate                 (target ≥ 100×)
(d) peak memory of this process
(e) ``wattson cost --json`` as a whole process ÷ a bare script that imports
    tiktoken and EcoLogits, encodes the text and calls EcoLogits once (≤ 1.5×)
(i) ``wattson web`` under 50 concurrent clients on 100,000 claims: requests/s
    and p50/p99 of claim pages (rendered, then cached) and ``/api/v1/check``
    (:mod:`bench.web_load`; every request must succeed)

Each timing is the best of several rounds (the least disturbed by the rest of
the machine); the start-up runs alternate between the two commands.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings

CORPUS_FILE = Path(__file__).with_name("corpus.toml")


SEARCH_P99_TARGET = 0.005  # seconds


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    ratio: float
    target: str
    met: bool
    detail: str


def load_corpus() -> list[tuple[str, str]]:
    """The benchmark's messages as (language, text)."""
    with CORPUS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return [(m["lang"], m["text"]) for m in data["message"]]


def best_time(run: Callable[[], object], rounds: int) -> float:
    """Seconds of the fastest of ``rounds`` runs."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


async def best_time_async(run: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        await run()  # type: ignore[misc]
        best = min(best, time.perf_counter() - start)
    return best


def run_benchmarks(settings: Settings, quick: bool = False, postgres: str | None = None) -> int:
    """Measure and print every ratio; return 1 if a target is missed, else 0.

    ``quick`` is a smoke run: too few repetitions to be stable on a small
    shared machine, so its ratios are printed as indicative and not judged.
    """
    return asyncio.run(_run(settings, quick, postgres))


async def _run(settings: Settings, quick: bool, postgres: str | None) -> int:
    from bot.app import open_core
    from bot.dispatch import LOCAL_PLATFORM as PLATFORM
    from bot.measuring.catalog import default_catalog
    from bot.measuring.energy import Estimator, ecologits_impacts
    from bot.measuring.estimate import estimate_text
    from bot.measuring.tokens import load_encoding, tokenizer_for
    from bot.messages import ChatRef, Request, UserRef

    rounds = 3 if quick else 15
    repeat = 2 if quick else 20
    corpus = load_corpus()
    texts = [text for _, text in corpus] * repeat
    catalog = default_catalog()
    model = catalog.resolve(settings.cost.default_model)
    encoding = load_encoding(tokenizer_for(model.provider, model.name).encoding_name)
    estimator = Estimator(settings.cost.zone)
    estimate_text(texts[0], model, estimator)  # calibrate the model once, outside the timing

    def bare_encode() -> None:
        for text in texts:
            encoding.encode_ordinary(text)

    def count_and_estimate() -> None:
        for text in texts:
            estimate_text(text, model, estimator)

    baseline = best_time(bare_encode, rounds)
    core_path = best_time(count_and_estimate, rounds)

    memory_settings = settings.model_copy(
        update={"storage": settings.storage.model_copy(update={"database": Path(":memory:")})}
    )
    requests = [
        Request(
            command="cost",
            args=text,
            user=UserRef(platform=PLATFORM, id=f"bench-{language}"),
            chat=ChatRef(platform=PLATFORM, id=f"bench-{language}"),
            locale=language,
        )
        for language, text in corpus
    ] * repeat
    async with open_core(memory_settings) as core:
        for request in requests[: len(corpus)]:
            reply = await core.handle(request)  # warm caches (locale data, preferences)
            if reply.error:
                raise RuntimeError(f"/cost failed during the benchmark: {reply.text}")

        async def full_cost() -> None:
            for request in requests:
                await core.handle(request)

        full_path = await best_time_async(full_cost, rounds)

    token_counts = [len(encoding.encode_ordinary(text)) for _, text in corpus]
    calls = 20 if quick else 200

    def direct() -> None:
        for i in range(calls):
            ecologits_impacts(model, token_counts[i % len(token_counts)], settings.cost.zone)

    def cached() -> None:
        for i in range(calls):
            estimator.estimate(model, token_counts[i % len(token_counts)])

    direct_time = best_time(direct, max(2, rounds // 3))
    cached_time = best_time(cached, rounds)

    startup = measure_startup(settings, corpus[2][1], 3 if quick else 9)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per_message = len(texts)
    results = [
        Result(
            "(a) count and estimate ÷ bare tiktoken encode",
            core_path / baseline,
            "≤ 1.5",
            core_path / baseline <= 1.5,
            f"{core_path / per_message * 1e6:.1f} µs vs {baseline / per_message * 1e6:.1f} µs per message",
        ),
        Result(
            "(b) full /cost reply (localized) ÷ bare tiktoken encode",
            full_path / baseline,
            "≤ 10",
            full_path / baseline <= 10,
            f"{full_path / per_message * 1e6:.1f} µs per message",
        ),
        Result(
            "(c) direct EcoLogits call ÷ cached estimate",
            direct_time / cached_time,
            "≥ 100",
            direct_time / cached_time >= 100,
            f"{direct_time / calls * 1e6:.1f} µs vs {cached_time / calls * 1e6:.2f} µs per estimate",
        ),
        Result(
            "(e) `wattson cost --json` process ÷ bare tiktoken+EcoLogits script",
            startup[0] / startup[1],
            "≤ 1.5",
            startup[0] / startup[1] <= 1.5,
            f"median {startup[0] * 1e3:.0f} ms vs {startup[1] * 1e3:.0f} ms",
        ),
    ]
    print(f"Wattson benchmark: {len(corpus)} messages × {repeat}, best of {rounds} rounds")
    if quick:
        print("quick run: the ratios are indicative; targets are not judged (run without --quick)")
    for result in results:
        mark = "indicative" if quick else "ok" if result.met else "MISSED"
        print(
            f"{result.name:<66} {result.ratio:8.2f}×  (target {result.target}, {mark})  {result.detail}"
        )
    print(
        f"{'(d) peak memory of this process (before the search benchmark)':<66} {peak_mb:8.1f} MB"
    )
    search_met = await print_storage(quick, postgres)
    check_met = await print_check_evaluation()
    from bench.web_load import print_web

    web_met = await print_web(quick, postgres)
    missed = [r.name for r in results if not r.met] + ([] if search_met else ["(f)"])
    missed += [] if check_met else ["(g)"]
    missed += [] if web_met else ["(i)"]
    if quick or not missed:
        return 0
    print(f"wattson: {len(missed)} target(s) missed", file=sys.stderr)
    return 1


async def print_storage(quick: bool, postgres: str | None) -> bool:
    """(f) search p99 over 100,000 claims and (h) hot-path store operations, on each driver."""
    from bench.storage import (
        OPERATIONS,
        bench_location,
        measure_search,
        measure_store_operations,
    )

    count, queries, times = (10_000, 100, 50) if quick else (100_000, 500, 300)
    kinds = ["sqlite"] + (["postgres"] if postgres else [])
    met = True
    operations: dict[str, dict[str, tuple[float, float]]] = {}
    for kind in kinds:
        name = "SQLite" if kind == "sqlite" else "PostgreSQL"
        async with bench_location(kind, postgres) as location:
            p50, p99 = await measure_search(location, count, queries)
        ok = p99 <= SEARCH_P99_TARGET
        met = met and ok
        mark = "indicative" if quick else "ok" if ok else "MISSED"
        print(
            f"{f'(f) /fact search, {name}, {count:,} claims, p99 (≤ 5 ms, {mark})':<66} "
            f"{p99 * 1e3:8.2f} ms  (p50 {p50 * 1e3:.2f} ms)"
        )
        async with bench_location(kind, postgres) as location:
            operations[name] = await measure_store_operations(location, times)
    if not postgres:
        print("(f, h) PostgreSQL: add --postgres postgresql://user@host/db (a temporary schema)")
    print(f"(h) store operations, p50 / p99 in ms ({times} each):")
    print(f"    {'':<34}" + "".join(f"{name:>22}" for name in operations))
    for operation in OPERATIONS:
        cells = "".join(
            f"{figures[operation][0] * 1e3:>11.3f} /{figures[operation][1] * 1e3:>8.3f}"
            for figures in operations.values()
        )
        print(f"    {operation:<34}{cells}")
    return met


async def print_check_evaluation() -> bool:
    """(g) /check on the evaluation sets: confusion matrix, error rates, accuracy, time."""
    met = True
    from bot.foundation.storage.sqlite import SqliteDatabase
    from facts.evaluation import available_sets, evaluate
    from facts.store import ClaimStore

    async with SqliteDatabase(":memory:") as database:
        store = ClaimStore(database)
        await store.setup()
        for name in available_sets():
            started = time.perf_counter()
            report = await evaluate(store, name)
            elapsed = time.perf_counter() - started
            mark = "ok" if report.met else "MISSED"
            print(
                f"(g) /check on the {name} set ({mark}; "
                f"{elapsed / max(len(report.outcomes), 1) * 1e3:.2f} ms per statement)"
            )
            print("\n".join("    " + line for line in report.lines()[1:]))
            met = met and report.met
    return met


def measure_startup(settings: Settings, text: str, runs: int) -> tuple[float, float]:
    """Median wall time of ``wattson cost --json`` and of the bare script, alternating."""
    from bot.measuring.tokens import ENCODINGS_DIR

    script = textwrap.dedent(
        """
        import math, sys
        import tiktoken
        from ecologits.tracers.utils import llm_impacts
        encoding = tiktoken.get_encoding("o200k_base")
        tokens = len(encoding.encode_ordinary(sys.argv[1]))
        impacts = llm_impacts("openai", "gpt-4o", tokens, math.inf)
        print(tokens, impacts.energy.value)
        """
    )
    wattson = shutil.which("wattson", path=str(Path(sys.executable).parent))
    ours = [wattson] if wattson else [sys.executable, "-m", "adapters.cli"]
    ours += ["cost", "--json", "--model", "openai:gpt-4o", text]
    with tempfile.TemporaryDirectory() as folder:
        bare_script = Path(folder) / "bare.py"
        bare_script.write_text(script)
        env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(ENCODINGS_DIR)}  # offline for both
        ours_times, bare_times = [], []
        for _ in range(runs):
            ours_times.append(_timed([*ours], env))
            bare_times.append(_timed([sys.executable, str(bare_script), text], env))
    return statistics.median(ours_times), statistics.median(bare_times)


def _timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start
