"""The curated claim base shipped in ``facts/data/``: one TOML file per topic.

Every file is validated as a whole and every broken claim is reported at once
(file, claim id, field, problem), so a bad edit is fixed in one pass.

Beside the topics, ``renamed.toml`` lists the claims whose id changed (former →
current): an id is a public address, so the store renames a former id it still
holds (:meth:`~facts.store.ClaimStore.sync_seed`) and readers' former links and
commands are led to the current one.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from pydantic import ValidationError

from facts.fields import describe_problems
from facts.models import CLAIM_ID_PATTERN, ClaimContent

DATA_DIR = Path(__file__).parent / "data"
RENAMED_FILE = "renamed.toml"


class SeedError(ValueError):
    """One or more shipped claims are invalid; the message lists them all."""


@dataclass(frozen=True, slots=True)
class SeedProblem:
    file: str
    claim: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} [{self.claim}]: {self.message}"


def content_hash(content: ClaimContent) -> str:
    """A stable fingerprint of a claim's content (to tell seed edits from moderator edits)."""
    canonical = json.dumps(content.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_seed_files(folder: Path = DATA_DIR) -> tuple[list[ClaimContent], list[SeedProblem]]:
    """Validate every claim of every file; return the good ones and all problems."""
    claims: list[ClaimContent] = []
    problems: list[SeedProblem] = []
    for path in sorted(folder.glob("*.toml")):
        if path.name == RENAMED_FILE:
            continue
        try:
            with path.open("rb") as handle:
                entries = tomllib.load(handle).get("claim", [])
        except (OSError, tomllib.TOMLDecodeError) as error:
            problems.append(SeedProblem(path.name, "-", str(error)))
            continue
        for entry in entries:
            claim_id = str(entry.get("id", "?"))
            try:
                claim = ClaimContent.model_validate(entry)
            except ValidationError as error:
                problems.extend(
                    SeedProblem(path.name, claim_id, line) for line in describe_problems(error)
                )
                continue
            if claim.topic.value != path.stem:
                problems.append(
                    SeedProblem(path.name, claim_id, f"topic {claim.topic} in file {path.name}")
                )
            claims.append(claim)
    ids = [claim.id for claim in claims]
    known = set(ids)
    for claim_id in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(SeedProblem("-", claim_id, "id used more than once"))
    for claim in claims:
        if claim.corrected_by and claim.corrected_by not in known:
            problems.append(
                SeedProblem("-", claim.id, f"corrected_by {claim.corrected_by} is no claim")
            )
    problems.extend(check_renames(folder, known)[1])
    return claims, problems


def check_renames(folder: Path, known: set[str]) -> tuple[dict[str, str], list[SeedProblem]]:
    """Read ``renamed.toml``: former id → current id, and what is wrong with it.

    A current id must be a claim of ``known`` (so no rename leads to another
    former id), a former id must be no claim, and each former id is listed once.
    """
    path = folder / RENAMED_FILE
    if not path.exists():
        return {}, []
    try:
        with path.open("rb") as handle:
            entries = tomllib.load(handle).get("renamed", [])
    except (OSError, tomllib.TOMLDecodeError) as error:
        return {}, [SeedProblem(RENAMED_FILE, "-", str(error))]
    renames: dict[str, str] = {}
    problems: list[SeedProblem] = []
    seen: set[str] = set()
    for entry in entries:
        former, current = str(entry.get("former", "")), str(entry.get("current", ""))
        repeated = former in seen
        seen.add(former)
        if not re.match(CLAIM_ID_PATTERN, former) or set(entry) != {"former", "current"}:
            problems.append(
                SeedProblem(RENAMED_FILE, former or "?", "write former and current ids only")
            )
        elif repeated:
            problems.append(SeedProblem(RENAMED_FILE, former, "former id listed more than once"))
        elif former in known:
            problems.append(SeedProblem(RENAMED_FILE, former, "a former id that is still a claim"))
        elif current not in known:
            problems.append(SeedProblem(RENAMED_FILE, former, f"current {current} is no claim"))
        else:
            renames[former] = current
    return renames, problems


@cache
def seed_claims(folder: Path = DATA_DIR) -> tuple[ClaimContent, ...]:
    """The shipped claims, validated; raise :class:`SeedError` listing every problem."""
    claims, problems = check_seed_files(folder)
    if problems:
        raise SeedError("invalid claim data:\n" + "\n".join(f"  {p}" for p in problems))
    return tuple(claims)


@cache
def seed_renames(folder: Path = DATA_DIR) -> Mapping[str, str]:
    """The shipped claims' former ids, each with its current id (validated with the seed)."""
    known = {claim.id for claim in seed_claims(folder)}
    return MappingProxyType(check_renames(folder, known)[0])
