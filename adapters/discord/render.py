"""Core replies as Discord messages: an embed with the sources as links, mentions inert."""

from __future__ import annotations

import io
from typing import Any

import discord
from discord.utils import escape_markdown

from adapters.text import split_message
from bot.i18n import N_, translations
from bot.messages import Reply

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
EMBED_COLOUR = discord.Colour.from_rgb(46, 160, 67)
ERROR_COLOUR = discord.Colour.from_rgb(200, 60, 60)
NO_MENTIONS = discord.AllowedMentions.none()


def safe(text: str) -> str:
    """Markdown in user-supplied text shows as typed; links stay clickable."""
    return escape_markdown(text, ignore_links=True)


def render_reply(reply: Reply, language: str = "en") -> list[dict[str, Any]]:
    """Keyword arguments for each message that carries ``reply`` (usually one).

    Every message has ``allowed_mentions`` set to none, so ``@everyone`` or a
    user mention in echoed text can never ping anyone.
    """
    head, _, body = reply.text.partition("\n")
    title = head if len(head) <= TITLE_LIMIT else head[: TITLE_LIMIT - 1] + "…"
    if len(head) > TITLE_LIMIT:
        body = head + "\n" + body
    chunks = split_message(safe(body), DESCRIPTION_LIMIT) if body.strip() else [""]
    colour = ERROR_COLOUR if reply.error else EMBED_COLOUR
    messages = []
    for index, chunk in enumerate(chunks):
        embed = discord.Embed(
            title=safe(title) if index == 0 else None,
            description=chunk or None,
            colour=colour,
        )
        if index == len(chunks) - 1 and reply.links:
            links = "\n".join(f"[{safe(label)[:200]}]({url})" for label, url in reply.links)
            label = translations(language).gettext(N_("Sources"))
            embed.add_field(name=label, value=links[:FIELD_LIMIT], inline=False)
        messages.append({"embed": embed, "allowed_mentions": NO_MENTIONS})
    if reply.attachments:
        last = messages[-1]
        last["files"] = [
            discord.File(
                io.BytesIO(a.content), filename=a.filename, description=a.description[:1024]
            )
            for a in reply.attachments
        ]
        image = last["embed"]
        assert isinstance(image, discord.Embed)
        image.set_image(url=f"attachment://{reply.attachments[0].filename}")
    return messages
