"""The moderators' desk, as the core knows it: sign-in links, sessions, and notices to chats.

The web adapter (:mod:`adapters.web.desk`) shows the desk; what it stores lives
here so the chat command that hands out a link (``/fact desk``), the command
line (``wattson web login-link``) and the running bot that delivers a
moderator's decision to the proposer's chat share one store:

- :mod:`~bot.desk.store`: :class:`DeskStore`, the ``desk`` storage component;
- :mod:`~bot.desk.notices`: decisions told in the chat where a proposal was made.
"""

from bot.desk.store import (
    LINK_MINUTES,
    SESSION_HOURS,
    DeskSession,
    DeskStore,
    LinkRefusal,
    LoginLink,
    Notice,
)

__all__ = [
    "LINK_MINUTES",
    "SESSION_HOURS",
    "DeskSession",
    "DeskStore",
    "LinkRefusal",
    "LoginLink",
    "Notice",
]
