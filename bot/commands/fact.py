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
from bot.commands.fact_access import (
    PROPOSE_INSTEAD,
    UnknownClaimError,
    correction_refused,
    require_moderator,
    required_fields,
    required_id,
    store_of,
    unknown_claim,
)
from bot.commands.fact_changes import day, history_lines
from bot.commands.fact_desk import desk
from bot.commands.fact_proposals import approve, propose, reject, review
from bot.commands.text import first_word
from bot.dispatch import Command, Context
from bot.foundation.errors import MissingArgumentError, UserInputError
from bot.foundation.i18n import N_, _, ngettext
from bot.messages import Reply
from bot.reports.review import report_command
from facts.fields import parse_fields, read_claim
from facts.models import Claim, Status, Topic
from facts.search import search_claims
from facts.store import (
    ClaimChangedError,
    ClaimExistsError,
    ClaimNotFoundError,
    UnknownCorrectionError,
)
from facts.vocabulary import read_topic, topic_label

SubHandler = Callable[[Context, str], Awaitable[Reply]]


class ClaimConflictError(UserInputError):
    def __init__(self, claim_id: str) -> None:
        super().__init__(f"claim {claim_id!r} exists")
        self.claim_id = claim_id

    def localized(self) -> str:
        return _("A claim “{id}” already exists; use /fact edit {id} to change it.").format(
            id=self.claim_id
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


class EditCollisionError(UserInputError):
    """Another change reached the claim while this edit was being written: nothing written."""

    def __init__(self, claim_id: str) -> None:
        super().__init__(f"claim {claim_id!r} changed during the edit")
        self.claim_id = claim_id

    def localized(self) -> str:
        return _(
            "{id} changed while your edit was being saved; nothing was written."
            " See /fact history {id}, then send your edit again."
        ).format(id=self.claim_id)


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
    """The claim to show (a former id leads to it); a retracted one says when and why it was withdrawn."""
    store = store_of(context)
    claim = await store.get(claim_id, include_retracted=True)
    current = store.renamed_to(claim_id) if claim is None else None
    if current is not None:
        claim = await store.get(current, include_retracted=True)
    if claim is None:
        raise UnknownClaimError(claim_id)
    if claim.retracted:
        retractions = [e for e in await store.history(claim.id) if e.action == "retract"]
        last = retractions[-1] if retractions else None
        on = last.at if last else claim.updated_at
        raise RetractedClaimError(claim.id, day(on) if on else "?", last.reason if last else None)
    return claim


def renamed_line(asked: str, claim_id: str) -> list[str]:
    """``Its id is now X (formerly Y).`` when the reader asked by a former id; else nothing."""
    former = asked.strip().casefold()
    if former == claim_id:
        return []
    return [_("Its id is now {id} (formerly {former}).").format(id=claim_id, former=former)]


async def show(context: Context, claim_id: str) -> Reply:
    claim = await shown_claim(context, claim_id)
    text = "\n".join([*renamed_line(claim_id, claim.id), shown(context, claim)])
    return Reply(text=text, data=claim, links=claim_links(claim))


async def sources(context: Context, args: str) -> Reply:
    claim_id, _rest = required_id(
        args, N_("/fact sources ID"), N_("/fact sources gemini-water-per-prompt")
    )
    claim = await shown_claim(context, claim_id)
    text = "\n".join([*renamed_line(claim_id, claim.id), shown(context, claim, True)])
    return Reply(text=text, data=claim, links=claim_links(claim))


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
    store = store_of(context)
    asked, claim_id = claim_id, claim_id.strip().casefold()
    entries = await store.history(claim_id)
    current = store.renamed_to(claim_id) if not entries else None
    if current is not None:
        claim_id, entries = current, await store.history(current)
    if not entries:
        raise UnknownClaimError(asked)
    lines = [
        *renamed_line(asked, claim_id),
        _("History of {id}:").format(id=claim_id),
        *history_lines(entries),
    ]
    return Reply(text="\n".join(lines), data=entries)


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
    current, version = await store.versioned(claim_id.strip().casefold())
    if current is None or current.retracted:
        raise unknown_claim(store, claim_id)
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
        claim = await store.replace(content, context.actor, expected=version)
    except UnknownCorrectionError as error:
        raise correction_refused(error, "claim") from None
    except ClaimChangedError:
        raise EditCollisionError(current.id) from None
    return Reply(text=_("Changed {id}.").format(id=claim.id) + "\n" + claim_text(claim), data=claim)


async def retract(context: Context, args: str) -> Reply:
    require_moderator(context, "retract claims")
    claim_id, reason = required_id(
        args, N_("/fact retract ID [reason]"), N_("/fact retract gemini-water-per-prompt")
    )
    store = store_of(context)
    try:
        claim = await store.retract(claim_id, context.actor, reason or None)
    except ClaimNotFoundError:
        raise unknown_claim(store, claim_id) from None
    return Reply(
        text=_(
            "Retracted {id}: it is no longer shown; /fact history {id} keeps its record."
        ).format(id=claim.id),
        data=claim,
    )


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
