"""/fact desk (/fait bureau): a one-time link to the moderators' desk on the web, for the asker alone.

The link is tied to the moderator (``platform:id``) and to the chat they asked
in, valid :data:`~bot.desk.store.LINK_MINUTES` minutes and once; the reply is
marked private, so each adapter delivers it to them alone (a private message
on Telegram, an ephemeral answer on Discord). See :mod:`bot.desk`.
"""

from __future__ import annotations

from bot.commands.fact_access import require_moderator
from bot.desk.store import LINK_MINUTES
from bot.dispatch import Context
from bot.foundation.i18n import _
from bot.messages import Reply


async def desk(context: Context, args: str) -> Reply:
    """A one-time link to the desk for this moderator, covering this chat; for them alone."""
    require_moderator(context, "open the moderators' desk")
    base = context.settings.web.base_url
    store = context.services.desk
    if base is None or store is None:
        return Reply(
            text=_(
                "The moderators' desk is on the web, and this bot has no public address yet: "
                "its operator sets [web] public_url (and serves the pages) first."
            ),
            error=True,
            private=True,
        )
    chat = context.request.chat
    link = await store.issue_link(
        context.actor, (f"{chat.platform}:{chat.id}",), context.language, context.services.clock()
    )
    text = _(
        "Your link to the moderators' desk, valid {minutes} minutes and usable once "
        "(keep it to yourself; it signs you in as {actor}, for this chat):"
    ).format(minutes=LINK_MINUTES, actor=context.actor)
    return Reply(text=f"{text}\n{base}/desk/login/{link.token}", private=True)
