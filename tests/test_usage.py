"""Statistics add up to the events they count, and keep no message contents; charts are real PNGs."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from bot.app import open_core
from bot.charts import HEIGHT_PX, WIDTH_PX, energy_by_model, usage_over_time
from bot.measuring.estimate import CostEstimate
from bot.messages import ChatRef, Request, UserRef
from bot.settings import load_settings
from facts.check import CheckResult

TEXTS = ["Bonjour à tous", "A longer message about the energy of a chat bot, please.", "ok"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def request(command: str, args: str = "", chat: str = "club") -> Request:
    return Request(command=command, args=args, user=UserRef(platform="test", id="u"),
                   chat=ChatRef(platform="test", id=chat))  # fmt: skip


async def test_statistics_sum_the_individual_events(tmp_path: Path) -> None:
    settings = load_settings(None, storage={"database": tmp_path / "usage.db"},
                             limits={"per_user_per_minute": 1000, "per_chat_per_minute": 1000})  # fmt: skip
    expected = {"cost_requests": 0, "tokens": 0, "energy_wh_low": 0.0, "energy_wh_high": 0.0,
                "facts_shown": 0, "checks": 0, "checks_consistent": 0, "checks_inconsistent": 0,
                "checks_unknown": 0}  # fmt: skip
    async with open_core(settings) as core:
        replies = []
        for text in TEXTS * 3:
            replies.append(await core.handle(request("cost", text)))
        replies.append(await core.handle(request("cost", f"compare {TEXTS[1]}")))
        for _ in range(4):
            replies.append(await core.handle(request("fact")))
        for statement in (
            "Une requête ChatGPT consomme 29 Wh",
            "A ChatGPT query uses 0.3 Wh",
            "My cat",
        ):
            replies.append(await core.handle(request("check", statement)))
        replies.append(await core.handle(request("cost", "")))  # an error counts nothing
        await core.handle(request("cost", "another chat", chat="elsewhere"))
        for reply in replies:
            data = reply.data
            estimate = data[0] if isinstance(data, list) else data
            if isinstance(estimate, CostEstimate) and not reply.error:
                expected["cost_requests"] += 1
                expected["tokens"] += estimate.tokens
                expected["energy_wh_low"] += estimate.impacts.energy_wh.low
                expected["energy_wh_high"] += estimate.impacts.energy_wh.high
            elif isinstance(data, CheckResult):
                expected["checks"] += 1
                expected[f"checks_{data.verdict.value}"] += 1
            elif data is not None and hasattr(data, "statement"):
                expected["facts_shown"] += 1
        stats = await core.handle(request("stats", "all"))
    total = stats.data
    for metric, value in expected.items():
        assert total[metric] == pytest.approx(value), metric
    assert expected["checks_inconsistent"] == 1 and expected["checks_unknown"] == 1
    assert f"/cost: {expected['cost_requests']} texts" in stats.text
    with sqlite3.connect(tmp_path / "usage.db") as connection:
        stored = " ".join(str(row) for row in connection.execute("SELECT * FROM usage_daily"))
    for text in TEXTS[:2]:
        assert text not in stored, "no message text is stored"


async def test_stats_export_lists_every_chat_and_day(tmp_path: Path) -> None:
    database = tmp_path / "export.db"
    settings = load_settings(None, storage={"database": database})
    async with open_core(settings) as core:
        await core.handle(request("cost", "hello", chat="a"))
        await core.handle(request("cost", "hello there", chat="b"))
    wattson = str(Path(sys.executable).parent / "wattson")
    env = {"WATTSON_STORAGE__DATABASE": str(database), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([wattson, "stats", "export", "--format", "json"], capture_output=True,
                            text=True, env=env, check=True)  # fmt: skip
    rows = json.loads(result.stdout)
    assert {(r["chat_id"], r["cost_requests"], r["tokens"]) for r in rows} == {
        ("a", 1, 1),
        ("b", 1, 2),
    }
    csv_text = subprocess.run([wattson, "stats", "export"], capture_output=True, text=True,
                              env=env, check=True).stdout  # fmt: skip
    assert csv_text.splitlines()[0].startswith("day,platform,chat_id,cost_requests,tokens")
    assert len(csv_text.splitlines()) == 3


def assert_png(content: bytes) -> None:
    assert content.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(content))
    image.verify()
    assert image.format == "PNG" and image.size == (WIDTH_PX, HEIGHT_PX)


def test_the_comparison_chart_is_a_png_of_the_expected_size() -> None:
    assert_png(energy_by_model(["small", "large"], [0.1, 1.0], [0.2, 1.5], 170))


def test_the_usage_chart_is_a_png_of_the_expected_size() -> None:
    days = [date(2026, 11, d) for d in (1, 2, 3)]
    assert_png(usage_over_time(days, {"/cost": [1, 4, 2], "facts": [0, 1, 3]}))


async def test_compare_and_stats_attach_their_charts(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    settings = load_settings(None, storage={"database": tmp_path / "c.db"})
    async with open_core(settings) as core:
        compare = await core.handle(request("cost", "compare Bonjour tout le monde"))
        [chart] = compare.attachments
        assert_png(chart.content)
        usage = core.services.usage
        assert usage is not None
        yesterday = datetime.now(UTC) - timedelta(days=1)
        object.__setattr__(usage, "clock", lambda: yesterday)
        usage.add("test", "club", "cost_requests", 3)
        object.__setattr__(usage, "clock", lambda: datetime.now(UTC))
        stats = await core.handle(request("stats", "week"))
        [usage_chart] = stats.attachments
        assert_png(usage_chart.content)


async def test_the_console_saves_charts_to_files(tmp_path: Path) -> None:
    from adapters.console import ConsoleAdapter

    settings = load_settings(
        None, storage={"database": ":memory:"}, console={"charts_dir": tmp_path / "charts"}
    )
    async with open_core(settings) as core:
        [text] = await ConsoleAdapter(core).send("/cost compare Hello")
    saved = list((tmp_path / "charts").glob("*.png"))
    assert len(saved) == 1 and f"Chart saved: {saved[0]}" in text
    assert_png(saved[0].read_bytes())


def test_campaign_plan_json_is_balanced_and_sourced(tmp_path: Path) -> None:
    wattson = str(Path(sys.executable).parent / "wattson")
    env = {"WATTSON_STORAGE__DATABASE": str(tmp_path / "plan.db"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([wattson, "campaign", "plan", "data-centres", "--days", "12", "--json"],
                            capture_output=True, text=True, env=env, check=True)  # fmt: skip
    days = json.loads(result.stdout)
    assert [d["day"] for d in days] == list(range(1, 13))
    assert {"day", "fact_id", "status", "source_url"} <= set(days[0])
    assert all(d["status"] in ("verified", "secondary") for d in days)
    first_round = [d["fact_id"] for d in days][: len({d["fact_id"] for d in days})]
    assert len(first_round) == len(set(first_round)), "no repetition before the pool is used up"
    publishers = [d["publisher"] for d in days[:3]]
    assert len(set(publishers)) == 3, "sources alternate"
    disputed = subprocess.run(
        [wattson, "campaign", "plan", "water", "--days", "7", "--json", "--include-disputed"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    water = json.loads(disputed.stdout)
    li = next(d for d in water if d["fact_id"] == "li-water-bottle-per-conversation")
    assert li["status"] == "disputed" and li["correction"] == "ecologits-gpt4o-170tok-water"
