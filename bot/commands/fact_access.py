"""What the /fact subcommands share: the claim store, the moderator check, typed ids and fields.

Kept apart so the reading commands (:mod:`bot.commands.fact`) and the proposals'
review (:mod:`bot.commands.fact_proposals`) ask the same questions the same way.
"""

from __future__ import annotations

from bot.commands.text import first_word
from bot.dispatch import Context
from bot.foundation.errors import MissingArgumentError, PermissionDeniedError, UserInputError
from bot.foundation.i18n import N_, _
from facts.fields import ClaimValidationError, Thing, field_label, parse_fields
from facts.store import ClaimStore, UnknownCorrectionError


class UnknownClaimError(UserInputError):
    """No claim has this id; ``current`` is the id it goes by now when it is a former one."""

    def __init__(self, claim_id: str, current: str | None = None) -> None:
        super().__init__(f"no claim {claim_id!r}")
        self.claim_id = claim_id
        self.current = current

    def localized(self) -> str:
        if self.current is not None:
            return _("No claim “{id}” any more: its id is now {current}.").format(
                id=self.claim_id, current=self.current
            )
        return _("No claim “{id}”. Try /fact search WORDS or /fact topic NAME.").format(
            id=self.claim_id
        )


def unknown_claim(store: ClaimStore, claim_id: str) -> UnknownClaimError:
    """The error for an id no claim has, naming the current id when it is a former one."""
    return UnknownClaimError(claim_id, store.renamed_to(claim_id))


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


def correction_refused(error: UnknownCorrectionError, thing: Thing) -> ClaimValidationError:
    """``corrected_by`` names no claim: refused, saying which id is unknown."""
    problem = _("{field}: no claim has the id “{id}”").format(
        field=field_label("corrected_by"), id=error.corrected_by
    )
    return ClaimValidationError([problem], thing)
