"""Full-text search over the claim base: words, accents folded, ranked; on either database.

The index holds each claim's French and English statements plus its id,
publishers and keywords, accents folded, so ``energie`` finds « énergie » and
``donnees`` finds « données ». A word also matches its plural or singular
(``requête`` ↔ « requêtes »). A query's words must all match (words the index
has never seen are left out); when nothing matches them all, any of them will
do. This module owns those rules; each storage driver matches and ranks
(SQLite: FTS5 and BM25; PostgreSQL: ``tsvector`` with ``unaccent`` and
``ts_rank``), planning so a search stays within a few milliseconds at 100,000
claims (see ``wattson bench``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from facts.models import Claim
from facts.store import ClaimStore

MAX_QUERY_WORDS = 24
WORD = re.compile(r"\w+", re.UNICODE)  # as the index splits: "d’environ" is d + environ
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
    score: float  # higher is better (negated BM25); 0 when answered unranked


def fold(word: str) -> str:
    """The form the index stores: lower case, no diacritics (as ``remove_diacritics 2``)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def query_terms(text: str) -> list[str]:
    """The words of ``text`` worth searching for, folded, without stop words."""
    words = [w.casefold() for w in WORD.findall(text)]
    terms = [fold(w) for w in words if len(w) > 1 and w not in STOP_WORDS]
    return list(dict.fromkeys(t for t in terms if t))[:MAX_QUERY_WORDS]


def variants(term: str) -> list[str]:
    """The term and its plural or singular (``requete`` ↔ ``requetes``)."""
    if len(term) > 3 and term.endswith(("s", "x")):
        return [term, term[:-1]]
    return [term, term + "s"]


async def search_claims(
    store: ClaimStore, text: str, limit: int = 10, any_term: bool | None = None
) -> list[SearchHit]:
    """Claims matching the words of ``text``, best first; all words, else any of them."""
    terms = query_terms(text)
    if not terms:
        return []
    groups = [variants(term) for term in terms]
    modes = [any_term] if any_term is not None else [False, True]
    found = await store.database.search_claims(groups, modes, limit)
    claims = await store.get_many(claim_id for claim_id, _ in found)
    return [SearchHit(claims[i], score) for i, score in found if i in claims]
