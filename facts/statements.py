"""Read a circulating statement: the figures it gives, and for each what it measures.

A statement such as "ChatGPT drinks a 500 mL bottle of water for every 20 to
50 questions" is broken into its essentials, the way Full Fact's automated
checking does: the number (or range) and its unit as written (``mWh`` is not
``MWh``), what it is counted per (only when the statement says so, next to the
figure: "per question", "a day", "par an"; "for every 20 to 50 questions"
divides), the measures it can be (a percentage is a share or a change, never a
"× times" factor; parameters are total or active), the sentence it sits in
(for the subjects and years around it), and how the bot derived it when the
statement gives no number in a unit ("10 × a Google search", "a full phone
charge").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from facts.measures import Measure, measures_for_unit
from facts.models import Per
from facts.numbers import NUMBER, number_value
from facts.subjects import find_subjects
from facts.units import known_unit_words, unit_expression, unit_kind


class Derivation(StrEnum):
    """How a figure the statement does not write in a unit was derived."""

    google_searches = "google-searches"  # N × the energy of a Google search
    phone_charges = "phone-charges"  # N × the energy of a full smartphone charge
    per_requests = "per-requests"  # an amount for every N questions, divided by N
    per_day_to_year = "per-day-to-year"  # N a day is 365 × N a year (or the other way)


@dataclass(frozen=True, slots=True)
class StatedFigure:
    """A figure found in a statement."""

    value: float
    unit: str
    text: str
    per: Per | None
    start: int = 0
    end: int = 0
    low: float | None = None
    high: float | None = None
    measures: tuple[Measure, ...] = ()
    derivation: Derivation | None = None
    factor: float | None = None  # N of the derivation (searches, charges, questions)
    factor_high: float | None = None
    years: frozenset[int] = field(default_factory=frozenset)
    present: bool = False  # "today", "aujourd'hui": not the year named elsewhere in the sentence
    per_said: bool = False  # the per was said next to the figure, not guessed from the sentence

    @property
    def bounds(self) -> tuple[float, float]:
        return (
            self.value if self.low is None else self.low,
            self.value if self.high is None else self.high,
        )

    @property
    def finite(self) -> bool:
        return all(math.isfinite(v) for v in self.bounds)

    @property
    def negative(self) -> bool:
        return min(self.bounds) < 0


# ---- words ----------------------------------------------------------------------------

SCALES_EN = {"thousand": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6, "m": 1e6,
             "billion": 1e9, "billions": 1e9, "bn": 1e9, "trillion": 1e12, "trillions": 1e12}  # fmt: skip
SCALES_FR = {"mille": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6, "m": 1e6, "milliard": 1e9,
             "milliards": 1e9, "md": 1e9, "mds": 1e9, "billion": 1e12, "billions": 1e12}  # fmt: skip
_REQUEST_WORDS = (
    r"requests?|quer(?:y|ies)|questions?|prompts?|answers?|responses?|replies|reply|e-?mails?|"
    r"messages?|conversations?|searche?s?|requêtes?|réponses?|courriels?|recherches?|"
    r"demandes?|interactions?|échanges?"
)
_PER_PATTERNS: list[tuple[Per, re.Pattern[str]]] = [
    (Per.request, re.compile(
        rf"^\s*(?:per|par|a|an|each|every|for each|pour chaque|pour une?|chaque|à chaque|/)\s+"
        rf"(?:\w+\s+){{0,2}}?(?:{_REQUEST_WORDS})\b", re.I)),
    (Per.day, re.compile(
        r"^\s*(?:(?:per|par|a|each|every|chaque|/)\s*(?:day|jour|journée)\b|daily\b|"
        r"quotidien\w*|each day|every day|tous les jours|by day)", re.I)),
    (Per.year, re.compile(
        r"^\s*(?:(?:per|par|a|each|every|chaque|/)\s*(?:year|an|année)\b|yearly\b|annual\w*|"
        r"annuel\w*|each year|every year|tous les ans|in a year|en un an|sur un an|"
        r"(?:of|d['’]|de)\s*(?:electricity|électricité)\s+(?:a|per|par|each)\s+(?:year|an)\b)",
        re.I)),
    (Per.hour, re.compile(
        r"^\s*(?:(?:per|par|an|each|every|chaque|/|de l['’])\s*(?:hour|heure)\b|hourly\b)", re.I)),
]  # fmt: skip
_REQUEST_SUBJECT = re.compile(
    rf"\b(?:a|an|one|each|every|per|single|typical|average|median|une?|chaque|par|seule?|"
    rf"moyenne?|typique|médiane?)\s+(?:\w+\s+){{0,3}}?(?:{_REQUEST_WORDS})\b",
    re.I,
)
_PLURAL_REQUESTS = re.compile(
    rf"\b(?:{_REQUEST_WORDS})\b\s+(?:a|per|par|each|chaque)\s+(?:day|jour|year|an)\b", re.I
)
_TRAINING = re.compile(r"\b(?:train\w*|pre-?train\w*|entraîn\w*|entrain\w*|apprentissage)\b", re.I)
_CHANGE_CUES = re.compile(
    r"(?:^|\W)(?:more|less|higher|lower|increase\w*|rise\w*|rose|grew|grow\w*|up|down|jump\w*|"
    r"spik\w*|above|over|fell|drop\w*|declin\w*|plus|moins|hausse|augment\w*|bond\w*|"
    r"supérieur\w*|inférieur\w*|baisse|diminu\w*|croissance|progress\w*|grimp\w*|"
    r"de plus|de moins)(?:\W|$)",
    re.I,
)
_SHARE_CUES = re.compile(
    r"(?:^|\W)(?:of|de|du|des|d['’]|share|part|portion|represent\w*|représent\w*|account\w*)"
    r"(?:\W|$)",
    re.I,
)
_ACTIVE_CUES = re.compile(
    r"\b(?:activ\w*|actif\w*|per token|par token|each token|chaque token|for every token|"
    r"pour chaque token|à chaque token|par jeton|chaque jeton|utilisé\w* (?:pour|à) chaque|"
    r"used for each|only one|un seul|une seule|chois\w*|chosen|choose\w*|picks?|select\w*|"
    r"rout\w*)\b|^\s*(?:sur|out of|of)\s+\d",
    re.I,
)
_FROM_BEFORE = re.compile(r"(?:from|contre|depuis)\s+(?:about |around |environ |près de )?$", re.I)
_PRESENT_CUES = re.compile(
    r"\b(?:today|now|currently|at present|nowadays|aujourd['’]hui|actuellement|à l['’]heure "
    r"actuelle|de nos jours|désormais)\b",
    re.I,
)
_EMISSION_WORDS = re.compile(
    r"[^.;]{0,45}?\b(?:co2|co₂|emissions?|émissions?|carbon|carbone|ghg|ges|greenhouse|"
    r"effet de serre)\b",
    re.I,
)
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100, "a thousand": 1000,
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "cent": 100, "mille": 1000,
    "half a": 0.5, "a half": 0.5, "un demi": 0.5, "une demi": 0.5, "demi": 0.5,
    "a": 1, "an": 1, "one": 1, "un": 1, "une": 1,
}  # fmt: skip
_ONE_WORDS = {"a", "an", "one", "un", "une"}  # only before a volume ("un litre", "a litre")
_WORD_FACTORS = re.compile(
    r"\b(?P<word>doubl\w*|tripl\w*|quadrupl\w*|halved|divisée?s? par deux|divided by two|"
    r"multipliée?s? par (?:deux|trois|quatre|dix)|ten-fold|tenfold|two-fold|twofold|"
    r"three-fold|threefold|six-fold|sixfold)\b",
    re.I,
)
_WORD_FACTOR_VALUES = {"doubl": 2, "tripl": 3, "quadrupl": 4, "halved": 2, "divisée par deux": 2,
                       "divisé par deux": 2, "divisées par deux": 2, "divisés par deux": 2,
                       "divided by two": 2, "ten": 10, "two": 2, "three": 3, "six": 6,
                       "deux": 2, "trois": 3, "quatre": 4, "dix": 10}  # fmt: skip


def _word_factor(word: str) -> float:
    folded = word.casefold()
    for key, value in _WORD_FACTOR_VALUES.items():
        if folded.startswith(key) or folded.endswith(key):
            return float(value)
    return 2.0


_FUTURE_FR = re.compile(r"\b\w{2,}(?:era|eront|ira|iront|dra|dront|ura|uront)\b", re.I)
_NOT_FUTURE_FR = frozenset({"caméra", "opéra", "extra", "sahara", "chimera", "camera", "aura"})
_FACTOR_PHRASES = re.compile(
    rf"\b(?:divided by|divid\w* by|divisée?s? par|réduite?s? d['’]un facteur|cut by a factor of|"
    rf"reduced by a factor of|by a factor of|d['’]un facteur|facteur)\s+"
    rf"(?P<number>{NUMBER.replace('(?P<', '(?P<f_')})(?![\w]|[.,]\d)",
    re.I,
)
_FUTURE_CUES = re.compile(
    r"\b(?:will|would|could|by 20\d\d|projected|projection\w*|forecast\w*|expected|expects|"
    r"could|may|d['’]ici|prévu\w*|prévision\w*|projet\w*|devrai\w*|pourrai\w*|atteindr\w*|"
    r"passer\w*|passera|consommeront|consommera|représentera\w*|sera|seront|"
    r"in the future|à l['’]avenir|demain)\b",
    re.I,
)

_RATIO_UNITS = {"times", "fois", "×", "x", "fold", "-fold"}


def guess_language(text: str) -> str:
    """``fr`` or ``en``, from the small words of the text (for reading numbers)."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text.casefold())
    french = sum(w in {"le", "la", "les", "une", "des", "du", "est", "par", "pour", "et", "de"}
                 for w in words)  # fmt: skip
    english = sum(w in {"the", "a", "an", "is", "per", "for", "and", "of", "uses", "to"}
                  for w in words)  # fmt: skip
    return "fr" if french > english else "en"


def _figure_pattern() -> re.Pattern[str]:
    units = [re.escape(u) for u in (*known_unit_words(), "-fold", "fold")]
    scales = sorted({*SCALES_EN, *SCALES_FR}, key=len, reverse=True)
    scale = rf"(?:\s*(?:{'|'.join(scales)})\b\.?)"
    second = NUMBER.replace("(?P<", "(?P<hi_")
    return re.compile(
        rf"(?<![\w.,])(?P<number>{NUMBER})(?P<scale>{scale})?"
        rf"(?:\s*(?:to|à|-|–|—|and|et)\s*(?P<high>{second})(?P<hi_scale>{scale})?)?"
        rf"(?:\s*(?:de |d’|d'|of )?)?"
        rf"\s*(?P<unit>{'|'.join(units)})(?![\w])",
        re.IGNORECASE,
    )


def _ratio_before_pattern() -> re.Pattern[str]:
    """``×10``, ``x 10``: a factor written before its number."""
    number = NUMBER.replace("(?P<", "(?P<r_")
    return re.compile(rf"(?<![\w])[×x]\s*(?P<number>{number})(?![\w]|[.,]\d)", re.I)


_FIGURE = _figure_pattern()
_MONEY_BEFORE = re.compile(
    rf"(?:US)?\$\s*(?P<number>{NUMBER.replace('(?P<', '(?P<d_')})"
    rf"(?P<scale>\s*(?:{'|'.join(sorted({*SCALES_EN, *SCALES_FR}, key=len, reverse=True))})\b)?"
)
_EMISSION_UNITS = {"tonne": "tCO2e", "kilotonne": "ktCO2e", "megatonne": "MtCO2e", "kg": "kgCO2e",
                   "g": "gCO2e"}  # fmt: skip
_WORD_FIGURE = re.compile(
    rf"(?<![\w])(?P<word>{'|'.join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))})"
    rf"(?P<demi>[\s-]*demi)?[\s-]*"
    rf"(?P<unit>{'|'.join(re.escape(u) for u in known_unit_words() if len(u) > 2)})(?![\w])",
    re.I,
)
_RATIO_BEFORE = _ratio_before_pattern()
_SINGLE = re.compile(
    r"\b(?:un seul|une seule|only one|a single|just one|one single)\s+(?P<unit>[\w-]+)", re.I
)
_GOOGLE_AFTER = re.compile(
    r"[^.;]{0,40}?(?:recherches? (?:sur )?google|google search(?:es)?|web search(?:es)?)",
    re.IGNORECASE,
)
_GOOGLE_COUNT = re.compile(
    rf"(?<![\w.,])(?P<number>{NUMBER.replace('(?P<', '(?P<g_')})\s*"
    r"(?:recherches? (?:sur )?google|google search(?:es)?|web search(?:es)?)",
    re.I,
)
_PHONE_CHARGE = re.compile(
    r"\b(?:(?:a|one|une|1)\s+)?(?:full\s+|complete\s+|entière\s+|complète\s+)?"
    r"(?:(?:smart)?phone charge|(?:re)?charge (?:complète )?(?:de|d['’]un|du) "
    r"(?:smartphone|téléphone|portable)|(?:smart)?phone recharge|charging a (?:smart)?phone)",
    re.I,
)
_EVERY_N = re.compile(
    rf"(?:\s+(?!for\b|pour\b|every\b|toutes\b|tous\b|chaque\b|each\b|per\b|par\b)[\w’'-]+){{0,4}}?"
    rf"\s*(?:,\s*)?(?:for every|every|for each|per|for|pour|toutes les|tous les|par tranche de|"
    rf"chaque|each)\s+(?P<number>{NUMBER.replace('(?P<', '(?P<n_')})"
    rf"(?:\s*(?:to|à|-|–|or|ou)\s*(?P<high>{NUMBER.replace('(?P<', '(?P<m_')}))?\s+"
    rf"(?:\w+\s+)?(?:{_REQUEST_WORDS})\b",
    re.I,
)
_YEAR = re.compile(r"(?<![\w.,])(?:19[5-9]\d|20\d\d)(?![\w]|[.,]\d)")
_SENTENCE_END = re.compile(r"(?<![A-Z])[.!?;](?=\s|$)|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of ``text`` starts and ends (``U.S.`` and ``0.3`` do not split)."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def sentence_of(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    return next((s for s in spans if s[0] <= position < s[1]), spans[-1])


def years_in(text: str) -> list[tuple[int, int]]:
    """The years a text names, with their positions."""
    return [(int(m.group(0)), m.start()) for m in _YEAR.finditer(text)]


def future_tense(text: str) -> bool:
    """Whether the text speaks of a projection ("will", "by 2030", "d'ici", "fournira")."""
    if _FUTURE_CUES.search(text) is not None:
        return True
    return (
        any(match.group(0).casefold() not in _NOT_FUTURE_FR for match in _FUTURE_FR.finditer(text))
        and guess_language(text) == "fr"
    )


_AMOUNTS = frozenset({Measure.energy, Measure.water, Measure.emissions})


_WHAT_FILLER = re.compile(
    r"^\s*(?:of|d['’]|de l['’]|de|du)\s*(?:electricity|energy|power|fresh water|water|CO2\w*|"
    r"électricité|énergie|eau douce|eau|CO2\w*)\b",
    re.I,
)


def said_per(text: str, end: int) -> Per | None:
    """What the figure ending at ``end`` is counted per, if the words right after it say."""
    filler = _WHAT_FILLER.match(text[end : end + 40])
    if filler is not None:
        end += filler.end()  # "0.34 Wh of electricity per day"
    after = text[end : end + 60]
    for per, pattern in _PER_PATTERNS:
        if pattern.match(after):
            return per
    return None


def _per_at(text: str, end: int, sentence: str, measures: tuple[Measure, ...]) -> Per | None:
    """What the figure ending at ``end`` is counted per: said next to it, or by its sentence.

    Only an amount (energy, water, emissions) takes its "per" from the sentence:
    "a Gemini prompt" makes 0.24 Wh per request, but not a 33-fold gain.
    """
    said = said_per(text, end)
    if said is not None or not _AMOUNTS.intersection(measures):
        return said
    return _sentence_per(sentence)


@lru_cache(maxsize=256)
def _sentence_per(sentence: str) -> Per | None:
    """What a sentence's amounts are counted per when it does not say so next to them."""
    if _PLURAL_REQUESTS.search(sentence):
        return None  # "2.5 billion prompts a day": a count, not an amount per prompt
    if _REQUEST_SUBJECT.search(sentence):
        return Per.request
    if _TRAINING.search(sentence):
        return Per.training
    return None


@lru_cache(maxsize=256)
def _present_cues(sentence: str) -> tuple[int, ...]:
    return tuple(m.start() for m in _PRESENT_CUES.finditer(sentence))


def _measures(unit: str, text: str, start: int, end: int) -> tuple[Measure, ...]:
    """The measures a figure in ``unit`` can be, narrowed by the words around it."""
    measures = measures_for_unit(unit)
    before, after = text[max(0, start - 40) : start], text[end : end + 50]
    if Measure.share in measures:
        signed = re.search(r"[+−-]\s*$", before) is not None
        change = signed or _CHANGE_CUES.search(before[-25:] + " " + after[:30]) is not None
        share = (
            _SHARE_CUES.search(after[:12]) is not None or _FROM_BEFORE.search(before) is not None
        ) and not signed
        measures = [Measure.change] if change and not share else [Measure.share]
    if Measure.parameters_total in measures or Measure.experts_total in measures:
        active = (
            _ACTIVE_CUES.search(before[-20:] + " " + text[start:end] + after[:20]) is not None
            or _ACTIVE_CUES.match(after) is not None
        )
        measures = [
            m
            for m in measures
            if (m in (Measure.parameters_active, Measure.experts_active)) == active
        ]
    return tuple(measures)


def _canonical_unit(unit: str) -> str:
    folded = unit.casefold()
    if folded in _RATIO_UNITS:
        return "times"
    return unit


def extract_figures(text: str, language: str | None = None) -> list[StatedFigure]:
    """The figures ``text`` states, in order, each with what it may measure."""
    language = language or guess_language(text)
    scales = SCALES_FR if language == "fr" else SCALES_EN
    spans = sentence_spans(text)
    years = years_in(text)
    found: list[StatedFigure] = []
    taken: list[tuple[int, int]] = []
    # "Llama 3.1 405B", "H100", "16 bits", "100 000 tokens": a number inside a name is no figure
    names = [
        (m.start, m.end) for m in find_subjects(text) if re.search(r"\d", text[m.start : m.end])
    ]

    def named(start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in names)

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in taken)

    def scaled(value: float, scale: str | None) -> float:
        word = (scale or "").strip().rstrip(".").casefold()
        return value * scales.get(word, 1.0)

    def is_present(start: int) -> bool:
        sentence = sentence_of(spans, start)
        cues = [pos + sentence[0] for pos in _present_cues(text[slice(*sentence)])]
        if not cues:
            return False
        inside = [pos for _year, pos in years if sentence[0] <= pos < sentence[1]]
        nearest_cue = min(abs(pos - start) for pos in cues)
        return not inside or nearest_cue < min(abs(pos - start) for pos in inside)

    def figure_years(start: int) -> frozenset[int]:
        if is_present(start):
            return frozenset()
        sentence = sentence_of(spans, start)
        inside = [(year, pos) for year, pos in years if sentence[0] <= pos < sentence[1]]
        if len({year for year, _pos in inside}) > 1:
            inside = [min(inside, key=lambda item: abs(item[1] - start))]
        if not inside and len({year for year, _pos in years}) == 1:
            inside = years
        return frozenset(year for year, _pos in inside)

    for match in _GOOGLE_COUNT.finditer(text):
        if named(match.start(), match.start() + len(match["number"])):
            continue
        searches = number_value(_renamed(match, "g_"), language)
        found.append(_derived_google(text, match.start(), match.end(), searches, figure_years))
        taken.append((match.start(), match.end()))
    for match in _FIGURE.finditer(text):
        if not free(match.start(), match.end()) or named(*match.span("number")):
            continue
        unit_text = match["unit"]
        if (
            unit_text.casefold() in ("x", "×")
            and match["high"] is None
            and re.match(r"\s*\d", text[match.end() :])
        ):
            continue  # "3 x 10^9" is a number, read by NUMBER
        unit = _canonical_unit(unit_text)
        if unit_expression(unit) is None:
            continue
        value = scaled(number_value(match, language), match["scale"])
        high = None
        if match["high"] is not None:
            high = scaled(
                number_value(_renamed(match, "hi_"), language), match["hi_scale"] or match["scale"]
            )
            if not match["scale"] and match["hi_scale"]:
                value = scaled(value, match["hi_scale"])
        if year_like(match["number"]) and high is None and unit_kind(unit) == "ratio":
            continue
        sentence = text[slice(*sentence_of(spans, match.start()))]
        start, end = match.start(), match.end()
        if unit_kind(unit) == "[mass]" and _EMISSION_WORDS.match(text, end):
            unit = _EMISSION_UNITS.get(unit_expression(unit) or "", unit)  # "645 t of CO2e"
        if unit == "times" and _GOOGLE_AFTER.match(text, end):
            found.append(_derived_google(text, start, end, value, figure_years))
            taken.append((start, end))
            continue
        every = _EVERY_N.match(text, end)
        measures = _measures(unit, text, start, match.end())
        per = _per_at(text, end, sentence, measures)
        low: float | None = None
        high_value: float | None = None
        if high is not None:
            low, high_value = min(value, high), max(value, high)
            value = (low + high_value) / 2
        derivation: Derivation | None = None
        factor: float | None = None
        factor_high: float | None = None
        if every is not None and unit_kind(unit) != str(unit_kind("prompts")):
            n_low = number_value(_renamed(every, "n_"), language)
            n_high = number_value(_renamed(every, "m_"), language) if every["high"] else n_low
            if n_low > 0 and n_high > 0:
                base_low, base_high = (
                    (low, high_value)
                    if low is not None and high_value is not None
                    else (value, value)
                )
                low, high_value = base_low / max(n_low, n_high), base_high / min(n_low, n_high)
                value = (low + high_value) / 2
                per, derivation = Per.request, Derivation.per_requests
                factor, factor_high = min(n_low, n_high), max(n_low, n_high)
                end = every.end()
        found.append(
            StatedFigure(
                value=value, unit=unit, text=text[start:end].strip(), per=per, start=start,
                end=end, low=low, high=high_value,
                measures=measures, derivation=derivation, factor=factor,
                factor_high=factor_high, years=figure_years(start), present=is_present(start),
                per_said=said_per(text, match.end()) is not None or derivation is not None,
            )
        )  # fmt: skip
        taken.append((start, end))
    for match in _MONEY_BEFORE.finditer(text):
        if not free(match.start(), match.end()) or named(match.start(), match.end()):
            continue
        value = scaled(number_value(_renamed(match, "d_"), language), match["scale"])
        found.append(
            StatedFigure(
                value, "USD", match.group(0).strip(), None, match.start(), match.end(),
                measures=(Measure.cost,), years=figure_years(match.start()),
                present=is_present(match.start()),
            )
        )  # fmt: skip
        taken.append((match.start(), match.end()))
    for match in _FACTOR_PHRASES.finditer(text):
        if not free(match.start(), match.end()) or named(match.start(), match.end()):
            continue
        value = number_value(_renamed(match, "f_"), language)
        found.append(
            StatedFigure(
                value, "times", match.group(0), None, match.start(), match.end(),
                measures=(Measure.factor,), years=figure_years(match.start()),
                present=is_present(match.start()),
            )
        )  # fmt: skip
        taken.append((match.start(), match.end()))
    for match in _WORD_FACTORS.finditer(text):
        if not free(match.start(), match.end()):
            continue
        found.append(
            StatedFigure(
                _word_factor(match["word"]), "times", match.group(0), None, match.start(),
                match.end(), measures=(Measure.factor,), years=figure_years(match.start()),
                present=is_present(match.start()),
            )
        )  # fmt: skip
        taken.append((match.start(), match.end()))
    for match in _WORD_FIGURE.finditer(text):
        word = " ".join(match["word"].casefold().split())
        unit = match["unit"]
        if (
            not free(match.start(), match.end())
            or named(match.start(), match.end())
            or unit_expression(unit) is None
        ):
            continue
        if word in _ONE_WORDS and unit_kind(unit) != "[length] ** 3":
            continue  # "a Google search", "une heure": not a figure; "un litre" is
        value = _NUMBER_WORDS[word] * (0.5 if match["demi"] else 1.0)
        if unit_kind(unit) == "ratio" and _GOOGLE_AFTER.match(text, match.end()):
            found.append(_derived_google(text, match.start(), match.end(), value, figure_years))
            taken.append((match.start(), match.end()))
            continue
        sentence = text[slice(*sentence_of(spans, match.start()))]
        measures = _measures(unit, text, match.start(), match.end())
        found.append(
            StatedFigure(
                value, unit, match.group(0), _per_at(text, match.end(), sentence, measures),
                match.start(), match.end(), measures=measures, years=figure_years(match.start()),
                present=is_present(match.start()),
                per_said=said_per(text, match.end()) is not None,
            )
        )  # fmt: skip
        taken.append((match.start(), match.end()))
    for match in _RATIO_BEFORE.finditer(text):
        if not free(match.start(), match.end()) or named(match.start(), match.end()):
            continue
        value = number_value(_renamed(match, "r_"), language)
        if _GOOGLE_AFTER.match(text, match.end()):
            found.append(_derived_google(text, match.start(), match.end(), value, figure_years))
        else:
            found.append(
                StatedFigure(
                    value, "times", match.group(0), None, match.start(), match.end(),
                    measures=(Measure.factor,), years=figure_years(match.start()),
                )
            )  # fmt: skip
        taken.append((match.start(), match.end()))
    for match in _SINGLE.finditer(text):
        unit = match["unit"]
        if (
            not free(match.start(), match.end())
            or named(match.start(), match.end())
            or unit_expression(unit) is None
        ):
            continue
        sentence = text[slice(*sentence_of(spans, match.start()))]
        measures = _measures(unit, text, match.start(), match.end())
        found.append(
            StatedFigure(
                1.0, unit, match.group(0), _per_at(text, match.end(), sentence, measures),
                match.start(), match.end(), measures=measures, years=figure_years(match.start()),
            )
        )  # fmt: skip
        taken.append((match.start(), match.end()))
    has_energy = any(unit_kind(f.unit) == unit_kind("Wh") for f in found)
    if not has_energy:
        for match in _PHONE_CHARGE.finditer(text):
            if not free(match.start(), match.end()):
                continue
            sentence = text[slice(*sentence_of(spans, match.start()))]
            found.append(
                StatedFigure(
                    1.0, "phone charges", match.group(0),
                    _per_at(text, match.end(), sentence, (Measure.energy,)),
                    match.start(), match.end(), measures=(Measure.energy,),
                    derivation=Derivation.phone_charges, factor=1.0,
                    years=figure_years(match.start()),
                )
            )  # fmt: skip
            break
    found.sort(key=lambda f: f.start)
    return found


def year_like(number: str) -> bool:
    return re.fullmatch(r"(?:19[5-9]\d|20\d\d)", number.strip()) is not None


def _derived_google(
    text: str, start: int, end: int, factor: float, figure_years: object
) -> StatedFigure:
    years = figure_years(start) if callable(figure_years) else frozenset()
    return StatedFigure(
        factor, "google searches", text[start:end].strip(), Per.request, start, end,
        measures=(Measure.energy,), derivation=Derivation.google_searches, factor=factor,
        years=years,
    )  # fmt: skip


class _Renamed:
    """A match whose groups are read without a prefix (``hi_mantissa`` as ``mantissa``)."""

    def __init__(self, match: re.Match[str], prefix: str) -> None:
        self._match, self._prefix = match, prefix

    def __getitem__(self, name: str) -> str | None:
        try:
            return self._match[self._prefix + name]
        except IndexError:
            return None

    def group(self, index: int = 0) -> str:
        return self._match[self._prefix + "number"] or self._match.group(index)


def _renamed(match: re.Match[str], prefix: str) -> re.Match[str]:
    return _Renamed(match, prefix)  # type: ignore[return-value]
