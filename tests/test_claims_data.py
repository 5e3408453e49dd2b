"""The shipped claim base: every entry valid, traceable to the reference list, and exact."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
from ecologits.tracers.utils import llm_impacts

from facts.models import Status
from facts.seed import DATA_DIR, RENAMED_FILE, check_seed_files, seed_claims, seed_renames
from facts.units import quantity

FIGURES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "figures.md"
needs_reference = pytest.mark.skipif(not FIGURES.exists(), reason="reference list not present")


def reference_sections() -> dict[str, str]:
    """The reference list's sections by claim id (a section under a former id: its current one)."""
    text = FIGURES.read_text()
    parts = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    renames = seed_renames()
    sections = {part.split("\n", 1)[0].strip(): part for part in parts}
    return {renames.get(name, name): part for name, part in sections.items()}


def test_every_shipped_claim_is_valid() -> None:
    _claims, problems = check_seed_files()
    assert [str(p) for p in problems] == []


def test_every_broken_entry_is_reported_at_once(tmp_path: Path) -> None:
    for path in DATA_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    water = tmp_path / "water.toml"
    text = water.read_text()
    text = text.replace('url = "https://arxiv.org/abs/2304.03271"', 'url = "ftp://example.org"', 1)
    text = text.replace('status = "secondary"', 'status = "probably"', 1)
    water.write_text(text)
    grid = tmp_path / "grid.toml"
    grid.write_text(
        grid.read_text().replace(
            'corrected_by = "tmi-unit1-capacity"', 'corrected_by = "nope-nope"'
        )
    )
    _claims, problems = check_seed_files(tmp_path)
    messages = [str(p) for p in problems]
    assert any("li-water-bottle-per-conversation" in m and "url" in m for m in messages)
    assert any("status" in m for m in messages)
    assert any("nope-nope" in m for m in messages)


def test_no_shipped_claim_id_carries_the_internal_seed_prefix() -> None:
    assert [c.id for c in seed_claims() if c.id.startswith("seed")] == []


def test_every_former_id_leads_to_a_shipped_claim() -> None:
    ids = {claim.id for claim in seed_claims()}
    renames = seed_renames()
    assert renames["seed-moe-one-expert-per-token"] == "moe-one-expert-per-token"
    assert set(renames.values()) <= ids
    assert not set(renames) & ids


def test_a_broken_rename_table_is_reported_with_the_claims(tmp_path: Path) -> None:
    for path in DATA_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    renamed = tmp_path / RENAMED_FILE
    renamed.write_text(
        '[[renamed]]\nformer = "old-water"\ncurrent = "no-such-claim"\n'
        '[[renamed]]\nformer = "bhp-copper-share"\ncurrent = "bhp-copper-global"\n'
        '[[renamed]]\nformer = "old-water"\ncurrent = "bhp-copper-share"\n'
    )
    _claims, problems = check_seed_files(tmp_path)
    assert [str(p) for p in problems] == [
        "renamed.toml [old-water]: current no-such-claim is no claim",
        "renamed.toml [bhp-copper-share]: a former id that is still a claim",
        "renamed.toml [old-water]: former id listed more than once",
    ]


def test_non_verified_claims_explain_themselves_and_point_to_the_right_figure() -> None:
    ids = {claim.id for claim in seed_claims()}
    for claim in seed_claims():
        if claim.status is not Status.verified:
            assert claim.explanation is not None, claim.id
        if claim.status in (Status.false, Status.outdated):
            assert claim.corrected_by in ids or claim.id == "moe-one-expert-per-token"


def test_every_figure_has_a_unit_the_checker_understands() -> None:
    unknown = [c.id for c in seed_claims() if quantity(c.figure.value, c.figure.unit) is None]
    assert unknown == []


@needs_reference
def test_the_base_holds_exactly_the_reference_list() -> None:
    assert {claim.id for claim in seed_claims()} == set(reference_sections())


@needs_reference
def test_statuses_topics_and_dates_are_those_of_the_reference_list() -> None:
    sections = reference_sections()
    wrong = []
    for claim in seed_claims():
        section = sections[claim.id]
        status = re.search(r"^- status: (\w+)", section, re.MULTILINE)
        topic = re.search(r"^- topic: ([\w-]+)", section, re.MULTILINE)
        if not status or status.group(1) != claim.status.value:
            wrong.append((claim.id, "status"))
        if not topic or topic.group(1) != claim.topic.value:
            wrong.append((claim.id, "topic"))
        for source in claim.sources:
            dated_elsewhere = f"{source.url} — {source.date}" in FIGURES.read_text()
            if source.date and source.date not in section and not dated_elsewhere:
                wrong.append((claim.id, f"date {source.date}"))
    assert wrong == []


@needs_reference
def test_every_url_is_written_exactly_as_in_the_reference_list() -> None:
    text = FIGURES.read_text()
    missing = [
        (claim.id, str(source.url))
        for claim in seed_claims()
        for source in claim.sources
        if source.url is not None and str(source.url) not in text
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("claim_id", "model", "field", "scale"),
    [
        ("ecologits-gpt4o-170tok-energy", "gpt-4o", "energy", 1000),
        ("ecologits-gpt4o-170tok-ghg", "gpt-4o", "gwp", 1000),
        ("ecologits-gpt4o-170tok-water", "gpt-4o", "wcf", 1000),
        ("ecologits-gpt4o-mini-170tok", "gpt-4o-mini", "energy", 1000),
    ],
)
def test_ecologits_claims_equal_what_ecologits_computes(
    claim_id: str, model: str, field: str, scale: float
) -> None:
    claim = next(c for c in seed_claims() if c.id == claim_id)
    value = getattr(llm_impacts("openai", model, 170, math.inf), field).value
    low, high = claim.figure.bounds

    def decimals(number: float) -> int:  # as many decimals as the claim writes
        return len(repr(number).partition(".")[2])

    assert round(value.min * scale, decimals(low)) == pytest.approx(low)
    assert round(value.max * scale, decimals(high)) == pytest.approx(high)
