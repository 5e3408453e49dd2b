"""Plain-text pieces shared by replies: impacts, models, machines, equivalents, sources.

Every number goes through :mod:`bot.foundation.formatting` (Babel, per locale) and every
phrase through gettext, so a French reply reads ``0,25–0,41 Wh`` and an English
one ``0.25–0.41 Wh``.
"""

from __future__ import annotations

from functools import lru_cache

from bot.foundation.formatting import NumberFormat, number_format
from bot.foundation.i18n import N_, _, current_language, ngettext
from bot.foundation.sources import Source
from bot.measuring.catalog import ModelInfo, ParameterCount
from bot.measuring.energy import Impacts, Range
from bot.measuring.equivalents import EquivalentValue
from bot.measuring.machines import MachineFit

# (threshold, divisor, unit): above 1,000 Wh say kWh, and so on.
_UNITS = {
    "energy_wh": ((1_000_000.0, 1_000_000.0, "MWh"), (1_000.0, 1_000.0, "kWh"), (0.0, 1.0, "Wh")),
    "gwp_g": (
        (1_000_000.0, 1_000_000.0, "tCO₂e"),
        (1_000.0, 1_000.0, "kgCO₂e"),
        (0.0, 1.0, "gCO₂e"),
    ),
    "water_ml": ((1_000_000.0, 1_000_000.0, "m³"), (1_000.0, 1_000.0, "L"), (0.0, 1.0, "mL")),
}


def quantity(kind: str, value: Range, fmt: NumberFormat | None = None) -> str:
    """Format an impact range with a unit that keeps the numbers short."""
    fmt = fmt or number_format()
    for threshold, divisor, unit in _UNITS[kind]:
        if value.high >= threshold:
            return f"{fmt.range(value.low / divisor, value.high / divisor)} {unit}"
    raise AssertionError("unreachable: the last threshold is 0")


def impact_lines(impacts: Impacts) -> list[str]:
    """Three lines: energy, greenhouse gases, water."""
    fmt = number_format()
    return [
        _("Energy: {value}").format(value=quantity("energy_wh", impacts.energy_wh, fmt)),
        _("Greenhouse gases: {value}").format(value=quantity("gwp_g", impacts.gwp_g, fmt)),
        _("Water: {value}").format(value=quantity("water_ml", impacts.water_ml, fmt)),
    ]


def impacts_inline(impacts: Impacts) -> str:
    """The three impacts on one line, for side-by-side comparisons."""
    fmt = number_format()
    return " · ".join(
        (
            quantity("energy_wh", impacts.energy_wh, fmt),
            quantity("gwp_g", impacts.gwp_g, fmt),
            quantity("water_ml", impacts.water_ml, fmt),
        )
    )


def billions(count: ParameterCount, fmt: NumberFormat) -> str:
    if count.low == count.high:
        return fmt.decimal(count.low)
    return f"{fmt.decimal(count.low)}–{fmt.decimal(count.high)}"


_descriptions: dict[tuple[str, str], str] = {}


def describe_model(model: ModelInfo) -> str:
    """Architecture and size as EcoLogits records them, in plain words.

    Cached per model and language: the description never changes.
    """
    key = (model.key, current_language())
    text = _descriptions.get(key)
    if text is None:
        text = _descriptions[key] = _describe_model(model)
    return text


def _describe_model(model: ModelInfo) -> str:
    fmt = number_format()
    if model.is_moe:
        text = _(
            "mixture of experts, {total} billion parameters in memory, "
            "{active} billion active for each token"
        ).format(
            total=billions(model.total_parameters, fmt),
            active=billions(model.active_parameters, fmt),
        )
    else:
        text = _("dense, {total} billion parameters, all active for each token").format(
            total=billions(model.total_parameters, fmt)
        )
    if "model-arch-not-released" in model.warnings:
        text += " " + _("(EcoLogits’ estimate: the provider has not published the architecture)")
    return text


def describe_machine(fit: MachineFit) -> str:
    """The smallest machine that holds the model, and the memory it needs."""
    fmt = number_format()
    memory = fmt.significant(fit.required_gb, 2)
    if fit.machine is None:
        return _("needs about {memory} GB of memory: several servers").format(memory=memory)
    return _("needs about {memory} GB of memory: fits {machine}").format(
        memory=memory, machine=fit.machine.label_for(current_language())
    )


def equivalent_phrase(item: EquivalentValue) -> str:
    """``9.4–16 seconds of television``, with the plural the number calls for."""
    fmt = number_format()
    category = fmt.plural_form(item.value.high)
    label = item.equivalent.label_for(current_language(), category)
    return label.format(value=fmt.range(item.value.low, item.value.high))


def equivalents_line(items: list[EquivalentValue]) -> str | None:
    if not items:
        return None
    phrases = [equivalent_phrase(item) for item in items]
    return _("That is about {equivalents}.").format(equivalents=_(" or ").join(phrases))


def source_line(sources: list[Source]) -> str | None:
    """``Sources: US DOE (2020-12-11) https://…`` for the figures a reply used."""
    if not sources:
        return None
    seen: list[str] = []
    parts = []
    for source in sources:
        url = str(source.url)
        if url in seen:
            continue
        seen.append(url)
        date = source.date or _("date not checked")
        parts.append(f"{source.publisher} ({date}) {url}")
    return ngettext("Source: {sources}", "Sources: {sources}", len(parts)).format(
        sources=_("; ").join(parts)
    )


def token_count_phrase(tokens: int, exact: bool, encoding: str, short: bool = False) -> str:
    fmt = number_format()
    if exact:
        return ngettext("{count} token", "{count} tokens", tokens).format(count=fmt.integer(tokens))
    if short:
        return ngettext(
            "≈{count} token, approximate", "≈{count} tokens, approximate", tokens
        ).format(count=fmt.integer(tokens))
    return ngettext(
        "≈{count} token (approximate: counted with {encoding}, this model’s own "
        "tokenizer is not available offline)",
        "≈{count} tokens (approximate: counted with {encoding}, this model’s own "
        "tokenizer is not available offline)",
        tokens,
    ).format(count=fmt.integer(tokens), encoding=encoding)


WARNING_TEXTS = {
    "model-arch-not-released": N_("architecture not published"),
    "model-arch-multimodal": N_("multimodal model"),
}


def warnings_line(codes: tuple[str, ...]) -> str | None:
    """EcoLogits' warnings about a model, as one localized sentence."""
    return _warnings_line(codes, current_language())


@lru_cache(maxsize=256)
def _warnings_line(codes: tuple[str, ...], language: str) -> str | None:
    from babel.lists import format_list

    texts = [_(WARNING_TEXTS[code]) for code in codes if code in WARNING_TEXTS]
    if not texts:
        return None
    return _("EcoLogits warns of lower precision: {warnings}.").format(
        warnings=format_list(texts, locale=language)
    )
