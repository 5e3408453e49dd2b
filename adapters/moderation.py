"""Which requests depend on moderator status, so adapters ask the platform only for those.

Asking Telegram whether someone administers a group costs an API call (and a
share of the bot's rate budget); ``/cost`` or ``/fact`` never need the answer.
The words are taken from the commands' own routing tables, so a new French
alias of a moderators' action is covered without a change here.
"""

from __future__ import annotations

from bot.commands import campaign, fact, fact_desk, fact_proposals, language
from bot.commands.text import first_word
from bot.dispatch import Command
from bot.messages import Request
from bot.reports.review import report_command

_FACT_ACTIONS = frozenset(
    word
    for word, handler in fact.SUBCOMMANDS.items()
    if handler
    in {
        fact.add,
        fact.edit,
        fact.retract,
        report_command,
        fact_proposals.review,
        fact_proposals.approve,
        fact_proposals.reject,
        fact_desk.desk,
    }  # fmt: skip
)
_CAMPAIGN_ACTIONS = frozenset(
    [word for word, handler in campaign.SUBCOMMANDS.items() if handler is not campaign.listing]
    + list(campaign.STATES)
)


def needs_moderator(request: Request, commands: tuple[Command, ...]) -> bool:
    """Whether answering ``request`` may depend on the sender being a moderator."""
    command = next((c for c in commands if request.command in (c.name, *c.aliases)), None)
    if command is None:
        return False
    if command.moderator_only:
        return True
    word = first_word(request.args)[0].casefold()
    if command.name == fact.COMMAND.name:
        return word in _FACT_ACTIONS
    if command.name == campaign.COMMAND.name:
        return word in _CAMPAIGN_ACTIONS
    if command.name == language.COMMAND.name:
        return any(w.casefold() in language.CHAT_WORDS for w in request.args.split())
    return False
