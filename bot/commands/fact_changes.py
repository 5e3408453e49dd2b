"""How the chat words changes to claims: diffs, proposals in full, and a claim's history.

The data comes from :mod:`facts.changes` (the web desk renders the same);
this module only words it, in the reader's language: field names as a
moderator types them (``valeur``, ``unité``), values as readers read them
(numbers per locale, topics and statuses by their names), and each audited
action by what it did, never its stored code.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.commands.claims import figure_text, quantity_details, source_text
from bot.foundation.amounts import plain_number
from bot.foundation.i18n import N_, _, current_language, ngettext
from facts.changes import FieldChange, ProposalView, history_changes
from facts.fields import field_label
from facts.measures import MEASURE_LABELS, Measure
from facts.models import SEED_AUTHOR, ClaimContent, Per, Quantity, Status, Topic
from facts.store import AuditEntry
from facts.vocabulary import per_word, status_label, topic_label

NOTHING = "—"
TEXT_CHARS = 400  # of one value in a diff line; statements and explanations are this long at most

ACTION_LABELS: dict[str, str] = {
    "seed-add": N_("added with Wattson’s base"),
    "seed-upgrade": N_("updated by a new release of Wattson’s base"),
    "seed-upgrade-skipped": N_("a new release’s update not applied: a moderator’s version is kept"),
    "add": N_("added"),
    "edit": N_("edited"),
    "retract": N_("retracted"),
    "restore": N_("restored"),
    "import": N_("imported from a file"),
    "approve": N_("proposal approved"),
    "rename": N_("id changed"),
    "rename-reference": N_("the claim named as its correction changed its id"),
}
# Reasons Wattson itself writes in the log, said by the action's label already.
SELF_EXPLAINED = frozenset({"seed-upgrade-skipped"})


def when(moment: datetime) -> str:
    """``2026-12-05 10:02 UTC``: one form in every language, sortable, unambiguous."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def who(actor: str) -> str | None:
    """The author as the log names them (``telegram:42``); none for Wattson's own base,
    whose actions say so (``added with Wattson's base``)."""
    return None if actor == SEED_AUTHOR else actor


def action_label(action: str) -> str:
    """What an audited action did, in the reader's language."""
    label = ACTION_LABELS.get(action)
    return _(label) if label else _("changed")


# ---- values and differences --------------------------------------------------------


def value_text(field: str, value: Any) -> str:
    """A field's value as the reader reads it: ``0,26``, ``eau``, ``vérifié``, ``an``."""
    if value is None:
        return NOTHING
    leaf = field.rpartition(".")[2]
    try:
        if field == "topic":
            return topic_label(Topic(value))
        if field == "status":
            return status_label(Status(value))
        if leaf == "per" and field.startswith("quantities"):
            return per_word(Per(value))
        if leaf == "measure":
            return _(MEASURE_LABELS[Measure(value)])
    except (ValueError, KeyError):
        pass  # an old entry with a value since renamed: shown as stored
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return plain_number(float(value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or NOTHING
    text = " ".join(str(value).split())
    return text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…"


def change_label(change: FieldChange) -> str:
    """The changed field as typed (``valeur``), with the figure or source it belongs to."""
    label = (
        _("compared by /check") if change.field == "quantities.checkable" else None
    ) or field_label(change.field)
    if change.index is None:
        return label
    if change.field.startswith("quantities"):
        return _("figure {number}, {field}").format(number=change.index + 1, field=label)
    return _("source {number}, {field}").format(number=change.index + 1, field=label)


def change_lines(changes: list[FieldChange] | tuple[FieldChange, ...], indent: str) -> list[str]:
    """``• valeur: 415 → 1``, one line per changed field."""
    return [
        indent
        + "• "
        + _("{field}: {before} → {after}").format(
            field=change_label(c),
            before=value_text(c.field, c.before),
            after=value_text(c.field, c.after),
        )
        for c in changes
    ]


# ---- proposals -------------------------------------------------------------------


def quantity_line(quantity: Quantity) -> str:
    """``1 TWh per year — energy used — about data centres — 2024``."""
    measure, about, period = quantity_details(quantity)
    parts = [figure_text(quantity), measure]
    if about:
        parts.append(_("about {subjects}").format(subjects=", ".join(about)))
    if period:
        parts.append(period)
    return " — ".join(parts)


def content_lines(content: ClaimContent, indent: str) -> list[str]:
    """A proposed claim whole: status, both statements, every figure and every source."""
    lines = [
        _("status: {status} · topic: {topic}").format(
            status=status_label(content.status), topic=topic_label(content.topic)
        ),
        f"en: {content.statement.en}",
        f"fr: {content.statement.fr}",
    ]
    for number, quantity in enumerate(content.quantities, start=1):
        lines.append(
            _("Figure {number}: {figure}").format(number=number, figure=quantity_line(quantity))
        )
    for number, source in enumerate(content.sources, start=1):
        lines.append(
            _("Source {number}: {source}").format(number=number, source=source_text(source))
        )
    if content.explanation is not None:
        lines.append(f"{field_label('explanation.en')}: {content.explanation.en}")
        lines.append(f"{field_label('explanation.fr')}: {content.explanation.fr}")
    if content.corrected_by:
        lines.append(f"{field_label('corrected_by')}: {content.corrected_by}")
    if content.keywords:
        lines.append(f"{field_label('keywords')}: {', '.join(content.keywords)}")
    return [indent + line for line in lines]


def proposal_lines(view: ProposalView) -> list[str]:
    """One proposal as a moderator must see it: what it changes, then all it says."""
    proposal = view.proposal
    heading = (
        _("#{number} · new claim {id} · proposed by {author} on {date}")
        if view.kind == "new"
        else _("#{number} · edit of {id} · proposed by {author} on {date}")
    )
    lines = [
        heading.format(
            number=proposal.id,
            id=proposal.claim_id,
            author=proposal.proposed_by,
            date=when(proposal.proposed_at),
        )
    ]
    indent = "   "
    if view.clashes:
        others = ", ".join(f"#{number}" for number in view.clashes)
        lines.append(
            indent
            + ngettext(
                "⚠ Clash: proposal {others} is also for {id}; approving one makes the other"
                " show its changes again before it can be approved.",
                "⚠ Clash: proposals {others} are also for {id}; approving one makes the others"
                " show their changes again before they can be approved.",
                len(view.clashes),
            ).format(others=others, id=proposal.claim_id)
        )
    if view.changed_since_proposed and view.current is not None:
        lines.append(
            indent
            + _(
                "⚠ {id} changed after this proposal was written: the changes below are"
                " against the claim as it is now."
            ).format(id=proposal.claim_id)
        )
    if view.current is not None and view.current.retracted:
        lines.append(
            indent + _("{id} is retracted: approving restores it.").format(id=proposal.claim_id)
        )
    if view.kind == "edit":
        if view.changes:
            lines.append(indent + _("Changes (now → proposed):"))
            lines += change_lines(view.changes, indent)
        else:
            lines.append(indent + _("No change: it says exactly what the claim says now."))
    lines.append(indent + _("Proposed claim:"))
    lines += content_lines(proposal.content, indent + "  ")
    lines.append(
        indent
        + _("/fact approve {number} · /fact reject {number} REASON").format(number=proposal.id)
    )
    return lines


# ---- history ---------------------------------------------------------------------


def day(moment: datetime) -> str:
    """``5 December 2026``, ``5 décembre 2026``: a date in the reader's words."""
    from babel.dates import format_date

    return format_date(moment.astimezone(UTC).date(), format="long", locale=current_language())


def former_id(entry: AuditEntry) -> str | None:
    """The id a renamed claim had before this entry (``None``: the entry is no rename)."""
    if entry.action != "rename" or entry.before is None:
        return None
    return str(entry.before.get("id") or "") or None


def entry_label(entry: AuditEntry) -> str:
    """What the entry did; a rename says the former id (``id changed, formerly seed-…``)."""
    former = former_id(entry)
    if former is not None:
        return _("id changed, formerly {id}").format(id=former)
    return action_label(entry.action)


def history_lines(entries: list[AuditEntry]) -> list[str]:
    """Each change: when, what was done, by whom, why, and the fields before → after."""
    lines: list[str] = []
    for entry in entries:
        author = who(entry.actor)
        line = f"• {when(entry.at)} — {entry_label(entry)}"
        line += f" — {author}" if author else ""
        if entry.reason and entry.action not in SELF_EXPLAINED:
            line += f" — {entry.reason}"
        lines.append(line)
        changes = history_changes(entry)
        if former_id(entry) is not None:
            changes = [change for change in changes if change.field != "id"]  # said above
        lines += change_lines(changes, "   ")
    return lines
