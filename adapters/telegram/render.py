"""Core replies as Telegram messages: HTML with every character of the text escaped."""

from __future__ import annotations

import html

from adapters.text import split_message
from bot.messages import Reply

MESSAGE_LIMIT = 4096
WORST_ESCAPE = 6  # "&quot;" is six characters for one


def render_reply(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """HTML messages within Telegram's limit; a single message gets its first line in bold.

    Every string from the reply, user text included, is escaped, so ``<b>`` or
    ``<a href=…>`` typed by someone shows as typed and never becomes markup.
    Long replies are cut at line breaks before escaping, so no cut falls inside
    an entity, and nothing is dropped.
    """
    head, _, body = reply.text.partition("\n")
    single = f"<b>{html.escape(head)}</b>" + (f"\n{html.escape(body)}" if body else "")
    if len(single) <= limit:
        return [single]
    messages: list[str] = []
    for piece in split_message(reply.text, limit):
        escaped = html.escape(piece)
        if len(escaped) <= limit:
            messages.append(escaped)
        else:
            messages.extend(html.escape(p) for p in split_message(piece, limit // WORST_ESCAPE))
    return messages
