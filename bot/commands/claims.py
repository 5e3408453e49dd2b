"""Plain-text rendering of claims for /fact and /check, in the reader's language."""

from __future__ import annotations

from bot.foundation.amounts import amount_text
from bot.foundation.i18n import N_, _, current_language
from bot.settings import Settings
from facts.exchange import claim_url
from facts.measures import MEASURE_LABELS, Measure
from facts.models import Claim, ClaimSource, Figure, Per, Quantity
from facts.subjects import share_of, split_tag, subject_label
from facts.vocabulary import status_label, topic_label

PER_LABELS = {
    Per.request: N_("per request"),
    Per.day: N_("per day"),
    Per.year: N_("per year"),
    Per.training: N_("per training run"),
    Per.hour: N_("per hour"),
    Per.token: N_("per token"),
    Per.total: "",
}


def figure_text(figure: Figure) -> str:
    """``0.25–0.41 Wh per request``, ``9.3 trillion L per year``, in the reader's words."""
    low, high = figure.bounds
    per = _(PER_LABELS[figure.per]) if PER_LABELS[figure.per] else ""
    whole = None
    if isinstance(figure, Quantity) and figure.measure is Measure.share:
        whole = share_of(figure.subject, current_language())  # "1.5 % of electricity"
    return " ".join(
        part for part in (amount_text(figure.value, figure.unit, low, high), whole, per) if part
    )


def quantity_details(quantity: Quantity) -> tuple[str, list[str], str]:
    """What a figure measures, what it is about and when, in the reader's words.

    ``("energy used", ["ChatGPT"], "2024")``; subjects a share is of are said by
    the figure itself ("1.5 % of electricity"), and optional ones go unsaid.
    """
    language = current_language()
    shown_as_whole = (
        share_of(quantity.subject, language) if quantity.measure is Measure.share else None
    )
    about = [
        subject_label(tag, language)
        for tag, optional in (split_tag(raw) for raw in quantity.subject)
        if not optional and not (shown_as_whole and share_of([tag], language))
    ]
    period = ""
    if quantity.year is not None and quantity.since is not None:
        period = f"{quantity.since}–{quantity.year}"
    elif quantity.year is not None:
        period = str(quantity.year)
    elif quantity.since is not None:
        period = _("from {year}").format(year=quantity.since)
    return _(MEASURE_LABELS[quantity.measure]), about, period


def source_text(source: ClaimSource) -> str:
    """``publisher, “title”, date — link``: what a reader needs to find the source.

    The source's note is for moderators (what was read, what was not checked)
    and stays in the exports and in ``/fact history``, not in chat replies.
    """
    date = source.date or _("undated")
    text = f"{source.byline}, “{source.title}”, {date}"
    if source.url is not None:
        text += f" — {source.url}"
    return text


def claim_line(claim: Claim) -> str:
    """One line for lists: id, status, figure, and who published it when."""
    source = claim.sources[0]
    date = source.date or _("date not checked")
    return (
        f"• {claim.id} [{status_label(claim.status)}] — {figure_text(claim.figure)}"
        f" — {source.byline} ({date})"
    )


def page_of(settings: Settings, claim_id: str, language: str) -> str | None:
    """The claim's public page in ``language``, when ``[web] public_url`` is set."""
    base = settings.web.base_url
    return claim_url(base, claim_id, language) if base else None


def page_line(url: str) -> str:
    """The line that links a claim's page: the address alone after its label, never cut."""
    return _("On the web: {url}").format(url=url)


def claim_text(claim: Claim, with_all_sources: bool = False, page: str | None = None) -> str:
    """A claim as a reply: status, statement, figure, explanation, source(s), its page."""
    language = current_language()
    lines = [
        f"[{status_label(claim.status)}] {claim.statement.pick(language)}",
        _("Figure: {figure}").format(figure=figure_text(claim.figure)),
    ]
    if claim.explanation is not None:
        lines.append(
            _("Why {status}: {explanation}").format(
                status=status_label(claim.status), explanation=claim.explanation.pick(language)
            )
        )
    if claim.corrected_by:
        lines.append(_("Current figure: /fact {id}").format(id=claim.corrected_by))
    sources = claim.sources if with_all_sources else claim.sources[:1]
    for source in sources:
        lines.append(_("Source: {source}").format(source=source_text(source)))
    if len(claim.sources) > len(sources):
        lines.append(
            _("{count} more sources: /fact sources {id}").format(
                count=len(claim.sources) - len(sources), id=claim.id
            )
        )
    if page:
        lines.append(page_line(page))
    lines.append(f"id: {claim.id} · {topic_label(claim.topic)}")
    return "\n".join(lines)


def claim_links(claim: Claim) -> tuple[tuple[str, str], ...]:
    return tuple((s.publisher, str(s.url)) for s in claim.sources if s.url is not None)
