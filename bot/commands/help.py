"""/help: what the bot can do, in the reader's language."""

from __future__ import annotations

from bot.dispatch import Command, Context
from bot.foundation.i18n import N_, _, command_name
from bot.messages import Reply


async def help_(context: Context) -> Reply:
    """List the commands this core answers, with a line each."""
    lines = [
        _(
            "Wattson estimates the energy, greenhouse gases and water of AI-generated text "
            "(EcoLogits method) and answers with sourced figures."
        )
    ]
    for command in context.commands:
        line = f"{command_name(command.name)} — {_(command.summary)}"
        if command.usage:
            line += f" ({_(command.usage)})"
        lines.append(line)
    return Reply(text="\n".join(lines))


COMMAND = Command(
    name="help",
    aliases=("aide", "start"),
    handler=help_,
    summary=N_("this list"),
)
