"""How statements word their figures: the words and patterns ``facts.statements`` reads.

Scale words ("milliard", "billion" — a French *billion* is 10¹²), what a
figure is counted per ("per query", "par an", "a day"), the cues that make a
percentage a rise rather than a share, parameters active rather than total,
a figure today rather than in a projection, and the patterns of figures
written in words ("ten times", "un demi-litre", "doubled"), before the unit
("$16 billion", "× 10") or as a rate ("for every 20 to 50 questions").
"""

from __future__ import annotations

import re

from facts.accents import LooseWords, compile_loose, word_key
from facts.models import Per
from facts.numbers import NUMBER
from facts.units import known_unit_words

SCALES_EN = {"thousand": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6, "m": 1e6,
             "billion": 1e9, "billions": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12,
             "trillions": 1e12}  # fmt: skip
SCALES_FR = {"mille": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6, "m": 1e6, "milliard": 1e9,
             "milliards": 1e9, "md": 1e9, "mds": 1e9, "billion": 1e12, "billions": 1e12}  # fmt: skip
REQUEST_WORDS = (
    r"requests?|quer(?:y|ies)|questions?|prompts?|answers?|responses?|replies|reply|e-?mails?|"
    r"messages?|conversations?|searche?s?|requêtes?|réponses?|courriels?|recherches?|"
    r"demandes?|interactions?|échanges?"
)
PER_PATTERNS: list[tuple[Per, re.Pattern[str]]] = [
    (Per.request, compile_loose(
        rf"^\s*(?:per|par|a|an|each|every|for each|pour chaque|pour une?|chaque|à chaque|/)\s+"
        rf"(?:\w+\s+){{0,2}}?(?:{REQUEST_WORDS})\b", re.I)),
    (Per.day, compile_loose(
        r"^\s*(?:(?:per|par|a|each|every|chaque|/)\s*(?:day|jour|journée|j|d)\b|daily\b|"
        r"quotidien\w*|each day|every day|tous les jours|by day)", re.I)),
    (Per.year, compile_loose(
        r"^\s*(?:(?:per|par|a|each|every|chaque|/)\s*(?:year|an|année|yr|y)\b|yearly\b|annual\w*|"
        r"annuel\w*|each year|every year|tous les ans|in a year|en un an|sur un an|"
        r"(?:of|d['’]|de)\s*(?:electricity|électricité)\s+(?:a|per|par|each)\s+(?:year|an)\b)",
        re.I)),
    (Per.hour, compile_loose(
        r"^\s*(?:(?:per|par|an|each|every|chaque|/|de l['’])\s*(?:hour|heure)\b|hourly\b)", re.I)),
    (Per.token, compile_loose(
        r"^\s*(?:per|par|a|each|every|for each|pour chaque|chaque|/)\s*"
        r"(?:(?:output|generated|produced|généré)\s+)?(?:tokens?|jetons?)\b", re.I)),
]  # fmt: skip
REQUEST_SUBJECT = compile_loose(
    rf"\b(?:a|an|one|each|every|per|single|typical|average|median|une?|chaque|par|seule?|"
    rf"moyenne?|typique|médiane?)\s+(?:\w+\s+){{0,3}}?(?:{REQUEST_WORDS})\b",
    re.I,
)
PLURAL_REQUESTS = compile_loose(
    rf"\b(?:{REQUEST_WORDS})\b\s+(?:a|per|par|each|chaque)\s+(?:day|jour|year|an)\b", re.I
)
TRAINING = compile_loose(
    r"\b(?:train\w*|pre-?train\w*|entraîn\w*|entrain\w*|apprentissage)\b", re.I
)
CHANGE_CUES = compile_loose(
    r"(?:^|\W)(?:more|less|higher|lower|increase\w*|rise\w*|rose|grew|grow\w*|up|down|jump\w*|"
    r"spik\w*|above|over|fell|drop\w*|declin\w*|plus|moins|hausse|augment\w*|bond\w*|"
    r"supérieur\w*|inférieur\w*|baisse|diminu\w*|croissance|progress\w*|grimp\w*|"
    r"de plus|de moins)(?:\W|$)",
    re.I,
)
SHARE_CUES = compile_loose(
    r"(?:^|\W)(?:of|de|du|des|d['’]|share|part|portion|represent\w*|représent\w*|account\w*)"
    r"(?:\W|$)",
    re.I,
)
ACTIVE_CUES = compile_loose(
    r"\b(?:activ\w*|actif\w*|per token|par token|each token|chaque token|for every token|"
    r"(?:any|a|each) given token|on any token|"
    r"pour chaque token|à chaque token|par jeton|chaque jeton|utilisé\w* (?:pour|à) chaque|"
    r"used for each|only one|un seul|une seule|chois\w*|chosen|choose\w*|picks?|select\w*|"
    r"rout\w*)\b|^\s*(?:sur|out of|of)\s+\d",
    re.I,
)
FROM_BEFORE = compile_loose(
    r"(?:from|contre|depuis)\s+(?:about |around |environ |près de )?$", re.I
)
PRESENT_CUES = compile_loose(
    r"\b(?:today|now|currently|at present|nowadays|aujourd['’]hui|actuellement|à l['’]heure "
    r"actuelle|de nos jours|désormais)\b",
    re.I,
)
EMISSION_WORDS = compile_loose(
    r"[^.;]{0,45}?\b(?:co2|co₂|emissions?|émissions?|carbon|carbone|ghg|ges|greenhouse|"
    r"effet de serre)\b",
    re.I,
)
_NUMBER_WORDS: dict[str, float] = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100, "a thousand": 1000,
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9,
    "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "cent": 100, "mille": 1000,
    "half a": 0.5, "a half": 0.5, "un demi": 0.5, "une demi": 0.5, "demi": 0.5,
    "two and a half": 2.5, "deux et demi": 2.5, "zero": 0, "zéro": 0,
    "a dozen": 12, "une douzaine": 12, "a couple of": 2, "une dizaine": 10, "une quinzaine": 15,
    "une vingtaine": 20, "une trentaine": 30, "une cinquantaine": 50, "une centaine": 100,
    "dozens": 24, "des dizaines": 20,
    "a": 1, "an": 1, "one": 1, "un": 1, "une": 1,
}  # fmt: skip
_TENS_EN = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
            "eighty": 80, "ninety": 90}  # fmt: skip
_UNITS_EN = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9}  # fmt: skip
_TENS_FR = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
_UNITS_FR = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
             "neuf": 9}  # fmt: skip
# "thirty-three", "trente-trois", "vingt et un": the compounds, as people write them
_NUMBER_WORDS.update(
    {
        f"{tens}{joint}{unit}": tv + uv
        for tens, tv in _TENS_EN.items()
        for unit, uv in _UNITS_EN.items()
        for joint in ("-", " ")
    }  # fmt: skip
)
_NUMBER_WORDS.update(
    {
        f"{tens}{joint}{unit}": tv + uv
        for tens, tv in _TENS_FR.items()
        for unit, uv in _UNITS_FR.items()
        for joint in ("-", " ")
    }  # fmt: skip
)
_NUMBER_WORDS.update({f"{tens} et un": tv + 1 for tens, tv in _TENS_FR.items()})
_NUMBER_WORDS.update({f"{tens}-et-un": tv + 1 for tens, tv in _TENS_FR.items()})
_NUMBER_WORDS.update({"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "soixante": 60,
                     "thirteen": 13, "fourteen": 14, "sixteen": 16, "seventeen": 17,
                     "eighteen": 18, "nineteen": 19, "treize": 13, "quatorze": 14, "seize": 16,
                     "six": 6})  # fmt: skip
NUMBER_WORDS = LooseWords(_NUMBER_WORDS)  # "zero" or "zéro"
ONE_WORDS = {
    "a",
    "an",
    "one",
    "un",
    "une",
}  # only before a volume or a scale ("un litre", "a million")
_NUMBER_WORDS_ALT = "|".join(
    sorted((re.escape(w) for w in NUMBER_WORDS if w not in ONE_WORDS), key=len, reverse=True)
)
WORD_FACTORS = compile_loose(
    r"\b(?P<word>doubl\w*|tripl\w*|quadrupl\w*|quintupl\w*|sextupl\w*|décupl\w*|centupl\w*|"
    r"halved|divisée?s? par deux|divided by two|"
    rf"(?:multipliée?s?|divisée?s?) par (?:{_NUMBER_WORDS_ALT})|"
    rf"(?:multiplied|divided) by (?:{_NUMBER_WORDS_ALT})|(?:{_NUMBER_WORDS_ALT})[\s-]?fold)\b",
    re.I,
)
# "divisé par trente-trois l'énergie, et par quarante-quatre le carbone": the second, in words
WORD_FACTOR_AGAIN = compile_loose(
    rf"\b(?:et|and)\s+(?P<said>(?:par|by)\s+(?P<word>{_NUMBER_WORDS_ALT}))(?![\w%])", re.I
)
WORD_FACTOR_VALUES = {"doubl": 2, "tripl": 3, "quadrupl": 4, "quintupl": 5, "sextupl": 6,
                       "décupl": 10, "centupl": 100, "halved": 2, "divisée par deux": 2,
                       "divisé par deux": 2, "divisées par deux": 2, "divisés par deux": 2,
                       "divided by two": 2, "ten": 10, "two": 2, "three": 3, "six": 6,
                       "deux": 2, "trois": 3, "quatre": 4, "dix": 10}  # fmt: skip


_FACTOR_STEMS = {word_key(word): value for word, value in WORD_FACTOR_VALUES.items()}


def word_factor(word: str) -> float:
    """The factor a word says: "doubled" 2, "thirty-three-fold" 33, "multiplié par dix" 10."""
    folded = word_key(word)
    number = re.sub(
        r"^(?:multipliee?s? par|multiplie\w* par|divisee?s? par|(?:multiplied|divided) by)\s+"
        r"|[\s-]?fold$",
        "",
        folded,
    )
    if number in NUMBER_WORDS:
        return float(NUMBER_WORDS[number])
    for key, value in _FACTOR_STEMS.items():
        if folded.startswith(key) or folded.endswith(key):
            return float(value)
    return 2.0


FUTURE_FR = compile_loose(r"\b\w{2,}(?:era|eront|ira|iront|dra|dront|ura|uront)\b", re.I)
NOT_FUTURE_FR = frozenset({"caméra", "opéra", "extra", "sahara", "chimera", "camera", "aura"})
FACTOR_PHRASES = compile_loose(
    rf"\b(?:divided by|divid\w* by|divisée?s? par|réduite?s? d['’]un facteur|cut by a factor of|"
    rf"reduced by a factor of|by a factor of|d['’]un facteur|facteur)\s+"
    rf"(?P<number>{NUMBER.replace('(?P<', '(?P<f_')})(?![\w]|[.,]\d)",
    re.I,
)
# "divided by 33 the energy, and by 44 the carbon": the second factor, its verb unsaid.
FACTOR_AGAIN = compile_loose(
    rf"\b(?:et|and)\s+(?:par|by)\s+(?!(?:19|20)\d\d\b)(?P<number>{NUMBER.replace('(?P<', '(?P<f_')})"
    rf"(?![\w%]|[.,]\d|\s*%)",
    re.I,
)
FUTURE_CUES = compile_loose(
    r"\b(?:will|would|could|by 20\d\d|projected|projection\w*|forecast\w*|expected|expects|"
    r"could|may|d['’]ici|prévu\w*|prévision\w*|projet\w*|devrai\w*|pourrai\w*|atteindr\w*|"
    r"passer\w*|passera|consommeront|consommera|représentera\w*|sera|seront|"
    r"in the future|à l['’]avenir|demain)\b",
    re.I,
)

RATIO_UNITS = {"times", "fois", "×", "x", "fold", "-fold"}


def guess_language(text: str) -> str:
    """``fr`` or ``en``, from the small words of the text (for reading numbers)."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text.casefold())
    french = sum(w in {"le", "la", "les", "une", "des", "du", "est", "par", "pour", "et", "de"}
                 for w in words)  # fmt: skip
    english = sum(w in {"the", "a", "an", "is", "per", "for", "and", "of", "uses", "to"}
                  for w in words)  # fmt: skip
    return "fr" if french > english else "en"


# "2.5 billion daily prompts": how often, said between a count and its unit
EVERY_WORDS = (
    r"daily|weekly|monthly|yearly|annual|quotidien(?:ne)?s?|journalier(?:e)?s?|"
    r"hebdomadaires?|mensuel(?:le)?s?|annuel(?:le)?s?"
)
EVERY_WORD_PER = {"daily": "day", "quotidien": "day", "journalier": "day", "yearly": "year",
                  "annual": "year", "annuel": "year"}  # fmt: skip


def figure_pattern() -> re.Pattern[str]:
    units = [re.escape(u) for u in (*known_unit_words(), "-fold", "fold")]
    scales = sorted({*SCALES_EN, *SCALES_FR}, key=len, reverse=True)
    scale = rf"(?:\s*(?:{'|'.join(scales)})\b\.?)"
    second = NUMBER.replace("(?P<", "(?P<hi_")
    return compile_loose(
        rf"(?<![\w.,])(?P<number>{NUMBER})(?P<scale>{scale})?"
        rf"(?:\s*(?:to|à|-|–|—|and|et)\s*(?P<high>{second})(?P<hi_scale>{scale})?)?"
        rf"(?:\s*(?:de |d’|d'|of )?)?"
        rf"(?:\s*(?P<every>{EVERY_WORDS})\s+)?"
        rf"\s*(?P<unit>{'|'.join(units)})(?![\w'’])",  # "33 l'énergie" is no litre
        re.IGNORECASE,
    )


def ratio_before_pattern() -> re.Pattern[str]:
    """``×10``, ``x 10``: a factor written before its number."""
    number = NUMBER.replace("(?P<", "(?P<r_")
    return compile_loose(rf"(?<![\w])[×x]\s*(?P<number>{number})(?![\w]|[.,]\d)", re.I)


FIGURE = figure_pattern()
MONEY_SCALES = {"t": 1e12, "tn": 1e12, "tr": 1e12}  # "$1.4T": trillions, only after a "$"
MONEY_BEFORE = compile_loose(
    rf"(?:US)?\$\s*(?P<number>{NUMBER.replace('(?P<', '(?P<d_')})"
    rf"(?P<scale>\s*(?:{'|'.join(sorted({*SCALES_EN, *SCALES_FR, *MONEY_SCALES}, key=len, reverse=True))})\b)?",
    re.I,
)
EMISSION_UNITS = {"tonne": "tCO2e", "kilotonne": "ktCO2e", "megatonne": "MtCO2e", "kg": "kgCO2e",
                   "g": "gCO2e"}  # fmt: skip
WORD_SCALES = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9,
               "mille": 1e3, "milliard": 1e9, "milliards": 1e9}  # fmt: skip
WORD_FIGURE = compile_loose(
    rf"(?<![\w])(?P<word>{'|'.join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True))})"
    rf"(?P<demi>[\s-]*demi)?"
    rf"(?:\s+(?P<wscale>{'|'.join(sorted(WORD_SCALES, key=len, reverse=True))})"
    rf"(?P<half>\s+(?:et demi|and a half))?)?"
    rf"(?:\s+(?:de|d['’]|of))?[\s-]*"
    rf"(?P<unit>{'|'.join(re.escape(u) for u in known_unit_words() if len(u) > 2)})(?![\w])",
    re.I,
)
# "a fifth of Ireland's electricity", "la moitié": a share written in words, in percent
FRACTIONS = LooseWords({
    "a tenth": 10.0, "one tenth": 10.0, "un dixième": 10.0, "a fifth": 20.0, "one fifth": 20.0,
    "un cinquième": 20.0, "a quarter": 25.0, "one quarter": 25.0, "un quart": 25.0,
    "a third": 100 / 3, "one third": 100 / 3, "un tiers": 100 / 3, "half": 50.0, "one half": 50.0,
    "la moitié": 50.0, "two thirds": 200 / 3, "deux tiers": 200 / 3, "three quarters": 75.0,
    "trois quarts": 75.0,
})  # fmt: skip
# "1/40 of a phone charge", "un millième de recharge": a part of one counted thing
PARTS = LooseWords({**{word: share / 100 for word, share in FRACTIONS.items()},
         "a hundredth": 0.01, "one hundredth": 0.01, "un centième": 0.01,
         "a thousandth": 0.001, "one thousandth": 0.001, "un millième": 0.001,
         "a millionth": 1e-6, "one millionth": 1e-6, "un millionième": 1e-6})  # fmt: skip
PART_OF_THING = compile_loose(
    r"(?:(?<![\w.,])(?P<num>\d+)\s*/\s*(?P<den>\d+)|"
    rf"(?<![\w])(?P<part>{'|'.join(sorted(map(re.escape, PARTS), key=len, reverse=True))}))"
    r"(?:\s+(?:of an?|of|d['’]une?|de la|de|d['’]))?\s*$",
    re.I,
)
FRACTION_OF_UNIT = compile_loose(
    rf"(?<![\w])(?P<fraction>{'|'.join(sorted(map(re.escape, FRACTIONS), key=len, reverse=True))})"
    rf"\s+(?:of an? |of|de|d['’])\s*"
    rf"(?P<unit>{'|'.join(re.escape(u) for u in known_unit_words() if len(u) > 2)})(?![\w])",
    re.I,
)
FRACTION = compile_loose(
    rf"(?<![\w])(?P<fraction>{'|'.join(sorted(map(re.escape, FRACTIONS), key=len, reverse=True))})"
    r"\s+(?:of|de|du|des|d['’])\b",
    re.I,
)
# "less than 0.5 mL", "même pas un demi-millilitre": a bound, not a value
# ("up to 22 %", "jusqu'à 326 TWh" name the top of a range: a value, compared as such.)
UPPER_BOUND = compile_loose(
    r"(?<!not )(?<!no )(?<!pas )"
    r"(?:less than|fewer than|under|below|not even|not more than|no more than|barely|"
    r"moins de|même pas|pas même|à peine|inférieure? à|<|≤)\s*(?:about |around |environ |près de )?$",
    re.I,
)
LOWER_BOUND = compile_loose(
    r"(?:more than|over|above|at least|no less than|not less than|pas moins de|plus de|au moins|"
    r"au minimum|"
    r"supérieure? à|>|≥)\s*(?:about |around |environ |près de )?$",
    re.I,
)
# "(not data centres)", "hors centres de données": a subject named to be set aside
NEGATED_BEFORE = compile_loose(
    r"(?:\bnot|\bnon|\bpas|\bhors|\bexcluding|\bexcept|\bsauf|\bsans|\bwithout)\s+"
    r"(?:the |les |des |de |d['’]|la |le |l['’])?$",
    re.I,
)
# "330 million ChatGPT prompts": a name between the number and what it counts
COUNTED_NOUNS = (
    "prompts", "requests", "queries", "questions", "requêtes", "households", "homes", "foyers",
    "ménages", "servers", "serveurs", "users", "utilisateurs",
)  # fmt: skip
NAMED_COUNT = compile_loose(
    rf"(?<![\w.,])(?P<number>{NUMBER})"
    rf"(?P<scale>\s*(?:{'|'.join(sorted({*SCALES_EN, *SCALES_FR} - {'m', 'k'}, key=len, reverse=True))})\b)?"
    r"\s+(?P<name>[^\W\d_][\w.-]+)\s+"  # "2.5bn chatgpt prompts" as chats type it
    rf"(?P<unit>{'|'.join(COUNTED_NOUNS)})\b",
)
# "2,5 Md de prompts/jour dont 330 M aux US": a part said with the whole's unit left implied
PART_OF = compile_loose(
    rf"\b(?:dont|including|of which|incl\.|among them|parmi eux|parmi elles)\s+"
    rf"(?:about |around |some |environ |près de |quelque )?"
    rf"(?P<number>{NUMBER.replace('(?P<', '(?P<p_')})"
    rf"(?P<scale>\s*(?:{'|'.join(sorted({*SCALES_EN, *SCALES_FR}, key=len, reverse=True))})\b\.?)?",
    re.I,
)
CLAUSE_END = compile_loose(r"[,;:()–—]|\s-\s")
# A clause after a figure that qualifies it ("0.26 mL, counting power-plant water"):
# its conditions are the figure's, unlike those of a clause saying something else.
QUALIFYING_CLAUSE = compile_loose(
    r"\s*(?:counting|including|excluding|not counting|with|without|only|for|on|at|measured|"
    r"en comptant|y compris|sans compter|hors|avec|sans|rien que|uniquement|seulement|pour|sur|"
    r"mesurée?s?|compté(?:e|s|es)?)\b",
    re.I,
)
RATIO_BEFORE = ratio_before_pattern()
SINGLE = compile_loose(
    r"\b(?:un seul|une seule|only one|a single|just one|one single)\s+"
    r"(?!(?:year|day|month|week|hour|an|année|jour|mois|semaine|heure)s?\b)(?P<unit>[\w-]+)",
    re.I,
)
GOOGLE_AFTER = compile_loose(
    r"[^.;]{0,40}?(?:recherches? (?:sur )?google|google search(?:es)?|web search(?:es)?)",
    re.IGNORECASE,
)
GOOGLE_COUNT = compile_loose(
    rf"(?<![\w.,])(?P<number>{NUMBER.replace('(?P<', '(?P<g_')})\s*"
    r"(?:recherches? (?:sur )?google|google search(?:es)?|web search(?:es)?)",
    re.I,
)
_COUNT_WORDS = "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True))
_SCALE_WORDS = "|".join(sorted({*SCALES_EN, *SCALES_FR}, key=len, reverse=True))
# "a phone charge", "3.3 billion phone charges", "33 milliards de recharges de tél": how many
# charges (one unless said), read as that many times the base's own phone-charge figure.
PHONE_CHARGE = compile_loose(
    rf"(?:(?<![\w.,])(?P<number>{NUMBER.replace('(?P<', '(?P<c_')})"
    rf"(?P<scale>\s*(?:{_SCALE_WORDS})\b\.?)?|\b(?P<word>{_COUNT_WORDS}))?\s*"
    r"(?:(?:de|d['’]|of)\s*)?(?:full\s+|complete\s+|entières?\s+|complètes?\s+)?"
    r"(?:(?:smart)?phone (?:re)?charges?|(?:re)?charges? (?:complètes? )?(?:de|d['’]une?|du|des) "
    r"(?:smartphones?|téléphones?|portables?|tél|tel|mobiles?)\b|charging a (?:smart)?phone)",
    re.I,
)
# "charging your phone 10 times", "recharger son téléphone dix fois": the count after the thing
PHONE_CHARGE_TIMES = compile_loose(
    r"\b(?:charg(?:e|es|ed|ing)|recharg\w*)\s+"
    r"(?:(?:your|a|the|my|one['’]s|their|his|her|son|sa|votre|ton|mon|un|le|leur)\s+)?"
    r"(?:smartphones?|phones?|téléphones?|portables?|mobiles?)\s+"
    rf"(?:(?P<number>{NUMBER.replace('(?P<', '(?P<c_')})(?P<scale>\s*(?:{_SCALE_WORDS})\b\.?)?"
    rf"|(?P<word>{_COUNT_WORDS}))\s*(?:times|fois)\b",
    re.I,
)
# "0.94 kWh, the same as an hour of Netflix": an amount said equal to hours of streaming,
# read as that many times the base's own figure for an hour of video streaming.
STREAMING_HOURS = compile_loose(
    r"\b(?:(?:about |roughly |basically |around |à peu près |environ )?(?:the same as|as much as|"
    r"equivalent to|equal to|comparable to|on par with|autant qu['’]|l['’]équivalent d['e’]|"
    r"équivalente? à|égale? à|comparable à|comme|soit|like))\s*"
    rf"(?:(?:an?|one|une?)\s+|(?P<number>{NUMBER.replace('(?P<', '(?P<s_')})\s*|"
    rf"(?P<word>{_COUNT_WORDS})\s+)"
    r"(?:hours? (?:of|de) (?:netflix|(?:video )?streaming|streaming video|youtube)|"
    r"heures? (?:de|d['’]) ?(?:netflix|streaming|vidéo en streaming|streaming vidéo|youtube))\b",
    re.I,
)
EVERY_N = compile_loose(
    rf"(?:\s+(?!for\b|pour\b|every\b|toutes\b|tous\b|chaque\b|each\b|per\b|par\b)[\w’'-]+){{0,4}}?"
    rf"\s*(?:,\s*)?(?:for every|every|for each|per|for|pour|toutes les|tous les|par tranche de|"
    rf"chaque|each)\s+(?P<number>{NUMBER.replace('(?P<', '(?P<n_')})"
    rf"(?:\s*(?:to|à|-|–|or|ou)\s*(?P<high>{NUMBER.replace('(?P<', '(?P<m_')}))?\s+"
    rf"(?:\w+\s+)?(?:{REQUEST_WORDS})\b",
    re.I,
)
# "between 2019 and 2024", "de 2017 à 2023", "from 2019 to 2024": the period a change spans
YEAR_SPAN = compile_loose(
    r"\b(?:between|from|since|entre|de|depuis)\s+(?P<since>(?:19[5-9]\d|20\d\d))\s*"
    r"(?:and|to|until|through|et|à|au|jusqu['’]en|-|–)\s*(?P<until>(?:19[5-9]\d|20\d\d))\b",
    re.I,
)
YEAR = compile_loose(r"(?<![\w.,])(?:19[5-9]\d|20\d\d)(?![\w]|[.,]\d)")
SENTENCE_END = compile_loose(r"(?<![A-Z])[.!?;](?=\s|$)|\n")
