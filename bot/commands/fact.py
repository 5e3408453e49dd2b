"""/fact: sourced statements from the claim base, and their moderation.

Anyone: ``/fact`` (a random verified claim, never twice in a row in a chat),
``/fact ID``, ``/fact topic NAME``, ``/fact search WORDS``, ``/fact sources ID``,
``/fact history ID``, ``/fact propose FIELDS``. Moderators (platform roles or
the configured allow-list): ``/fact add FIELDS``, ``/fact edit ID FIELDS``,
``/fact retract ID [reason]``, ``/fact review``, ``/fact approve N``,
``/fact reject N reason``. A refused request writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pydantic import ValidationError

from bot.commands.claims import claim_line, claim_links, claim_text, status_label
from bot.commands.text import first_word
from bot.dispatch import Command, Context
from bot.errors import PermissionDeniedError, UserInputError
from bot.i18n import N_, _, ngettext
from bot.messages import Reply
from facts.fields import (
    ClaimValidationError,
    FieldSyntaxError,
    build_content,
    parse_fields,
    require_source,
)
from facts.models import ClaimContent, Status, Topic, describe_validation_error
from facts.search import search_claims
from facts.store import ClaimExistsError, ClaimNotFoundError, ClaimStore, ProposalNotFoundError

SubHandler = Callable[[Context, str], Awaitable[Reply]]


class UnknownClaimError(UserInputError):
    def __init__(self, claim_id: str) -> None:
        super().__init__(f"no claim {claim_id!r}")
        self.claim_id = claim_id

    def localized(self) -> str:
        return _("No claim “{id}”. Try /fact search WORDS or /fact topic NAME.").format(
            id=self.claim_id
        )


class ClaimConflictError(UserInputError):
    def __init__(self, claim_id: str) -> None:
        super().__init__(f"claim {claim_id!r} exists")
        self.claim_id = claim_id

    def localized(self) -> str:
        return _("A claim “{id}” already exists; use /fact edit {id} to change it.").format(
            id=self.claim_id
        )


class UnknownProposalError(UserInputError):
    def localized(self) -> str:
        return _("No pending proposal with that number; /fact review lists them.")


def store_of(context: Context) -> ClaimStore:
    store = context.services.claims
    if store is None:
        raise UserInputError("the claim base is not available")
    return store


def require_moderator(context: Context, action: str) -> None:
    if not context.is_moderator:
        raise PermissionDeniedError(action)


def validated(data: dict[str, object]) -> ClaimContent:
    try:
        return ClaimContent.model_validate(data)
    except ValidationError as error:
        raise ClaimValidationError(describe_validation_error(error)) from None


async def random_fact(context: Context, args: str) -> Reply:
    store = store_of(context)
    chat = f"{context.request.chat.platform}:{context.request.chat.id}"
    recent = context.services.recent_facts
    claim = await store.random_claim(Status.verified, exclude=recent.get(chat))
    if claim is None:
        return Reply(text=_("The claim base has no verified claim yet."), error=True)
    recent[chat] = claim.id
    return Reply(text=claim_text(claim), data=claim, links=claim_links(claim))


async def show(context: Context, claim_id: str) -> Reply:
    claim = await store_of(context).get(claim_id)
    if claim is None:
        raise UnknownClaimError(claim_id)
    return Reply(text=claim_text(claim), data=claim, links=claim_links(claim))


async def sources(context: Context, args: str) -> Reply:
    claim_id, _rest = first_word(args)
    claim = await store_of(context).get(claim_id)
    if claim is None:
        raise UnknownClaimError(claim_id)
    return Reply(
        text=claim_text(claim, with_all_sources=True), data=claim, links=claim_links(claim)
    )


async def topic(context: Context, args: str) -> Reply:
    name, _rest = first_word(args)
    aliases = {"data": "data-centres", "datacentres": "data-centres", "eau": "water",
               "entrainement": "training", "entraînement": "training", "inférence": "inference",
               "modèles": "models", "modeles": "models", "matériaux": "materials",
               "materiaux": "materials", "réseau": "grid", "reseau": "grid",
               "équivalents": "equivalents", "economie": "economics", "économie": "economics"}  # fmt: skip
    try:
        chosen = Topic(aliases.get(name.casefold(), name.casefold()))
    except ValueError:
        return Reply(
            text=_("Topics: {topics}.").format(topics=", ".join(t.value for t in Topic)),
            error=bool(name),
        )
    claims = await store_of(context).by_topic(chosen)
    lines = [
        ngettext("{count} claim on {topic}:", "{count} claims on {topic}:", len(claims)).format(
            count=len(claims), topic=chosen.value
        )
    ]
    lines += [claim_line(claim) for claim in claims]
    lines.append(_("/fact ID shows one with its source."))
    return Reply(text="\n".join(lines), data=claims)


async def search(context: Context, args: str) -> Reply:
    limit = context.settings.facts.search_results
    hits = await search_claims(store_of(context), args, limit=limit)
    if not hits:
        return Reply(text=_("No claim matches “{words}”.").format(words=args.strip()[:80]))
    lines = [_("Claims matching “{words}”:").format(words=args.strip()[:80])]
    lines += [claim_line(hit.claim) for hit in hits]
    lines.append(_("/fact ID shows one with its source."))
    return Reply(text="\n".join(lines), data=[hit.claim for hit in hits])


async def history(context: Context, args: str) -> Reply:
    claim_id, _rest = first_word(args)
    entries = await store_of(context).history(claim_id)
    if not entries:
        raise UnknownClaimError(claim_id)
    lines = [_("History of {id}:").format(id=claim_id)]
    for entry in entries:
        line = f"• {entry.at:%Y-%m-%d %H:%M} UTC — {entry.action} — {entry.actor}"
        if entry.reason:
            line += f" — {entry.reason}"
        lines.append(line)
    return Reply(text="\n".join(lines), data=entries)


async def add(context: Context, args: str) -> Reply:
    require_moderator(context, "add claims")
    fields = parse_fields(args)
    require_source(fields)
    content = validated(build_content(fields, context.language))
    try:
        claim = await store_of(context).add(content, context.actor)
    except ClaimExistsError:
        raise ClaimConflictError(content.id) from None
    return Reply(text=_("Added {id}.").format(id=claim.id) + "\n" + claim_text(claim), data=claim)


async def edit(context: Context, args: str) -> Reply:
    require_moderator(context, "edit claims")
    claim_id, rest = first_word(args)
    store = store_of(context)
    current = await store.get(claim_id)
    if current is None:
        raise UnknownClaimError(claim_id)
    fields = parse_fields(rest)
    if not fields:
        raise FieldSyntaxError(_("nothing to change"))
    fields.pop("id", None)
    content = validated(build_content(fields, context.language, base=current.content()))
    claim = await store.replace(content, context.actor)
    return Reply(text=_("Changed {id}.").format(id=claim.id) + "\n" + claim_text(claim), data=claim)


async def retract(context: Context, args: str) -> Reply:
    require_moderator(context, "retract claims")
    claim_id, reason = first_word(args)
    try:
        claim = await store_of(context).retract(claim_id, context.actor, reason or None)
    except ClaimNotFoundError:
        raise UnknownClaimError(claim_id) from None
    return Reply(
        text=_(
            "Retracted {id}: it is no longer shown; /fact history {id} keeps its record."
        ).format(id=claim.id),
        data=claim,
    )


async def propose(context: Context, args: str) -> Reply:
    fields = parse_fields(args)
    require_source(fields)
    content = validated(build_content(fields, context.language))
    number = await store_of(context).propose(content, context.actor)
    return Reply(
        text=_("Thank you: proposal #{number} ({id}) awaits a moderator’s review.").format(
            number=number, id=content.id
        )
    )


async def review(context: Context, args: str) -> Reply:
    require_moderator(context, "review proposals")
    proposals = await store_of(context).pending_proposals()
    if not proposals:
        return Reply(text=_("No proposal is waiting."))
    lines = [_("Proposals waiting (/fact approve N, /fact reject N reason):")]
    for proposal in proposals:
        content = proposal.content
        lines.append(
            f"#{proposal.id} {content.id} [{status_label(content.status)}] "
            f"— {content.statement.pick(context.language)} — {proposal.proposed_by}"
        )
    return Reply(text="\n".join(lines), data=proposals)


async def decide(context: Context, args: str, approve: bool) -> Reply:
    require_moderator(context, "review proposals")
    number_text, reason = first_word(args)
    if not number_text.lstrip("#").isdigit():
        raise UnknownProposalError("not a proposal number")
    if not approve and not reason.strip():
        raise FieldSyntaxError(_("a rejection needs a reason"))
    try:
        claim = await store_of(context).review(
            int(number_text.lstrip("#")), context.actor, approve, reason or None
        )
    except ProposalNotFoundError:
        raise UnknownProposalError(number_text) from None
    if claim is None:
        return Reply(text=_("Proposal #{number} rejected.").format(number=number_text.lstrip("#")))
    return Reply(text=_("Approved: {id} is in the base.").format(id=claim.id), data=claim)


async def approve(context: Context, args: str) -> Reply:
    return await decide(context, args, approve=True)


async def reject(context: Context, args: str) -> Reply:
    return await decide(context, args, approve=False)


SUBCOMMANDS: dict[str, SubHandler] = {
    "topic": topic, "sujet": topic, "theme": topic, "thème": topic,
    "search": search, "cherche": search, "recherche": search, "find": search,
    "sources": sources, "source": sources,
    "history": history, "historique": history,
    "add": add, "ajoute": add, "ajouter": add,
    "edit": edit, "modifie": edit, "modifier": edit,
    "retract": retract, "retire": retract, "retirer": retract,
    "propose": propose, "proposer": propose,
    "review": review, "revue": review,
    "approve": approve, "approuve": approve, "approuver": approve,
    "reject": reject, "rejette": reject, "rejeter": reject,
}  # fmt: skip


async def fact(context: Context) -> Reply:
    """Route /fact to its subcommand, or show a claim by id."""
    word, rest = first_word(context.request.args)
    if not word:
        return await random_fact(context, "")
    handler = SUBCOMMANDS.get(word.casefold())
    if handler is not None:
        return await handler(context, rest)
    return await show(context, word)


COMMAND = Command(
    name="fact",
    aliases=("fait", "facts"),
    handler=fact,
    summary=N_("a sourced fact; /fact ID, topic, search, sources, history, propose"),
    usage=N_("/fact · /fact ID · /fact topic water · /fact search WORDS"),
)
