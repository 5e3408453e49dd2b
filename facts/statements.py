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

This module finds the figures; :mod:`facts.scene` reads the scene around each
(its sentence, years, tense, "per" and measures).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from facts.measures import Measure
from facts.models import Per
from facts.numbers import number_value
from facts.scene import (
    AMOUNTS,
    Scene,
    future_tense,
    measures_near,
    per_at,
    said_per,
    sentence_of,
)
from facts.subjects import find_subjects
from facts.units import convert, unit_expression, unit_kind
from facts.wording import (
    EMISSION_UNITS,
    EMISSION_WORDS,
    EVERY_N,
    EVERY_WORD_PER,
    FACTOR_AGAIN,
    FACTOR_PHRASES,
    FIGURE,
    FRACTION,
    FRACTION_OF_UNIT,
    FRACTIONS,
    GOOGLE_AFTER,
    GOOGLE_COUNT,
    LOWER_BOUND,
    MONEY_BEFORE,
    MONEY_SCALES,
    NAMED_COUNT,
    NUMBER_WORDS,
    ONE_WORDS,
    PART_OF,
    PART_OF_THING,
    PARTS,
    PHONE_CHARGE,
    PHONE_CHARGE_TIMES,
    RATIO_BEFORE,
    RATIO_UNITS,
    SCALES_EN,
    SCALES_FR,
    SENTENCE_END,
    SINGLE,
    STREAMING_HOURS,
    UPPER_BOUND,
    WORD_FACTOR_AGAIN,
    WORD_FACTORS,
    WORD_FIGURE,
    WORD_SCALES,
    YEAR_SPAN,
    guess_language,
    word_factor,
)


class Derivation(StrEnum):
    """How a figure the statement does not write in a unit was derived."""

    google_searches = "google-searches"  # N × the energy of a Google search
    phone_charges = "phone-charges"  # N × the energy of a full smartphone charge
    per_requests = "per-requests"  # an amount for every N questions, divided by N
    per_day_to_year = "per-day-to-year"  # N a day is 365 × N a year (or the other way)
    households = "households"  # N × a year of a household's electricity (French, US)
    power_time = "power-time"  # a power drawn for a time: "a 10 W bulb for 2 minutes"
    streaming_hours = "streaming-hours"  # "the same as an hour of Netflix": N × that hour


# Derivations that count a thing of the base (searches, charges, hours of streaming, homes):
# the thing counted is the figure's unit, not what the figure is about.
COUNTED_THINGS = frozenset(
    {
        Derivation.google_searches,
        Derivation.phone_charges,
        Derivation.streaming_hours,
        Derivation.households,
    }
)


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
    bound: str | None = None  # "upper" ("less than 0.5 mL") or "lower" ("more than 10 Wh")
    shared_by: float | None = None  # the amount is for this many requests ("asking 10 questions")
    unit_of: str | None = None  # the subject whose base figure a derived amount multiplies
    span: tuple[int, int] | None = None  # "rose 48 % between 2019 and 2024": from, until

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


def _canonical_unit(unit: str) -> str:
    folded = unit.casefold()
    if folded in RATIO_UNITS:
        return "times"
    return unit


def extract_figures(text: str, language: str | None = None) -> list[StatedFigure]:
    """The figures ``text`` states, in order, each with what it may measure."""
    return _Reader(text, language or guess_language(text)).read()


UNBOUNDED = 1e6  # "more than X" reaches a million times X: far enough to hold any true value


class _Reader:
    """Reads one statement's figures; each pattern claims its span of the text once."""

    def __init__(self, text: str, language: str) -> None:
        self.text = text
        self.language = language
        self.scales = SCALES_FR if language == "fr" else SCALES_EN
        self.scene = Scene(text)
        self.found: list[StatedFigure] = []
        self.taken: list[tuple[int, int]] = []
        # "Llama 3.1 405B", "H100", "16 bits", "100 000 tokens": a number inside a name is no figure
        self.names = [
            (m.start, m.end) for m in find_subjects(text) if re.search(r"\d", text[m.start : m.end])
        ]

    def read(self) -> list[StatedFigure]:
        self._google_counts()
        self._phone_charge()  # before the figures: "3 recharges de téléphone" is no count alone
        self._streaming_hours()  # before the figures: "as much as 2 hours of Netflix" is no time
        self._money()  # before the figures: "$14T" is no tesla
        self._figures()
        self._factor_phrases()
        self._word_factors()
        self._named_counts()
        self._word_figures()
        self._fractions()
        self._ratios_before()
        self._singles()
        self._parts()
        figures = self._placed_in_time(sorted(self.found, key=lambda f: f.start))
        figures = self._energy_of_power([_household_amount(f) for f in figures])
        return self._scene_counts(figures)

    def _energy_of_power(self, figures: list[StatedFigure]) -> list[StatedFigure]:
        """ "A 10 W LED bulb left on for 2 minutes": that power for that time, an energy.

        The power stays a figure of its own (a bulb's rating); the duration is
        read into the energy and not checked alone.
        """
        out: list[StatedFigure] = []
        used: set[int] = set()
        for index, power in enumerate(figures):
            if index in used:
                continue
            out.append(power)
            if Measure.power not in power.measures or power.per is not None:
                continue
            following = figures[index + 1] if index + 1 < len(figures) else None
            if (
                following is None
                or Measure.duration not in following.measures
                or following.start - power.end > POWER_TIME_CHARS
                or not POWER_FOR.search(self.text[power.end : following.start])
            ):
                continue
            watts = convert(1.0, power.unit, "W")
            hours = convert(1.0, following.unit, "hours")
            if watts is None or hours is None:
                continue
            p_low, p_high = power.bounds
            d_low, d_high = following.bounds
            used.add(index + 1)
            out.append(
                replace(
                    power,
                    value=power.value * following.value * watts * hours,
                    unit="Wh",
                    low=p_low * d_low * watts * hours,
                    high=p_high * d_high * watts * hours,
                    text=self.text[power.start : following.end].strip(),
                    end=following.end,
                    measures=(Measure.energy,),
                    derivation=Derivation.power_time,
                    factor=following.value,
                )  # fmt: skip
            )
        return out

    def _from_to_starts(self, figures: list[StatedFigure]) -> set[int]:
        """Indices of figures that start a "from X to Y" said of a later year (X is today's)."""
        starts = set()
        for index in range(len(figures) - 1):
            first, second = figures[index], figures[index + 1]
            between = self.text[first.end : second.start]
            before = self.text[max(0, first.start - 25) : first.start]
            if (
                FROM_TO_BETWEEN.match(between)
                and FROM_BEFORE_START.search(before)
                and not first.years - second.years
                and set(first.measures) & set(second.measures)
                and (second.years or future_tense(self.scene.sentence(second.start)))
            ):
                starts.add(index)
        return starts

    def _scene_counts(self, figures: list[StatedFigure]) -> list[StatedFigure]:
        """A count of requests that sets the scene divides the amounts said beside it.

        "Asking ChatGPT 10 questions uses as much energy as 3 phone charges" says
        nothing of how many questions exist: it says what 10 of them use, so each
        uses a tenth. Such a count is small, said with no "per" and no scale word
        ("2.5 billion prompts a day" is a count to check); it is not checked
        itself, and each amount of its sentence not already said per something
        becomes an amount per request.
        """
        counts = [f for f in figures if _sets_the_scene(f)]
        shared: dict[int, float] = {}  # id of an amount -> how many requests it is for
        dropped: set[int] = set()
        for count in counts:
            sentence = self.scene.sentence(count.start)
            amounts = [
                f for f in figures
                if f is not count and id(f) not in dropped and not f.per_said
                and f.derivation is not Derivation.per_requests
                and AMOUNTS.intersection(f.measures)
                and self.scene.sentence(f.start) == sentence
            ]  # fmt: skip
            if amounts:
                dropped.add(id(count))
                shared.update({id(f): count.value for f in amounts})
        return [
            replace(f, per=Per.request, per_said=True, shared_by=shared[id(f)])
            if id(f) in shared
            else f
            for f in figures
            if id(f) not in dropped
        ]

    def _placed_in_time(self, figures: list[StatedFigure]) -> list[StatedFigure]:
        """Each figure's years: one said right after it is its own ("76 TWh in 2018 to
        176 TWh in 2023"); otherwise the nearest in its sentence that no other figure took."""
        own: dict[int, int] = {}  # figure index -> position of its year
        for index, figure in enumerate(figures):
            limit = figures[index + 1].start if index + 1 < len(figures) else len(self.text)
            position = self.scene.year_after(figure.end, limit)
            if position is not None:
                own[index] = position
        taken = frozenset(own.values())
        spans = [
            (m.start(), int(m["since"]), int(m["until"])) for m in YEAR_SPAN.finditer(self.text)
        ]
        figures = [
            replace(f, span=_span_of(f, spans, self.scene)) if CHANGES.intersection(f.measures)
            else f
            for f in figures
        ]  # fmt: skip
        starts = self._from_to_starts(figures)
        placed = []
        for index, figure in enumerate(figures):
            if index in starts:  # "de moins de 1 % à 6-7 % d'ici 2050": 1 % is today's
                placed.append(replace(figure, present=True, years=frozenset()))
            elif figure.present:
                placed.append(figure)
            elif index in own:
                year = next(y for y, p in self.scene.years if p == own[index])
                placed.append(replace(figure, years=frozenset({year})))
            else:
                placed.append(replace(figure, years=self.scene.years_at(figure.start, taken)))
        return placed

    # ---- positions ---------------------------------------------------------------------

    def named(self, start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in self.names)

    def free(self, start: int, end: int, number_only: tuple[int, int] | None = None) -> bool:
        """Whether nothing read yet overlaps, and no name holds the number."""
        unread = not any(start < e and s < end for s, e in self.taken)
        return unread and not self.named(*(number_only or (start, end)))

    def scaled(self, value: float, scale: str | None) -> float:
        word = (scale or "").strip().rstrip(".").casefold()
        return value * self.scales.get(word, 1.0)

    def add(self, start: int, end: int, value: float, unit: str, **details: object) -> None:
        """Record a figure at ``start:end`` with the years and "today" of its place."""
        details.setdefault("per", None)
        figure = StatedFigure(
            value=value, unit=unit, text=self.text[start:end].strip(), start=start, end=end,
            years=self.scene.years_at(start), present=self.scene.is_present(start),
            **details,  # type: ignore[arg-type]
        )  # fmt: skip
        self.found.append(figure)
        self.taken.append((start, end))

    def bounded(self, start: int, value: float, details: dict[str, object]) -> None:
        """ "less than 0.5 mL" is 0 to 0.5 mL; "more than 10 Wh" is 10 Wh or more."""
        before = self.text[max(0, start - 30) : start]
        if details.get("low") is not None:
            return
        if LOWER_BOUND.search(before):  # first: "pas moins de" is a floor, not a ceiling
            details.update(low=value, high=value * UNBOUNDED, bound="lower")
        elif UPPER_BOUND.search(before):
            details.update(low=0.0, high=value, bound="upper")

    def add_amount(self, start: int, end: int, value: float, unit: str, **details: object) -> None:
        """A figure whose "per" is read from its place (said next to it, or by its sentence)."""
        self.bounded(start, value, details)
        measures = measures_near(unit, self.text, start, end)
        per = per_at(self.text, end, self.scene.sentence(start), measures)
        said = said_per(self.text, end) is not None
        self.add(start, end, value, unit, per=per, measures=measures, per_said=said, **details)

    def add_google(self, start: int, end: int, searches: float) -> None:
        """ "10 Google searches", "ten times a Google search": energy derived per request."""
        self.add(
            start, end, searches, "google searches", per=Per.request, measures=(Measure.energy,),
            derivation=Derivation.google_searches, factor=searches,
        )  # fmt: skip

    def _emissions_before(self, start: int) -> bool:
        """Whether an emissions figure comes earlier in the sentence of ``start``."""
        sentence_start, _end = sentence_of(self.scene.spans, start)
        return any(
            Measure.emissions in figure.measures and sentence_start <= figure.start < start
            for figure in self.found
        )

    def _streaming_hours(self) -> None:
        """ "0.94 kWh, the same as an hour of Netflix": N hours of streaming, as an energy."""
        for match in STREAMING_HOURS.finditer(self.text):
            if not self.free(*match.span()):
                continue
            count = 1.0
            if match["s_mantissa"] is not None:
                count = self.number(match, "s_")
            elif match["word"] is not None:
                count = NUMBER_WORDS[match["word"]]
            if count <= 0:
                continue
            self.add(
                match.start(), match.end(), count, "streaming hours", measures=(Measure.energy,),
                derivation=Derivation.streaming_hours, factor=count,
            )  # fmt: skip

    def number(self, match: re.Match[str], prefix: str = "") -> float:
        return number_value(_renamed(match, prefix) if prefix else match, self.language)

    # ---- the patterns, in the order they claim the text ----------------------------------

    def _google_counts(self) -> None:
        for match in GOOGLE_COUNT.finditer(self.text):
            number_end = match.start() + len(match["number"])
            if self.free(*match.span(), number_only=(match.start(), number_end)):
                self.add_google(*match.span(), self.number(match, "g_"))

    def _figures(self) -> None:
        for match in FIGURE.finditer(self.text):
            if _year_then_figure(match):
                # "76 TWh in 2018 to 176 TWh in 2023": the year ends one figure's place;
                # what follows "to" is the next figure, never the top of a range from 2018.
                found = FIGURE.match(self.text, match.start("high"))
                if found is None:
                    continue
                match = found
            if self.free(*match.span(), number_only=match.span("number")):
                self._figure(match)

    def _figure(self, match: re.Match[str]) -> None:
        """A number (or range) and its unit: "415 TWh", "20 to 50 questions", "0,5 litre"."""
        text, unit_text = self.text, match["unit"]
        times_then_digit = re.match(r"\s*\d", text[match.end() :]) is not None
        if unit_text.casefold() in ("x", "×") and match["high"] is None and times_then_digit:
            return  # "3 x 10^9" is a number, read by NUMBER
        unit = _canonical_unit(unit_text)
        if unit_expression(unit) is None:
            return
        value = self.scaled(self.number(match), match["scale"])
        high = None
        if match["high"] is not None:
            high = self.scaled(self.number(match, "hi_"), match["hi_scale"] or match["scale"])
            if not match["scale"] and match["hi_scale"]:
                value = self.scaled(value, match["hi_scale"])
        if year_like(match["number"]) and high is None and unit_kind(unit) == "ratio":
            return
        start, end = match.span()
        if unit_kind(unit) == "[mass]" and (
            EMISSION_WORDS.match(text, end) or self._emissions_before(start)
        ):  # "645 t of CO2e"; "24.7 t CO2e, or 50 t once …": the earlier figure's kind
            unit = EMISSION_UNITS.get(unit_expression(unit) or "", unit)
        if unit == "times" and GOOGLE_AFTER.match(text, end):
            self.add_google(start, end, value)
            return
        low = high_value = None
        if high is not None:
            low, high_value = min(value, high), max(value, high)
            value = (low + high_value) / 2
        every = EVERY_N.match(text, end)
        if every is not None and unit_kind(unit) != unit_kind("prompts"):
            n_low = self.number(every, "n_")
            n_high = self.number(every, "m_") if every["high"] else n_low
            if n_low > 0 and n_high > 0:
                self._per_questions(match, value, low, high_value, unit, every, n_low, n_high)
                return
        if match["every"] is not None:  # "2.5 billion daily prompts": a count per day
            word = match["every"].casefold()
            per = next((v for k, v in EVERY_WORD_PER.items() if word.startswith(k)), None)
            if per is not None:
                details: dict[str, object] = {"low": low, "high": high_value}
                self.bounded(start, value, details)
                measures = measures_near(unit, text, start, end)
                self.add(start, end, value, unit, per=Per(per), per_said=True, measures=measures,
                         **details)  # fmt: skip
                return
        self.add_amount(start, end, value, unit, low=low, high=high_value)

    def _per_questions(
        self,
        match: re.Match[str],
        value: float,
        low: float | None,
        high: float | None,
        unit: str,
        every: re.Match[str],
        n_low: float,
        n_high: float,
    ) -> None:
        """ "500 mL for every 20 to 50 questions": 10–25 mL per question."""
        base_low, base_high = (
            (low, high) if low is not None and high is not None else (value, value)
        )
        fewest, most = min(n_low, n_high), max(n_low, n_high)
        low, high = base_low / most, base_high / fewest
        self.add(
            match.start(), every.end(), (low + high) / 2, unit, per=Per.request, low=low,
            high=high, measures=measures_near(unit, self.text, match.start(), match.end()),
            derivation=Derivation.per_requests, factor=fewest, factor_high=most, per_said=True,
        )  # fmt: skip

    def _money(self) -> None:
        for match in MONEY_BEFORE.finditer(self.text):
            if self.free(*match.span()):
                scale = (match["scale"] or "").strip().casefold()
                value = self.number(match, "d_")
                value = (
                    value * MONEY_SCALES[scale]
                    if scale in MONEY_SCALES
                    else self.scaled(value, scale)
                )
                self.add(*match.span(), value, "USD", measures=(Measure.cost,))

    def _later_in_sentence(self, pattern: re.Pattern[str], start: int) -> re.Match[str] | None:
        """``pattern`` after ``start``, before its sentence ends ("…, and by 44 …")."""
        end = SENTENCE_END.search(self.text, start)
        return pattern.search(self.text, start, end.start() if end else len(self.text))

    def _factor_phrases(self) -> None:
        for match in FACTOR_PHRASES.finditer(self.text):
            if self.free(*match.span()):
                self.add(
                    *match.span(), self.number(match, "f_"), "times", measures=(Measure.factor,)
                )
            again = self._later_in_sentence(FACTOR_AGAIN, match.end())
            if again and self.free(*again.span("number")):
                self.add(
                    *again.span("number"), self.number(again, "f_"), "times",
                    measures=(Measure.factor,),
                )  # fmt: skip

    def _word_factors(self) -> None:
        for match in WORD_FACTORS.finditer(self.text):
            if self.free(*match.span()):
                value = word_factor(match["word"])
                self.add(*match.span(), value, "times", measures=(Measure.factor,))
                if not re.search(r"\b(?:par|by)\b", match["word"]):
                    continue  # "doubled": no second factor follows with its verb unsaid
                again = self._later_in_sentence(WORD_FACTOR_AGAIN, match.end())
                if again and self.free(*again.span("said")):
                    value = float(NUMBER_WORDS[again["word"]])
                    self.add(*again.span("said"), value, "times", measures=(Measure.factor,))

    def _word_figures(self) -> None:
        """ "ten times a Google search", "un demi-litre", "a million households"."""
        for match in WORD_FIGURE.finditer(self.text):
            word = " ".join(match["word"].casefold().split())
            unit = match["unit"]
            if not self.free(*match.span(), number_only=match.span("word")):
                continue
            if unit_expression(unit) is None:
                continue
            counted_unit = unit_kind(unit) == "[length] ** 3" or unit.casefold() in TENS_OF_UNITS
            if word in ONE_WORDS and not match["wscale"] and not counted_unit:
                continue  # "a Google search", "une heure": not a figure; "un litre", "une décennie" are
            value = NUMBER_WORDS[word] * (0.5 if match["demi"] else 1.0)
            if match["wscale"]:
                value = (value + (0.5 if match["half"] else 0.0)) * WORD_SCALES[
                    match["wscale"].casefold()
                ]
            if unit_kind(unit) == "ratio" and GOOGLE_AFTER.match(self.text, match.end()):
                self.add_google(*match.span(), value)
            else:
                self.add_amount(*match.span(), value, unit)

    def _named_counts(self) -> None:
        """ "330 million ChatGPT prompts a day"."""
        for match in NAMED_COUNT.finditer(self.text):
            if year_like(match["number"]) and not match["scale"]:
                continue  # "In 2025 ChatGPT prompts …": a year, not a count
            if self.free(*match.span(), number_only=match.span("number")):
                value = self.scaled(self.number(match), match["scale"])
                self.add_amount(*match.span(), value, match["unit"])

    def _fractions(self) -> None:
        """ "un tiers de wattheure": a third of the unit; "a fifth of Ireland's electricity": 20 %."""
        for match in FRACTION_OF_UNIT.finditer(self.text):
            fraction = FRACTIONS[match["fraction"]] / 100
            known = unit_expression(match["unit"]) is not None
            if known and self.free(*match.span(), number_only=match.span("fraction")):
                self.add_amount(*match.span(), fraction, match["unit"])
        for match in FRACTION.finditer(self.text):
            if self.free(*match.span()):
                value = FRACTIONS[match["fraction"]]
                self.add_amount(match.start(), match.end(), value, "%")

    def _ratios_before(self) -> None:
        """ "× 10", "x10": a factor written before its number."""
        for match in RATIO_BEFORE.finditer(self.text):
            if not self.free(*match.span()):
                continue
            value = self.number(match, "r_")
            if GOOGLE_AFTER.match(self.text, match.end()):
                self.add_google(*match.span(), value)
            else:
                self.add(*match.span(), value, "times", measures=(Measure.factor,))

    def _parts(self) -> None:
        """ "2,5 Md de prompts/jour dont 330 M aux US": a part in the whole's unit, left implied."""
        for match in PART_OF.finditer(self.text):
            start = match.start("number")
            if not self.free(start, match.end()):
                continue
            following = re.match(r"\s*([^\W\d_][\w./-]*)", self.text[match.end() :])
            if following and unit_expression(following.group(1)) is not None:
                continue  # "dont 330 TWh": its own unit, read as any figure
            whole = max(
                (f for f in self.found if f.end <= match.start()), key=lambda f: f.end, default=None
            )
            if whole is None or whole.derivation is not None:
                continue
            value = self.scaled(self.number(match, "p_"), match["scale"])
            measures = measures_near(
                whole.unit, self.text, start, match.end()
            )  # "dont 13 B actifs"
            self.add(
                start, match.end(), value, whole.unit, per=whole.per, per_said=whole.per_said,
                measures=measures,
            )  # fmt: skip

    def _singles(self) -> None:
        """ "only one expert", "un seul expert"."""
        for match in SINGLE.finditer(self.text):
            if self.free(*match.span()) and unit_expression(match["unit"]) is not None:
                self.add_amount(*match.span(), 1.0, match["unit"])

    def _phone_charge(self) -> None:
        """ "as much as 3 phone charges": that many times the base's phone-charge energy.

        One charge said beside an energy restates it ("14.9 Wh, a phone charge") and
        is not read again; a counted one is a figure of its own ("50 GWh, 3.3 billion
        charges"), also compared as a count where the base holds one.
        """
        energy = unit_kind("Wh")
        energy_written = any(
            unit_kind(_canonical_unit(m["unit"])) == energy for m in FIGURE.finditer(self.text)
        )
        matches = [*PHONE_CHARGE.finditer(self.text), *PHONE_CHARGE_TIMES.finditer(self.text)]
        for match in sorted(matches, key=lambda m: (m.start(), -m.end())):
            if not self.free(*match.span()):
                continue
            count, start = 1.0, match.start()
            if match["c_mantissa"] is not None:
                count = self.scaled(self.number(match, "c_"), match["scale"])
            elif match["word"] is not None:
                count = NUMBER_WORDS[match["word"]]
            if match["c_mantissa"] is None and count == 1:
                part = PART_OF_THING.search(self.text, max(0, start - 30), start)
                if part is not None:  # "1/40 of a phone charge": a part of one
                    count, start = _part(part), part.start()
            if count <= 0 or (count == 1 and energy_written) or not self.free(start, match.end()):
                continue
            if SHARE_BEFORE.search(self.text[max(0, match.start() - 12) : match.start()]):
                continue  # "3 % of a phone charge": the whole a share is of, not an amount
            per = per_at(
                self.text, match.end(), self.scene.sentence(match.start()), (Measure.energy,)
            )
            self.add(
                start, match.end(), count, "charges", per=per,
                measures=(Measure.energy, Measure.counted), derivation=Derivation.phone_charges,
                factor=count,
            )  # fmt: skip


def _part(match: re.Match[str]) -> float:
    """The part "1/40" or "un millième" says, as a number (0.025, 0.001)."""
    if match["part"] is not None:
        return PARTS[match["part"]]
    denominator = int(match["den"])
    return int(match["num"]) / denominator if denominator else 0.0


TENS_OF_UNITS = frozenset({"decade", "décennie", "decennie"})  # one of them is ten years
SHARE_BEFORE = re.compile(r"%\s*(?:of|de|d['’]|du)?\s*$", re.I)
SCENE_COUNT_BELOW = 100_000  # "asking 10 questions"; "a billion prompts" is a count to check


def _sets_the_scene(figure: StatedFigure) -> bool:
    """A small count of requests said with no "per": how many someone asks, not how many exist."""
    return (
        Measure.requests in figure.measures
        and figure.per is None
        and figure.derivation is None
        and 0 < figure.value < SCENE_COUNT_BELOW
        and figure.low is None
        and not year_like(figure.text.split()[0])  # "In 2025 ChatGPT prompts …": a year
    )


HOME_COUNTRIES = (
    (re.compile(r"\b(?:french|fran[çc]ais\w*|en france|fr)\b", re.I), "fr-household"),
    (re.compile(r"\b(?:american|am[ée]ricain\w*|us|u\.s\.|aux [ée]tats-unis)\b", re.I),
     "us-household"),
)  # fmt: skip


def _household_amount(figure: StatedFigure) -> StatedFigure:
    """ "11,000 French homes": also what they use in a year, from the base's figure for one.

    Only where the homes' country is said: a French home uses about half what a US
    one does, so "100,000 homes" alone is a count, never an amount.
    """
    if Measure.households not in figure.measures or figure.derivation is not None:
        return figure
    for pattern, subject in HOME_COUNTRIES:
        if pattern.search(figure.text):
            return replace(
                figure, measures=(*figure.measures, Measure.energy), per=None, per_said=False,
                derivation=Derivation.households, factor=figure.value, unit_of=subject,
            )  # fmt: skip
    return figure


CHANGES = frozenset({Measure.change, Measure.factor})
POWER_TIME_CHARS = 60  # "a 10 W LED bulb left on for about 2 minutes"
POWER_FOR = re.compile(r"\b(?:for|during|pendant|durant|over|sur)\b", re.I)
FROM_TO_BETWEEN = re.compile(r"^\s*(?:to|à|a|au|jusqu['’]à)\s*$", re.I)
FROM_BEFORE_START = re.compile(
    r"\b(?:from|de|d['’]|passer\w* de|go\w* from)\s*(?:less than |under |moins de |about |"
    r"around |environ |près de )?$",
    re.I,
)


def _span_of(
    figure: StatedFigure, spans: list[tuple[int, int, int]], scene: Scene
) -> tuple[int, int] | None:
    """The period a change said in the figure's sentence spans, if one is said."""
    sentence = scene.sentence(figure.start)
    for position, since, until in spans:
        if scene.sentence(position) == sentence:
            return since, until
    return None


def year_like(number: str) -> bool:
    return re.fullmatch(r"(?:19[5-9]\d|20\d\d)", number.strip()) is not None


def _year_then_figure(match: re.Match[str]) -> bool:
    """A "range" from a year to a figure: ``2015 and 18 %``, ``2021 to 52.5 Mt``."""
    return (
        match["high"] is not None
        and not match["scale"]
        and year_like(match["number"])
        and not year_like(match["high"])
    )


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
