"""Core replies as Telegram messages: HTML with every character of the text escaped."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.text import fits, split_message, truncate
from bot.messages import Reply

MESSAGE_LIMIT = 4096  # UTF-16 code units of the text left once the HTML is parsed
CAPTION_LIMIT = 1024
NOTICE_LIMIT = 200  # what answerCallbackQuery shows the person who pressed a button


def render_reply(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """HTML messages within Telegram's limit; a single message gets its first line in bold.

    Every string from the reply, user text included, is escaped, so ``<b>`` or
    ``<a href=…>`` typed by someone shows as typed and never becomes markup.
    Telegram counts a message after parsing its entities (``&lt;`` is one
    character, a tag none) in UTF-16 code units (an emoji is two), so the text
    is measured that way and cut before escaping: no cut falls inside an
    entity, and nothing is dropped.
    """
    if fits(reply.text, limit):
        head, _, body = reply.text.partition("\n")
        return [f"<b>{html.escape(head)}</b>" + (f"\n{html.escape(body)}" if body else "")]
    pieces = [piece for piece in split_message(reply.text, limit) if piece.strip()]
    return [html.escape(piece) for piece in pieces]


def render_caption(description: str) -> str | None:
    """A photo's caption: escaped HTML within Telegram's 1,024 units, or none."""
    return html.escape(truncate(description, CAPTION_LIMIT)) or None


def render_actions(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's actions as inline buttons (one a row), for its last message; none: ``None``."""
    if not reply.actions:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(action.label, callback_data=action.data)]
            for action in reply.actions
        ]
    )


def render_notice(reply: Reply) -> str:
    """The answer to a button press, as Telegram shows it to the presser: plain, within 200."""
    return truncate(" ".join(reply.text.split()), NOTICE_LIMIT)
