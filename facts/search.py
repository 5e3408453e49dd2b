"""Full-text search over the claim base: SQLite FTS5, accents folded, ranked by BM25.

The index holds each claim's French and English statements plus its id,
publishers and keywords, tokenized with ``unicode61 remove_diacritics 2``, so
``energie`` finds « énergie » and ``donnees`` finds « données ». A word also
matches its plural or singular (``requête`` ↔ « requêtes »). A query's words
must all match; when nothing matches them all, any of them will do.

BM25 has to score every matching claim before it can keep the best five, so
the cost grows with how many claims a word matches. The planner looks up each
word's document frequency in the index (``fts5vocab``) first: words found in a
large share of a big base carry almost no ranking information (their inverse
document frequency is near zero), so they are left out of the ranking when
rarer words remain, and a query made only of such words is answered in index
order without scoring. This keeps a search in a few milliseconds at 100,000
claims (see ``wattson bench``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from facts.models import Claim
from facts.store import ClaimStore

MAX_QUERY_WORDS = 24
RANKING_BUDGET = 2_000  # most claims one word may match and still be scored with BM25
WORD = re.compile(r"\w+", re.UNICODE)  # as the index splits: "d’environ" is d + environ
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


def _group(forms: list[str]) -> str:
    quoted = ['"' + form.replace('"', '""') + '"' for form in forms]
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def fts_query(terms: list[str], any_term: bool, present: dict[str, list[str]] | None = None) -> str:
    """An FTS5 query: every form quoted (no operator injection), all or any terms.

    ``present`` gives, per term, the forms the index holds; by default every variant.
    """
    groups = [_group((present or {}).get(term) or variants(term)) for term in terms]
    return (" OR " if any_term else " AND ").join(groups)


async def search_claims(
    store: ClaimStore, text: str, limit: int = 10, any_term: bool | None = None
) -> list[SearchHit]:
    """Claims matching the words of ``text``, best first; all words, else any of them."""
    terms = query_terms(text)
    if not terms:
        return []
    frequencies, present = await _document_frequencies(store, terms)
    terms = [t for t in terms if frequencies[t] > 0]
    if not terms:
        return []  # no word of the query is in the index
    modes = [any_term] if any_term is not None else [False, True]
    for mode in modes:
        hits = await _plan_and_run(store, terms, frequencies, present, mode, limit)
        if hits:
            return hits
    return []


async def _document_frequencies(
    store: ClaimStore, terms: list[str]
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """How many claims hold each term (its forms together), and which forms exist."""
    forms = {form: term for term in terms for form in variants(term)}
    marks = ",".join("?" * len(forms))
    async with store.connection.execute(
        f"SELECT term, doc FROM claims_vocab WHERE term IN ({marks})", list(forms)
    ) as cursor:
        rows = await cursor.fetchall()
    counts: dict[str, int] = dict.fromkeys(terms, 0)
    present: dict[str, list[str]] = {term: [] for term in terms}
    for row in rows:
        term = forms[row["term"]]
        counts[term] += int(row["doc"])
        present[term].append(row["term"])
    return counts, present


async def _plan_and_run(
    store: ClaimStore,
    terms: list[str],
    frequencies: dict[str, int],
    present: dict[str, list[str]],
    any_term: bool,
    limit: int,
) -> list[SearchHit]:
    if any_term:
        rare = [t for t in terms if frequencies[t] <= RANKING_BUDGET]
        ranked = bool(rare) and sum(frequencies[t] for t in rare) <= RANKING_BUDGET * 2
        chosen = rare if ranked else terms
    else:
        ranked = min(frequencies[t] for t in terms) <= RANKING_BUDGET
        chosen = terms
    query = fts_query(chosen, any_term, present)
    if ranked:
        sql = (
            f"SELECT id, {RANK} AS rank FROM claims_fts WHERE claims_fts MATCH ?"
            " ORDER BY rank LIMIT ?"
        )
    else:  # every word is in a large share of the base: index order, no scoring
        sql = "SELECT id, 0.0 AS rank FROM claims_fts WHERE claims_fts MATCH ? LIMIT ?"
    async with store.connection.execute(sql, (query, limit)) as cursor:
        found = [(row["id"], float(row["rank"])) for row in await cursor.fetchall()]
    claims = await store.get_many(claim_id for claim_id, _ in found)
    return [SearchHit(claims[i], -rank) for i, rank in found if i in claims]
