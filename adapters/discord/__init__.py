"""The Discord adapter (discord.py): slash commands, a message context menu, embeds.

Importing this package needs discord.py; ``wattson run`` imports it only when
``DISCORD_TOKEN`` is set.
"""

from adapters.discord.adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]
