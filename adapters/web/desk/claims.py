"""Claims on the desk: a form to add or edit one, retraction with a reason, history with diffs.

The form has one input per field a moderator types in the chat (``unit``,
``publisher``…), and what it sends is read by the same function as ``/fact
add`` and ``/fact edit`` (:func:`facts.fields.read_claim`, the claim model's
pydantic validation): an edit sends only the fields changed, as ``/fact edit
ID key: value`` would. Each problem is shown beside its field, in the
reader's language, and nothing is written while one remains.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from adapters.web.desk.changes import change_rows
from adapters.web.desk.sessions import Desk, logged, posted, refusal, see_other, show, signed_in
from adapters.web.render import Page
from adapters.web.site import SITE, Site
from bot.foundation.i18n import N_, _, use_language
from bot.messages import ChatRef, Reply, Request, UserRef
from facts.changes import history_changes
from facts.fields import ClaimValidationError, field_label, read_claim
from facts.measures import Measure
from facts.models import CLAIM_ID_PATTERN, ClaimContent, Per, Status, Topic
from facts.store import ClaimExistsError, UnknownCorrectionError
from facts.vocabulary import per_word, status_label, topic_label

# The fields of the form, as the chat commands name them, and where the model keeps each.
FIELD_PATHS: dict[str, str] = {
    "id": "id", "topic": "topic", "status": "status",
    "en": "statement.en", "fr": "statement.fr",
    "value": "quantities.value", "unit": "quantities.unit", "low": "quantities.low",
    "high": "quantities.high", "per": "quantities.per", "measure": "quantities.measure",
    "subject": "quantities.subject", "year": "quantities.year", "since": "quantities.since",
    "url": "sources.url", "publisher": "sources.publisher", "title": "sources.title",
    "date": "sources.date", "quote": "sources.quote",
    "explanation_en": "explanation.en", "explanation_fr": "explanation.fr",
    "corrected_by": "corrected_by", "keywords": "keywords",
}  # fmt: skip
PATH_FIELDS = {path: key for key, path in FIELD_PATHS.items()} | {
    "statement": "en", "explanation": "explanation_en", "sources": "url", "quantities": "value",
    "figure.value": "value", "figure.unit": "unit", "figure.low": "low", "figure.high": "high",
    "figure.per": "per",
}  # fmt: skip
LONG_FIELDS = frozenset({"en", "fr", "explanation_en", "explanation_fr", "quote"})
DESK_CHAT = ChatRef(platform="web", id="desk")  # where desk actions are counted


def number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def claim_fields(content: ClaimContent) -> dict[str, str]:
    """A claim as the form's fields: what ``/fact add`` would be given to write it again."""
    quantity, source = content.quantities[0], content.sources[0]
    explanation = content.explanation
    return {
        "id": content.id,
        "topic": content.topic.value,
        "status": content.status.value,
        "en": content.statement.en,
        "fr": content.statement.fr,
        "value": number_text(quantity.value),
        "unit": quantity.unit,
        "low": number_text(quantity.low),
        "high": number_text(quantity.high),
        "per": quantity.per.value,
        "measure": quantity.measure.value,
        "subject": ", ".join(quantity.subject),
        "year": str(quantity.year or ""),
        "since": str(quantity.since or ""),
        "url": str(source.url or ""),
        "publisher": source.publisher,
        "title": source.title,
        "date": str(source.date or ""),
        "quote": source.quote or "",
        "explanation_en": explanation.en if explanation else "",
        "explanation_fr": explanation.fr if explanation else "",
        "corrected_by": content.corrected_by or "",
        "keywords": ", ".join(content.keywords),
    }


def label_of(key: str) -> str:
    """The field's name as the reader types it in the chat (``unité``)."""
    return field_label(FIELD_PATHS[key])


def field_of(path: str) -> str:
    """The form field a problem belongs to ("" for the claim as a whole)."""
    leaf = path.rpartition(".")[2]
    return PATH_FIELDS.get(path) or PATH_FIELDS.get(f"quantities.{leaf}") or ""


def choices() -> dict[str, list[dict[str, str]]]:
    """The values of the fields that take one of a list, named in the reader's language."""
    return {
        "topic": [{"value": t.value, "label": topic_label(t)} for t in Topic],
        "status": [{"value": s.value, "label": status_label(s)} for s in Status],
        "per": [{"value": p.value, "label": per_word(p)} for p in Per],
        "measure": [{"value": m.value, "label": m.value} for m in Measure],
    }


def form_data(
    values: dict[str, str], errors: dict[str, list[str]], editing: str | None
) -> dict[str, Any]:
    fields = [
        {
            "key": key,
            "label": label_of(key),
            "value": values.get(key, ""),
            "errors": errors.get(key, []),
            "long": key in LONG_FIELDS,
            "choices": choices().get(key),
        }
        for key in FIELD_PATHS
        if not (editing and key == "id")
    ]
    return {"fields": fields, "general": errors.get("", []), "editing": editing,
            "id_pattern": CLAIM_ID_PATTERN}  # fmt: skip


def errors_by_field(error: ClaimValidationError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path, problem in zip(error.paths, error.problems, strict=True):
        found.setdefault(field_of(path), []).append(problem)
    return found


def claim_form(desk: Desk, data: dict[str, Any], title: str, path: str, status: int = 200) -> Page:
    return Page("desk/claim_form.html", data, title, path, status=status, indexed=False)


async def ask(site: Site, desk: Desk, command: str, args: str, chat: ChatRef = DESK_CHAT) -> Reply:
    """The core's answer to the moderator's command, as if typed in a chat they moderate."""
    platform, _colon, ident = desk.actor.partition(":")
    request = Request(
        command=command, args=args, user=UserRef(platform=platform, id=ident), chat=chat,
        locale=desk.language, is_moderator=True,
    )  # fmt: skip
    return await site.core.handle(request)


# ---- handlers ---------------------------------------------------------------------------


async def new_claim(request: web.Request) -> web.Response:
    """GET/POST ``/desk/claims/new``: the empty form, or the claim written (or its problems)."""
    site = request.app[SITE]
    if request.method == "GET":
        desk = await signed_in(request)
        if isinstance(desk, web.Response):
            return desk
        with use_language(desk.language):
            page = claim_form(desk, form_data({}, {}, None), _("Add a claim"), request.path)
        return show(request, page, desk.language, desk)
    sent = await posted(request)
    if isinstance(sent, web.Response):
        return sent
    desk, fields = sent
    typed = {key: fields.get(key, "").strip() for key in FIELD_PATHS}
    given = {key: value for key, value in typed.items() if value}
    with use_language(desk.language):
        try:
            content = read_claim(given, desk.language)
            await site.store.add(content, desk.actor)
        except ClaimValidationError as error:
            data = form_data(typed, errors_by_field(error), None)
            page = claim_form(desk, data, _("Add a claim"), request.path, 422)
            return show(request, page, desk.language, desk)
        except ClaimExistsError:
            problem = _("A claim “{id}” already exists; edit it instead.").format(id=given["id"])
            page = claim_form(desk, form_data(typed, {"id": [problem]}, None), _("Add a claim"),
                              request.path, 422)  # fmt: skip
            return show(request, page, desk.language, desk)
        except UnknownCorrectionError as error:
            problem = _("{field}: no claim has the id “{id}”").format(
                field=label_of("corrected_by"), id=error.corrected_by
            )
            page = claim_form(desk, form_data(typed, {"corrected_by": [problem]}, None),
                              _("Add a claim"), request.path, 422)  # fmt: skip
            return show(request, page, desk.language, desk)
    await logged(request, desk.actor, "add", content.id)
    return see_other(f"/desk/claims/{content.id}/history?lang={desk.language}&done=added")


async def edit_claim(request: web.Request) -> web.Response:
    """GET/POST ``/desk/claims/{id}/edit``: the claim's fields; only those changed are sent."""
    site = request.app[SITE]
    claim_id = request.match_info["id"]
    if request.method == "GET":
        desk = await signed_in(request)
        if isinstance(desk, web.Response):
            return desk
        fields: dict[str, str] = {}
    else:
        sent = await posted(request)
        if isinstance(sent, web.Response):
            return sent
        desk, fields = sent
    claim = await site.store.get(claim_id)
    with use_language(desk.language):
        if claim is None:
            return refusal(request, desk.language, 404, N_("No such claim"),
                           _("No claim “{id}” to edit (retracted claims stay in their history)."
                             ).format(id=claim_id[:80]), desk)  # fmt: skip
        title = _("Edit {id}").format(id=claim.id)
        current = claim_fields(claim.content())
        if request.method == "GET":
            data = form_data(current, {}, claim.id)
            return show(request, claim_form(desk, data, title, request.path), desk.language, desk)
        typed = {key: fields.get(key, "").strip() for key in FIELD_PATHS if key != "id"}
        changed = {key: value for key, value in typed.items() if value != current.get(key, "")}
        if not changed:
            errors = {"": [_("Nothing was changed: edit a field first.")]}
            page = claim_form(desk, form_data(typed, errors, claim.id), title, request.path, 422)
            return show(request, page, desk.language, desk)
        try:
            content = read_claim(changed, desk.language, base=claim.content())
            await site.store.replace(content, desk.actor)
        except ClaimValidationError as error:
            data = form_data(typed, errors_by_field(error), claim.id)
            return show(request, claim_form(desk, data, title, request.path, 422),
                        desk.language, desk)  # fmt: skip
        except UnknownCorrectionError as error:
            problem = _("{field}: no claim has the id “{id}”").format(
                field=label_of("corrected_by"), id=error.corrected_by
            )
            data = form_data(typed, {"corrected_by": [problem]}, claim.id)
            return show(request, claim_form(desk, data, title, request.path, 422),
                        desk.language, desk)  # fmt: skip
    await logged(request, desk.actor, "edit", claim.id, ", ".join(sorted(changed)))
    return see_other(f"/desk/claims/{claim.id}/history?lang={desk.language}&done=changed")


async def retract_claim(request: web.Request) -> web.Response:
    """POST ``/desk/claims/{id}/retract`` (``reason``): as ``/fact retract ID reason``."""
    sent = await posted(request)
    if isinstance(sent, web.Response):
        return sent
    desk, fields = sent
    site = request.app[SITE]
    claim_id = request.match_info["id"]
    reason = " ".join(fields.get("reason", "").split())
    with use_language(desk.language):
        if not reason:
            return refusal(request, desk.language, 422, N_("Retract a claim"),
                           _("Why is it retracted? Give a reason: readers see it on the "
                             "claim's page."), desk)  # fmt: skip
        reply = await ask(site, desk, "fact", f"retract {claim_id} {reason}")
        if reply.error:
            return refusal(request, desk.language, 422, N_("Retract a claim"), reply.text, desk)
    await logged(request, desk.actor, "retract", claim_id, reason)
    return see_other(f"/desk/claims/{claim_id}/history?lang={desk.language}&done=retracted")


# ---- history -------------------------------------------------------------------------------


async def history(request: web.Request) -> web.Response:
    """GET ``/desk/claims/{id}/history``: every change, who and when, each field before → after."""
    from adapters.web.present import ACTIONS, date_text

    desk = await signed_in(request)
    if isinstance(desk, web.Response):
        return desk
    site = request.app[SITE]
    claim_id = request.match_info["id"]
    entries = await site.store.history(claim_id)
    claim = await site.store.get(claim_id, include_retracted=True)
    with use_language(desk.language):
        if claim is None:
            return refusal(request, desk.language, 404, N_("No such claim"),
                           _("No claim “{id}”.").format(id=claim_id[:80]), desk)  # fmt: skip
        changes = []
        for entry in reversed(entries):
            label = ACTIONS.get(entry.action)
            changes.append({
                "at": date_text(entry.at, desk.language) + f" {entry.at:%H:%M} UTC",
                "action": _(label) if label else entry.action,
                "actor": entry.actor,
                "reason": entry.reason,
                "fields": change_rows(history_changes(entry)),
            })  # fmt: skip
        done = {"added": _("Added."), "changed": _("Changed."), "retracted": _("Retracted.")}
        data = {
            "claim": {"id": claim.id, "retracted": claim.retracted,
                      "statement": claim.statement.pick(desk.language)},
            "changes": changes,
            "done": done.get(request.query.get("done", "")),
            "public": desk.links.claim(claim.id),
        }  # fmt: skip
        page = Page("desk/history.html", data, _("History of {id}").format(id=claim.id),
                    request.path, indexed=False)  # fmt: skip
    return show(request, page, desk.language, desk)


async def go_to_claim(request: web.Request) -> web.Response:
    """GET ``/desk/claims/go?id=…``: the queue's "open a claim" box, to the claim's form."""
    desk = await signed_in(request)
    if isinstance(desk, web.Response):
        return desk
    claim_id = request.query.get("id", "").strip().casefold()
    if not re.fullmatch(CLAIM_ID_PATTERN.strip("^$"), claim_id):
        with use_language(desk.language):
            return refusal(request, desk.language, 400, N_("Not a claim id"),
                           _("“{id}” is not a claim id: ids are lower-case letters, digits and "
                             "hyphens.").format(id=claim_id[:80]), desk)  # fmt: skip
    return see_other(f"/desk/claims/{claim_id}/edit?lang={desk.language}")
