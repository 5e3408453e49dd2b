"""A reply's actions as Discord buttons, and their presses back to the adapter.

Each :class:`~bot.messages.Action` becomes a button whose ``custom_id`` is
``wattson:`` and the action's data. One :class:`ActionButton`, a discord.py
``DynamicItem``, matches them all: a press is dispatched to it by its
``custom_id`` alone, whatever message it is under and even after a restart,
and no view per message is kept in memory. Its callback hands the press to the
adapter of the client that received it, which answers it ephemerally.
"""

from __future__ import annotations

import re
from typing import Any, Protocol
from weakref import WeakKeyDictionary

import discord

from bot.messages import Reply

PREFIX = "wattson:"
LABEL_LIMIT = 80  # Discord's longest button label
TEMPLATE = re.compile(r"^wattson:(?P<data>[a-z]+:[\x21-\x7e]{1,80})$")


class Presser(Protocol):
    """What a press needs of the adapter: answer it for the person who pressed."""

    async def press(self, interaction: discord.Interaction[Any], data: str) -> None: ...


_PRESSERS: WeakKeyDictionary[discord.Client, Presser] = WeakKeyDictionary()


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """A button under a reply; pressed, it sends its action's data to the adapter."""

    def __init__(self, data: str, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:LABEL_LIMIT],
                custom_id=PREFIX + data,
                style=discord.ButtonStyle.secondary,
            )
        )
        self.data = data

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> ActionButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(match["data"], label or "…")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        presser = _PRESSERS.get(interaction.client)
        if presser is not None:
            await presser.press(interaction, self.data)


def enable_buttons(client: discord.Client, presser: Presser) -> None:
    """Send the presses of Wattson's buttons that ``client`` receives to ``presser``."""
    _PRESSERS[client] = presser
    client.add_dynamic_items(ActionButton)


def action_view(reply: Reply) -> discord.ui.View | None:
    """The reply's actions as a row of buttons (``None`` when it offers none).

    The view never times out (``timeout=None``): the buttons answer as long as
    the message stands, and the core says when what they offer has expired.
    """
    if not reply.actions:
        return None
    view = discord.ui.View(timeout=None)
    for action in reply.actions:
        view.add_item(ActionButton(action.data, action.label))
    return view
