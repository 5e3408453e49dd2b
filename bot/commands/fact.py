"""/fact: sourced statements from the claim base, and their moderation.

Anyone: ``/fact`` (a random verified claim, never twice in a row in a chat),
``/fact ID``, ``/fact topic NAME``, ``/fact search WORDS``, ``/fact sources ID``,
``/fact history ID``, ``/fact propose FIELDS``. Moderators (platform roles or
the configured allow-list): ``/fact add FIELDS``, ``/fact edit ID FIELDS``,
``/fact retract ID [reason]``, ``/fact review [N]`` (proposals in full, an edit
as a diff, then readers' reports of a wrong /check verdict), ``/fact approve N``
(only over the claim version the moderator was shown: :mod:`facts.changes`),
``/fact reject N reason``, ``/fact report N right|claim|eval VERDICT``
(:mod:`bot.reports.review`), ``/fact desk`` (a one-time sign-in link to the
moderators' desk on the web, answered to the asker alone). A refused request
writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.commands.claims import claim_line, claim_links, claim_text, page_of
from bot.commands.fact_changes import day, history_lines, proposal_lines
from bot.commands.text import first_word
from bot.desk.store import LINK_MINUTES
from bot.dispatch import Command, Context
from bot.foundation.errors import MissingArgumentError, PermissionDeniedError, UserInputError
from bot.foundation.i18n import N_, _, ngettext
from bot.messages import Reply
from bot.reports.review import report_command, review_lines
from facts.changes import (
    ApprovalRefusedError,
    ProposalView,
    approve_proposal,
    proposal_view,
    reject_proposal,
    review_queue,
)
from facts.fields import ClaimValidationError, Thing, field_label, parse_fields, read_claim
from facts.models import Claim, ClaimContent, Status, Topic
from facts.search import search_claims
from facts.store import (
    NO_CLAIM,
    ClaimExistsError,
    ClaimNotFoundError,
    ClaimStore,
    ProposalDecidedError,
    ProposalNotFoundError,
    UnknownCorrectionError,
)
from facts.vocabulary import read_topic, topic_label

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
    def __init__(self, number: str) -> None:
        super().__init__(f"no pending proposal {number}")
        self.number = number

    def localized(self) -> str:
        return _("No pending proposal #{number}; /fact review lists them.").format(
            number=self.number
        )


class RetractedClaimError(UserInputError):
    """The claim was withdrawn: said so, with when and why, rather than "no claim"."""

    def __init__(self, claim_id: str, on: str, reason: str | None) -> None:
        super().__init__(f"claim {claim_id!r} retracted")
        self.claim_id, self.on, self.reason = claim_id, on, reason

    def localized(self) -> str:
        if self.reason:
            return _("{id} was retracted on {date}: {reason}; see /fact history {id}.").format(
                id=self.claim_id, date=self.on, reason=self.reason
            )
        return _("{id} was retracted on {date}; see /fact history {id}.").format(
            id=self.claim_id, date=self.on
        )


class DecidedProposalError(UserInputError):
    """The proposal was approved or rejected already, perhaps a moment ago by another."""

    def __init__(self, number: int, state: str, reviewer: str | None) -> None:
        super().__init__(f"proposal {number} already {state}")
        self.number, self.state, self.reviewer = number, state, reviewer

    def localized(self) -> str:
        if self.state == "approved":
            text = (
                _("Proposal #{number} was already approved by {who}; nothing was changed.")
                if self.reviewer
                else _("Proposal #{number} was already approved; nothing was changed.")
            )
        else:
            text = (
                _("Proposal #{number} was already rejected by {who}; nothing was changed.")
                if self.reviewer
                else _("Proposal #{number} was already rejected; nothing was changed.")
            )
        return text.format(number=self.number, who=self.reviewer)


class UnchangedProposalError(UserInputError):
    def __init__(self, claim_id: str) -> None:
        super().__init__(f"proposal equals claim {claim_id!r}")
        self.claim_id = claim_id

    def localized(self) -> str:
        return _(
            "Your proposal says exactly what {id} says now: there is nothing to review."
        ).format(id=self.claim_id)


ADD_EXAMPLE = N_(
    "/fact add id: my-new-claim; topic: water; en: …; fr: …; value: 0.26; unit: mL; "
    "per: request; url: https://…; publisher: …; date: 2025-08-21"
)
PROPOSE_EXAMPLE = N_(
    "/fact propose topic: water; en: …; fr: …; value: 0.26; unit: mL; per: request; "
    "url: https://…; publisher: …; date: 2025-08-21"
)
WHICH_CLAIM = N_("Which claim? Give its id.")
WHICH_PROPOSAL = N_("Which proposal? Give its number (/fact review lists them).")
PROPOSE_INSTEAD = N_(
    "To suggest a claim, send /fact propose with the same fields: a moderator reviews it."
)
ASK_A_MODERATOR = N_("Ask a moderator of this chat.")


def required_id(args: str, usage: str, example: str) -> tuple[str, str]:
    """The claim id that starts ``args``, and the rest; a missing id says how to write it."""
    claim_id, rest = first_word(args)
    if not claim_id:
        raise MissingArgumentError(WHICH_CLAIM, usage, example)
    return claim_id, rest


def store_of(context: Context) -> ClaimStore:
    store = context.services.claims
    if store is None:
        raise UserInputError("the claim base is not available")
    return store


def require_moderator(context: Context, action: str, suggestion: str = ASK_A_MODERATOR) -> None:
    if not context.is_moderator:
        raise PermissionDeniedError(action, suggestion)


def required_fields(args: str, thing: Thing, usage: str) -> dict[str, str]:
    """The ``key: value`` fields of a claim or proposal; none at all says how to write them."""
    fields = parse_fields(args, thing=thing)
    if not fields:
        question = (
            N_("What does the proposal say? Write its fields, one “key: value” per line.")
            if thing == "proposal"
            else N_("What does the claim say? Write its fields, one “key: value” per line.")
        )
        example = PROPOSE_EXAMPLE if thing == "proposal" else ADD_EXAMPLE
        raise MissingArgumentError(question, usage, example)
    return fields


async def random_fact(context: Context, args: str) -> Reply:
    store = store_of(context)
    chat = f"{context.request.chat.platform}:{context.request.chat.id}"
    recent = context.services.recent_facts
    claim = await store.random_claim(Status.verified, exclude=recent.get(chat))
    if claim is None:
        return Reply(text=_("The claim base has no verified claim yet."), error=True)
    recent[chat] = claim.id
    return Reply(text=shown(context, claim), data=claim, links=claim_links(claim))


def shown(context: Context, claim: Claim, with_all_sources: bool = False) -> str:
    """A claim as /fact shows it, with its page in the reader's language when the web is public."""
    page = page_of(context.settings, claim.id, context.language)
    return claim_text(claim, with_all_sources, page)


async def shown_claim(context: Context, claim_id: str) -> Claim:
    """The claim to show; a retracted one says when and why it was withdrawn."""
    store = store_of(context)
    claim = await store.get(claim_id, include_retracted=True)
    if claim is None:
        raise UnknownClaimError(claim_id)
    if claim.retracted:
        retractions = [e for e in await store.history(claim.id) if e.action == "retract"]
        last = retractions[-1] if retractions else None
        on = last.at if last else claim.updated_at
        raise RetractedClaimError(claim.id, day(on) if on else "?", last.reason if last else None)
    return claim


async def show(context: Context, claim_id: str) -> Reply:
    claim = await shown_claim(context, claim_id)
    return Reply(text=shown(context, claim), data=claim, links=claim_links(claim))


async def sources(context: Context, args: str) -> Reply:
    claim_id, _rest = required_id(
        args, N_("/fact sources ID"), N_("/fact sources gemini-water-per-prompt")
    )
    claim = await shown_claim(context, claim_id)
    return Reply(
        text=shown(context, claim, with_all_sources=True), data=claim, links=claim_links(claim)
    )


async def topic(context: Context, args: str) -> Reply:
    name = args.strip()
    try:
        chosen = Topic(read_topic(name))
    except ValueError:
        topics = ", ".join(topic_label(t) for t in Topic)
        if not name:
            return Reply(
                text=_("Topics: {topics}. Example: /fact topic water").format(topics=topics)
            )
        return Reply(
            text=_("Unknown topic “{name}”. Topics: {topics}.").format(
                name=name[:40], topics=topics
            ),
            error=True,
        )
    claims = await store_of(context).by_topic(chosen)
    lines = [
        ngettext("{count} claim on {topic}:", "{count} claims on {topic}:", len(claims)).format(
            count=len(claims), topic=topic_label(chosen)
        )
    ]
    lines += [claim_line(claim) for claim in claims]
    lines.append(_("/fact ID shows one with its source."))
    return Reply(text="\n".join(lines), data=claims)


async def search(context: Context, args: str) -> Reply:
    if not args.strip():
        raise MissingArgumentError(
            N_("Which words? Give a few, in French or English."),
            N_("/fact search WORDS"),
            N_("/fact search water Gemini"),
        )
    limit = context.settings.facts.search_results
    hits = await search_claims(store_of(context), args, limit=limit)
    if not hits:
        return Reply(text=_("No claim matches “{words}”.").format(words=args.strip()[:80]))
    lines = [_("Claims matching “{words}”:").format(words=args.strip()[:80])]
    lines += [claim_line(hit.claim) for hit in hits]
    lines.append(_("/fact ID shows one with its source."))
    return Reply(text="\n".join(lines), data=[hit.claim for hit in hits])


async def history(context: Context, args: str) -> Reply:
    claim_id, _rest = required_id(
        args, N_("/fact history ID"), N_("/fact history gemini-water-per-prompt")
    )
    entries = await store_of(context).history(claim_id)
    if not entries:
        raise UnknownClaimError(claim_id)
    lines = [_("History of {id}:").format(id=claim_id), *history_lines(entries)]
    return Reply(text="\n".join(lines), data=entries)


def correction_refused(error: UnknownCorrectionError, thing: Thing) -> ClaimValidationError:
    """``corrected_by`` names no claim: refused, saying which id is unknown."""
    problem = _("{field}: no claim has the id “{id}”").format(
        field=field_label("corrected_by"), id=error.corrected_by
    )
    return ClaimValidationError([problem], thing)


async def add(context: Context, args: str) -> Reply:
    require_moderator(context, "add claims", PROPOSE_INSTEAD)
    fields = required_fields(args, "claim", N_("/fact add (then one “key: value” per line)"))
    content = read_claim(fields, context.language)
    try:
        claim = await store_of(context).add(content, context.actor)
    except ClaimExistsError:
        raise ClaimConflictError(content.id) from None
    except UnknownCorrectionError as error:
        raise correction_refused(error, "claim") from None
    return Reply(text=_("Added {id}.").format(id=claim.id) + "\n" + claim_text(claim), data=claim)


async def edit(context: Context, args: str) -> Reply:
    require_moderator(context, "edit claims", PROPOSE_INSTEAD)
    usage = N_("/fact edit ID (then one “key: value” per line: the fields to change)")
    example = N_("/fact edit gemini-water-per-prompt value: 0.26")
    claim_id, rest = required_id(args, usage, example)
    store = store_of(context)
    current = await store.get(claim_id)
    if current is None:
        raise UnknownClaimError(claim_id)
    fields = parse_fields(rest)
    if not fields:
        raise MissingArgumentError(
            N_("What should change? Write the fields to change, one “key: value” per line."),
            usage,
            example,
        )
    fields.pop("id", None)
    content = read_claim(fields, context.language, base=current.content())
    try:
        claim = await store.replace(content, context.actor)
    except UnknownCorrectionError as error:
        raise correction_refused(error, "claim") from None
    return Reply(text=_("Changed {id}.").format(id=claim.id) + "\n" + claim_text(claim), data=claim)


async def retract(context: Context, args: str) -> Reply:
    require_moderator(context, "retract claims")
    claim_id, reason = required_id(
        args, N_("/fact retract ID [reason]"), N_("/fact retract gemini-water-per-prompt")
    )
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


async def proposed_content(
    context: Context, fields: dict[str, str]
) -> tuple[ClaimContent, Claim | None, str]:
    """What a proposal says, and the claim it edits with that claim's version.

    A proposal whose id (typed, or made from its statement) names a claim of the
    base, even a retracted one, is an edit: its fields apply over that claim.
    """
    store = store_of(context)
    typed = fields.get("id", "").strip().casefold()
    current, version = await store.versioned(typed) if typed else (None, NO_CLAIM)
    if current is None:
        content = read_claim(fields, context.language, thing="proposal")
        current, version = await store.versioned(content.id)
        if current is None:
            return content, None, NO_CLAIM
    fields = {**fields, "id": current.id}
    content = read_claim(fields, context.language, base=current.content(), thing="proposal")
    if content == current.content():
        raise UnchangedProposalError(current.id)
    return content, current, version


async def propose(context: Context, args: str) -> Reply:
    fields = required_fields(args, "proposal", N_("/fact propose (then one “key: value” per line)"))
    content, current, version = await proposed_content(context, fields)
    store = store_of(context)
    try:
        number = await store.propose(content, context.actor, base_version=version)
    except UnknownCorrectionError as error:
        raise correction_refused(error, "proposal") from None
    text = (
        _("Thank you: proposal #{number} ({id}) awaits a moderator’s review.")
        if current is None
        else _("Thank you: proposal #{number}, a change to {id}, awaits a moderator’s review.")
    ).format(number=number, id=content.id)
    if context.services.desk is not None:  # where to tell the author what moderators decide
        chat = context.request.chat
        await context.services.desk.note_origin(number, chat.platform, chat.id, context.language)
    others = [
        f"#{p.id}" for p in await store.pending_proposals()
        if p.claim_id == content.id and p.id != number
    ]  # fmt: skip
    if others:
        text += "\n" + ngettext(
            "Proposal {others} is also waiting for {id}: moderators see both.",
            "Proposals {others} are also waiting for {id}: moderators see them all.",
            len(others),
        ).format(others=", ".join(others), id=content.id)
    return Reply(text=text)


def remember_seen(context: Context, views: list[ProposalView]) -> None:
    """Note the claim version each proposal was shown against, for this moderator's approval."""
    for view in views:
        context.services.seen_versions[(context.actor, view.proposal.id)] = view.version


def proposal_number(text: str, usage: str, example: str) -> int:
    number = text.strip().lstrip("#")
    if not number.isdigit():
        raise MissingArgumentError(WHICH_PROPOSAL, usage, example)
    return int(number)


async def review(context: Context, args: str) -> Reply:
    """The proposals waiting, in full, then the readers' reports of a wrong /check verdict.

    ``/fact review N`` shows proposal N alone.
    """
    require_moderator(context, "review proposals")
    store = store_of(context)
    if args.strip():
        number = proposal_number(args, N_("/fact review [N]"), N_("/fact review 1"))
        try:
            view = await proposal_view(store, number)
        except ProposalDecidedError as error:
            raise DecidedProposalError(number, error.state, error.reviewed_by) from None
        except ProposalNotFoundError:
            raise UnknownProposalError(str(number)) from None
        remember_seen(context, [view])
        return Reply(text="\n".join(proposal_lines(view)), data=view)
    views = await review_queue(store)
    remember_seen(context, views)
    reports = await review_lines(context)
    if not views:
        text = _("No proposal is waiting.") if not reports else ""
        return Reply(text="\n".join(line for line in (text, *reports) if line), data=views)
    lines = [_("Proposals waiting (/fact approve N, /fact reject N reason):")]
    for view in views:
        lines += proposal_lines(view)
    return Reply(text="\n".join([*lines, *reports]), data=views)


def refusal_text(refused: ApprovalRefusedError) -> str:
    """Why nothing was approved, then the proposal as it must be seen now."""
    view = refused.view
    number, claim_id = view.proposal.id, view.proposal.claim_id
    if refused.why == "unchanged":
        heading = _(
            "Not approved: proposal #{number} now says exactly what {id} says, so there is"
            " nothing to write. /fact reject {number} REASON closes it."
        )
    else:
        heading = _(
            "Not approved: {id} changed since: review again. Here is proposal #{number}"
            " against the claim as it is now; /fact approve {number} applies it."
        )
    return "\n".join([heading.format(number=number, id=claim_id), *proposal_lines(view)])


async def decide(context: Context, args: str, approve: bool) -> Reply:
    require_moderator(context, "review proposals")
    number_text, reason = first_word(args)
    usage = N_("/fact approve N") if approve else N_("/fact reject N REASON")
    example = (
        N_("/fact approve 1") if approve else N_("/fact reject 1 the source gives another figure")
    )
    number = proposal_number(number_text, usage, example)
    if not approve and not reason.strip():
        raise MissingArgumentError(
            N_("Why is it rejected? Give a reason after the number: its author reads it."),
            usage,
            example,
        )
    store = store_of(context)
    seen = (context.actor, number)
    try:
        if not approve:
            await reject_proposal(store, number, context.actor, reason.strip())
            context.services.seen_versions.pop(seen, None)
            return Reply(text=_("Proposal #{number} rejected.").format(number=number))
        claim = await approve_proposal(
            store, number, context.actor, context.services.seen_versions.get(seen)
        )
    except ApprovalRefusedError as refused:
        if refused.why == "changed":
            context.services.seen_versions[seen] = refused.view.version
        return Reply(text=refusal_text(refused), data=refused.view, error=True)
    except ProposalDecidedError as error:
        raise DecidedProposalError(number, error.state, error.reviewed_by) from None
    except ProposalNotFoundError:
        raise UnknownProposalError(str(number)) from None
    except UnknownCorrectionError as error:
        raise correction_refused(error, "claim") from None
    context.services.seen_versions.pop(seen, None)
    return Reply(
        text=_("Approved: {id} is in the base.").format(id=claim.id) + "\n" + claim_text(claim),
        data=claim,
    )


async def desk(context: Context, args: str) -> Reply:
    """A one-time link to the desk for this moderator, covering this chat; for them alone."""
    require_moderator(context, "open the moderators' desk")
    base = context.settings.web.base_url
    store = context.services.desk
    if base is None or store is None:
        return Reply(
            text=_(
                "The moderators' desk is on the web, and this bot has no public address yet: "
                "its operator sets [web] public_url (and serves the pages) first."
            ),
            error=True,
            private=True,
        )
    chat = context.request.chat
    link = await store.issue_link(
        context.actor, (f"{chat.platform}:{chat.id}",), context.language, context.services.clock()
    )
    text = _(
        "Your link to the moderators' desk, valid {minutes} minutes and usable once "
        "(keep it to yourself; it signs you in as {actor}, for this chat):"
    ).format(minutes=LINK_MINUTES, actor=context.actor)
    return Reply(text=f"{text}\n{base}/desk/login/{link.token}", private=True)


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
    "report": report_command, "signalement": report_command,
    "desk": desk, "bureau": desk,
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
    field_subcommands=frozenset(
        word for word, handler in SUBCOMMANDS.items() if handler in (add, edit, propose)
    ),
    private_subcommands=frozenset(word for word, handler in SUBCOMMANDS.items() if handler is desk),
)
