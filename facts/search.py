"""Full-text search over the claim base: SQLite FTS5, accents folded, ranked by BM25.

The index holds each claim's French and English statements plus its id,
publishers and keywords, tokenized with ``unicode61 remove_diacritics 2``, so
``energie`` finds « énergie » and ``donnees`` finds « données ». A query's words
must all match (prefix matching, so ``requête`` also finds « requêtes »); when
nothing matches them all, any of them will do, best ranked first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from facts.models import Claim
from facts.store import ClaimStore

MAX_QUERY_WORDS = 24
WORD = re.compile(r"[\w’']+", re.UNICODE)
# Statements weigh more than the extra column (ids, publishers, keywords).
RANK = "bm25(claims_fts, 0.0, 4.0, 4.0, 1.0)"
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "what",
        "which",
        "who",
        "how",
        "per",
        "than",
        "then",
        "there",
        "these",
        "those",
        "about",
        "into",
        "more",
        "most",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cette",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "est",
        "et",
        "il",
        "ils",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "mais",
        "ne",
        "ni",
        "ou",
        "où",
        "par",
        "pas",
        "plus",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sont",
        "sur",
        "un",
        "une",
        "été",
        "être",
        "fait",
    ]
)


@dataclass(frozen=True, slots=True)
class SearchHit:
    claim: Claim
    score: float  # higher is better (negated BM25)


def query_terms(text: str) -> list[str]:
    """The words of ``text`` worth searching for, lower-cased, without stop words."""
    words = [w.strip("’'").casefold() for w in WORD.findall(text)]
    terms = [w for w in words if len(w) > 1 and w not in STOP_WORDS]
    return list(dict.fromkeys(terms))[:MAX_QUERY_WORDS]


def fts_query(terms: list[str], any_term: bool) -> str:
    """An FTS5 query string: each term quoted (no operator injection), prefix-matched."""
    quoted = ['"' + term.replace('"', '""') + '"*' for term in terms]
    return (" OR " if any_term else " AND ").join(quoted)


async def search_claims(
    store: ClaimStore, text: str, limit: int = 10, any_term: bool | None = None
) -> list[SearchHit]:
    """Claims matching the words of ``text``, best first; all words, else any of them."""
    terms = query_terms(text)
    if not terms:
        return []
    modes = [any_term] if any_term is not None else [False, True]
    for mode in modes:
        hits = await _run(store, fts_query(terms, mode), limit)
        if hits:
            return hits
    return []


async def _run(store: ClaimStore, query: str, limit: int) -> list[SearchHit]:
    async with store.connection.execute(
        f"SELECT id, {RANK} AS rank FROM claims_fts WHERE claims_fts MATCH ? ORDER BY rank LIMIT ?",
        (query, limit),
    ) as cursor:
        ranked = [(row["id"], float(row["rank"])) for row in await cursor.fetchall()]
    claims = await store.get_many(claim_id for claim_id, _ in ranked)
    return [SearchHit(claims[i], -rank) for i, rank in ranked if i in claims]
