"""Core replies as Discord messages: an embed with the sources as links, mentions inert.

Discord refuses a whole message when one part is over its limit, and it counts
what it receives: the text *after* markdown escaping (``*`` sent as ``\\*`` is
two characters). Every limit below is therefore measured on the escaped text,
in UTF-16 code units, which is never less than Discord's own count.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import discord
from discord.utils import escape_markdown

from adapters.discord.buttons import action_view
from adapters.text import split_message, truncate, utf16_len
from bot.foundation.i18n import N_, translations
from bot.messages import Reply

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_LIMIT = 6000  # title, description, field names and values, footer: all together
FIELDS_PER_EMBED = 25
LINK_LABEL_LIMIT = 200
EMBED_COLOUR = discord.Colour.from_rgb(46, 160, 67)
ERROR_COLOUR = discord.Colour.from_rgb(200, 60, 60)
NO_MENTIONS = discord.AllowedMentions.none()


def safe(text: str) -> str:
    """Markdown in user-supplied text shows as typed; links stay clickable."""
    return escape_markdown(text, ignore_links=True)


def render_content(text: str) -> str:
    """Plain message content: escaped, within 2,000 once escaped."""
    return truncate(text, CONTENT_LIMIT, safe)


def embed_size(embed: discord.Embed) -> int:
    """What Discord counts towards an embed's 6,000 (in UTF-16 units, the safe side)."""
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts += [embed.author.name or ""]
    parts += [f"{field.name or ''}{field.value or ''}" for field in embed.fields]
    return sum(utf16_len(part) for part in parts)


def source_fields(links: Sequence[tuple[str, str]], name: str) -> list[tuple[str, str]]:
    """The sources as masked links, in as many fields of at most 1,024 as they need."""
    lines = []
    for label, url in links:
        plain = label.replace("[", "(").replace("]", ")")  # brackets would end the link text
        line = f"[{truncate(plain, LINK_LABEL_LIMIT, safe)}]({url})"
        lines.append(line if utf16_len(line) <= FIELD_LIMIT else truncate(url, FIELD_LIMIT))
    values: list[str] = []
    for line in lines:
        if values and utf16_len(values[-1]) + 1 + utf16_len(line) <= FIELD_LIMIT:
            values[-1] += "\n" + line
        else:
            values.append(line)
    title = truncate(name, FIELD_NAME_LIMIT, safe)
    return [(title, value) for value in values]


def render_reply(reply: Reply, language: str = "en") -> list[dict[str, Any]]:
    """Keyword arguments for each message that carries ``reply`` (usually one).

    The first line is the title (cut with "…" if Discord's 256 cannot hold it
    escaped; then the body repeats it whole), the rest the description, split
    over several messages when longer than 4,096; the sources follow as fields,
    in a further message if the last one has no room left under 6,000; the
    reply's actions are buttons under the last message. Every
    message has ``allowed_mentions`` set to none, so ``@everyone`` or a user
    mention in echoed text can never ping anyone.
    """
    head, _, body = reply.text.partition("\n")
    title = truncate(head, TITLE_LIMIT, safe)
    if title != safe(head):
        body = head + "\n" + body
    chunks = [c for c in split_message(body, DESCRIPTION_LIMIT, safe) if c.strip()] or [""]
    colour = ERROR_COLOUR if reply.error else EMBED_COLOUR
    embeds = [discord.Embed(description=chunk or None, colour=colour) for chunk in chunks]
    embeds[0].title = title or None
    label = translations(language).gettext(N_("Sources"))
    for name, value in source_fields(reply.links, label):
        last = embeds[-1]
        room = EMBED_LIMIT - embed_size(last)
        if len(last.fields) >= FIELDS_PER_EMBED or utf16_len(name + value) > room:
            last = discord.Embed(colour=colour)
            embeds.append(last)
        last.add_field(name=name, value=value, inline=False)
    messages: list[dict[str, Any]] = [
        {"embed": embed, "allowed_mentions": NO_MENTIONS} for embed in embeds
    ]
    view = action_view(reply)
    if view is not None:  # the buttons go under the last message, after everything they are about
        messages[-1]["view"] = view
    if reply.attachments:
        last_message = messages[-1]
        last_message["files"] = [
            discord.File(
                io.BytesIO(a.content), filename=a.filename, description=a.description[:1024]
            )
            for a in reply.attachments
        ]
        image = last_message["embed"]
        assert isinstance(image, discord.Embed)
        image.set_image(url=f"attachment://{reply.attachments[0].filename}")
    return messages
