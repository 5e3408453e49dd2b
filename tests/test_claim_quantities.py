"""Every figure of a claim is data: each number its statement writes is one of its quantities.

A claim's statement may give several figures (415 TWh *and* 1.5 % of world
electricity); ``/check`` can only judge a stated figure against one the base
holds as a quantity, with what it measures and what it is about. So every
number written in a statement, English or French, must be held by a quantity
of the claim: its value or range in the unit written next to it (converted,
to the precision written), or a year the quantity is about. Names of models,
chips and plants (``Llama 3.1 405B``, ``H100-80GB``, ``Unit 1``) and software
versions are not figures.
"""

from __future__ import annotations

import re

import pytest

from facts.measures import Measure, measure_fits_unit
from facts.models import Claim, Per
from facts.numbers import SIMPLE_NUMBER, parse_number
from facts.seed import seed_claims
from facts.subjects import find_subjects, kind_of, split_tag, vocabulary
from facts.units import convert, known_unit_words, unit_expression
from facts.wording import SCALES_EN, SCALES_FR

_VERSION = re.compile(r"\b\d+\.\d+\.\d+\b")
_SCALE_WORDS = sorted({*SCALES_EN, *SCALES_FR, "M"} - {"m", "k"}, key=len, reverse=True)
_WRITTEN = re.compile(
    rf"(?<![\w.,])(?P<number>{SIMPLE_NUMBER})"
    rf"(?:\s*(?P<scale>{'|'.join(_SCALE_WORDS)})\b)?"
    rf"(?:\s*(?:de |d’|d'|of )?(?P<unit>{'|'.join(re.escape(u) for u in known_unit_words())})(?![\w]))?",
    re.IGNORECASE,
)


def written_numbers(text: str, language: str) -> list[tuple[str, float, str | None]]:
    """(as written, value, unit or None) for every number a statement writes."""
    blanked = list(text)
    for mention in find_subjects(text):
        if re.search(r"\d", text[mention.start : mention.end]):
            blanked[mention.start : mention.end] = " " * (mention.end - mention.start)
    for match in _VERSION.finditer(text):
        blanked[match.start() : match.end()] = " " * (match.end() - match.start())
    found = []
    for match in _WRITTEN.finditer("".join(blanked)):
        value = parse_number(match["number"], language)
        scales = SCALES_FR if language == "fr" else SCALES_EN
        scale = (match["scale"] or "").casefold()
        value *= 1e6 if match["scale"] == "M" else scales.get(scale, 1.0)
        unit = match["unit"] if match["unit"] and unit_expression(match["unit"]) else None
        found.append((match.group(0).strip(), value, unit))
        if match["scale"] and not unit:  # "12.9 billion (parameters)": as written too
            found[-1] = (match.group(0).strip(), value, None)
            found.append((match["number"], parse_number(match["number"], language), "?"))
    return found


def _precision(written: str) -> float:
    digits = re.search(r"[.,](\d+)(?!.*\d)", written.split()[0] if written else "")
    decimals = len(digits.group(1)) if digits and len(digits.group(1)) != 3 else 0
    return 0.5 * 10.0**-decimals


def is_held(claim: Claim, written: str, value: float, unit: str | None) -> bool:
    scale = value / parse_number(re.match(SIMPLE_NUMBER, written).group(0), "en") if value else 1  # type: ignore[union-attr]
    tolerance = max(_precision(written) * abs(scale), abs(value) * 1e-9)
    for quantity in claim.quantities:
        candidates = [v for v in (quantity.value, quantity.low, quantity.high) if v is not None]
        for candidate in candidates:
            converted = convert(candidate, quantity.unit, unit) if unit and unit != "?" else None
            for held in (candidate, converted):  # as the quantity writes it, or converted
                if held is not None and abs(held - value) <= tolerance:
                    return True
        if unit is None and value in (quantity.year, quantity.since):
            return True
    return False


@pytest.mark.parametrize("claim", seed_claims(), ids=lambda c: c.id)
def test_every_number_a_statement_writes_is_a_quantity_of_its_claim(claim: Claim) -> None:
    missing = []
    for language in ("en", "fr"):
        numbers = written_numbers(getattr(claim.statement, language), language)
        held = [is_held(claim, written, value, unit) for written, value, unit in numbers]
        for index, (written, _value, unit) in enumerate(numbers):
            scaled_twin = unit == "?" and held[index - 1]
            unscaled_twin = index + 1 < len(numbers) and numbers[index + 1][2] == "?"
            if not held[index] and not scaled_twin and not (unscaled_twin and held[index + 1]):
                missing.append((language, written))
    assert missing == []


def test_every_quantity_is_in_a_unit_of_its_measure_and_names_known_subjects() -> None:
    problems = [
        (claim.id, index)
        for claim in seed_claims()
        for index, quantity in enumerate(claim.quantities)
        if not measure_fits_unit(quantity.measure, quantity.unit)
        or any(split_tag(tag)[0] not in vocabulary() for tag in quantity.subject)
    ]
    assert problems == []


def test_a_quantity_about_a_model_names_it() -> None:
    """An energy, water or emissions figure per request is about some model or product."""
    per_request = [
        (claim.id, index)
        for claim in seed_claims()
        for index, quantity in enumerate(claim.quantities)
        if quantity.per.value == "request"
        and quantity.measure in (Measure.energy, Measure.water, Measure.emissions)
        and quantity.checkable
        and not any(
            kind_of(tag) is not None and kind_of(tag).value in ("model", "object")  # type: ignore[union-attr]
            for tag in quantity.subject
        )
    ]
    assert per_request == []


def test_the_altman_quip_is_shown_but_never_compared() -> None:
    quip = next(c for c in seed_claims() if c.id == "altman-please-thank-you")
    assert [q.checkable for q in quip.quantities] == [False]


def test_bhp_copper_tonnages_are_two_quantities_not_one_range() -> None:
    claim = next(c for c in seed_claims() if c.id == "bhp-copper-tonnes")
    tonnages = [q for q in claim.quantities if q.unit == "Mt"]
    assert [(q.value, q.low, q.high) for q in tonnages] == [
        (3, None, None),
        (3.4, None, None),
        (0.5, None, None),  # today's, with no year: BHP says "today"
    ]
    assert tonnages[0].subject != tonnages[1].subject
    assert tonnages[2].year is None and tonnages[0].year == 2050


def test_a_phone_charge_is_one_sourced_figure_wherever_it_appears() -> None:
    """Claims and everyday equivalents agree on the energy of a smartphone charge."""
    from bot.measuring.equivalents import load_equivalents

    reference = next(c for c in seed_claims() if c.id == "smartphone-full-charge").figure
    low, high = reference.bounds
    charges = [
        (claim.id, quantity.value)
        for claim in seed_claims()
        for quantity in claim.quantities
        if quantity.measure is Measure.energy
        and quantity.checkable
        and quantity.per is not Per.day  # a day's battery use (14.46 Wh, EPA) is no charge
        and [split_tag(t)[0] for t in quantity.subject] == ["smartphone"]
    ]
    assert charges and all(low <= value <= high for _id, value in charges)
    assert all(value == reference.value for _id, value in charges)
    for equivalent in load_equivalents():
        if equivalent.claim == "smartphone-full-charge":
            assert equivalent.amount_low == equivalent.amount_high == reference.value


@pytest.mark.parametrize("fmt", ["json", "toml", "claimreview"])
def test_exports_carry_every_quantity_and_json_keeps_the_main_figure(fmt: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from facts.exchange import export_claims, read_claims
    from facts.models import Claim

    claims = [Claim.model_validate(c.model_dump()) for c in seed_claims()]
    text = export_claims(claims, fmt)  # type: ignore[arg-type]
    if fmt == "json":
        record = next(r for r in json.loads(text) if r["id"] == "iea-dc-2024")
        assert record["figure"] == {"value": 415.0, "unit": "TWh", "low": None, "high": None,
                                    "per": "year"}  # fmt: skip
        assert [q["value"] for q in record["quantities"]] == [415.0, 1.5]
    path = tmp_path / f"claims.{'toml' if fmt == 'toml' else 'json'}"
    path.write_text(text)
    back = {content.id: content for content, _retracted in read_claims(path, fmt)}  # type: ignore[arg-type]
    assert all(back[c.id].quantities == c.quantities for c in claims)
