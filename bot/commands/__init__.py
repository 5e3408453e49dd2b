"""The commands of the core, one module each; :data:`COMMANDS` is the registry."""

from __future__ import annotations

from bot.commands import (
    campaign,
    check,
    cost,
    fact,
    how,
    language,
    models,
    quiz,
    stats,
    tokenize,
)
from bot.commands import help as help_command
from bot.dispatch import Command

COMMANDS: tuple[Command, ...] = (
    cost.COMMAND,
    fact.COMMAND,
    check.COMMAND,
    quiz.COMMAND,
    tokenize.COMMAND,
    models.COMMAND,
    how.COMMAND,
    stats.COMMAND,
    campaign.COMMAND,
    language.COMMAND,
    help_command.COMMAND,
)
