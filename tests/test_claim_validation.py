"""A claim is refused, with a clear localized reason, when what it says cannot be true or read.

Dates must be real calendar dates and not in the future; units must be ones
``/check`` understands; values finite and of sane magnitude; ``corrected_by``
must name a claim of the base. The rule holds for add, edit, propose, approve
and import, and "not saved" is said only when nothing was written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.dispatch import Core
from bot.messages import ChatRef, Request, UserRef
from facts.exchange import read_claims
from facts.store import ClaimStore, UnknownCorrectionError
from tests.test_fact_commands import ADD as WATER_CLAIM

ADD = WATER_CLAIM.replace("test-water-fact", "test-validation-fact")


def request(args: str, moderator: bool = True, locale: str | None = None) -> Request:
    return Request(
        command="fact",
        args=args,
        user=UserRef(platform="test", id="mod"),
        chat=ChatRef(platform="test", id="c"),
        is_moderator=moderator,
        locale=locale,
    )


async def stored(core: Core) -> bool:
    assert core.services.claims is not None
    return await core.services.claims.get("test-validation-fact") is not None


@pytest.mark.parametrize(
    ("line", "english", "french"),
    [
        ("date: 2025-02-30", "not a real calendar date", "pas une date réelle"),
        ("date: 2099-01-01", "in the future", "dans le futur"),
        ("unit: furlongs", "a unit /check cannot read", "une unité que /verifie"),
        ("value: " + "9" * 400, "finite number", "nombre fini"),
        ("value: 1e400", "finite number", "nombre fini"),
        ("value: 1e30", "below a billion billion", "inférieur à un trillion"),
        ("corrected_by: no-such-claim", "no claim has the id", "aucune affirmation"),
        ("measure: water\nunit: GWh", "cannot be measured in GWh", "ne se mesure pas en GWh"),
        ("about: atlantis", "unknown subject atlantis", "sujet inconnu atlantis"),
    ],
)
async def test_an_impossible_claim_is_refused_in_the_readers_language_and_not_saved(
    core: Core, line: str, english: str, french: str
) -> None:
    key = line.split(":", 1)[0]
    args = "\n".join(row for row in ADD.splitlines() if not row.startswith(f"{key}:")) + "\n" + line
    reply = await core.handle(request(args))
    assert reply.error and english in reply.text
    assert "was not saved" in reply.text
    reply = await core.handle(request(args, locale="fr"))
    assert reply.error and french in reply.text
    assert not await stored(core)


async def test_a_valid_claim_with_its_measure_subject_and_year_is_saved(core: Core) -> None:
    args = ADD + "\nmeasure: water\nabout: gemini, google?\nyear: 2025"
    reply = await core.handle(request(args))
    assert not reply.error, reply.text
    assert core.services.claims is not None
    claim = await core.services.claims.get("test-validation-fact")
    assert claim is not None
    assert claim.figure.subject == ["gemini", "google?"] and claim.figure.year == 2025


async def test_an_edit_pointing_nowhere_changes_nothing(core: Core) -> None:
    assert not (await core.handle(request(ADD))).error
    reply = await core.handle(request("edit test-validation-fact\ncorrected_by: no-such-claim"))
    assert reply.error and "no-such-claim" in reply.text
    assert core.services.claims is not None
    claim = await core.services.claims.get("test-validation-fact")
    assert claim is not None and claim.corrected_by is None


async def test_a_proposal_pointing_nowhere_is_not_recorded(core: Core) -> None:
    args = ADD.replace("add", "propose", 1) + "\ncorrected_by: no-such-claim"
    reply = await core.handle(request(args, moderator=False))
    assert reply.error and "proposal was not sent" in reply.text
    assert core.services.claims is not None
    assert await core.services.claims.pending_proposals() == []


async def test_an_import_pointing_nowhere_writes_nothing(core: Core, tmp_path: Path) -> None:
    assert core.services.claims is not None
    store: ClaimStore = core.services.claims
    record = json.loads(
        json.dumps(
            {
                "id": "imported-fact",
                "topic": "water",
                "statement": {"en": "An imported claim.", "fr": "Une affirmation importée."},
                "figure": {"value": 1, "unit": "mL", "per": "request"},
                "sources": [{"publisher": "Lab", "title": "Page", "url": "https://example.org",
                             "date": "2025-01-01"}],
                "status": "verified",
                "corrected_by": "no-such-claim",
            }
        )
    )  # fmt: skip
    path = tmp_path / "claims.json"
    path.write_text(json.dumps([record]))
    entries = read_claims(path)
    before = await store.count()
    with pytest.raises(UnknownCorrectionError):
        await store.import_claims(entries, "import:test")
    assert await store.count() == before
