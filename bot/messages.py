"""The neutral types adapters and the core exchange: :class:`Request` in, :class:`Reply` out.

Adapters fill a :class:`Request` from a platform event (Discord interaction,
Telegram update, console line) and render the :class:`Reply`; the core never
sees a platform object. Neither type carries anything to be stored: message
text lives only as long as the request.

A reply may offer :class:`Action` s ("Wrong verdict?" under a /check verdict):
each adapter renders them natively (a button on Discord, an inline button on
Telegram, a form on the web, the command to type in the console), and a press
comes back as a :class:`Request` whose ``pressed`` is the action's ``data``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.foundation.text import readable_value


class UserRef(BaseModel):
    """Who sent a request, as the platform identifies them."""

    model_config = ConfigDict(frozen=True)

    platform: str = Field(min_length=1, description="console, discord, telegram…")
    id: str = Field(min_length=1)
    name: str | None = None

    _readable = field_validator("*", mode="before")(readable_value)


class ChatRef(BaseModel):
    """Where a request was sent: a channel, group, or private chat."""

    model_config = ConfigDict(frozen=True)

    platform: str = Field(min_length=1)
    id: str = Field(min_length=1)

    _readable = field_validator("*", mode="before")(readable_value)


class Request(BaseModel):
    """A command for the core: ``/cost hello`` is ``command="cost"``, ``args="hello"``."""

    model_config = ConfigDict(frozen=True)

    command: str
    args: str = ""
    user: UserRef
    chat: ChatRef
    locale: str | None = Field(default=None, description="platform locale tag, e.g. fr or en-US")
    language: str | None = Field(
        default=None,
        description="a language chosen for this session (wattson console --lang fr): it wins"
        " over the stored /lang choices",
    )
    reply_to_text: str | None = Field(
        default=None, description="text of the message this one replies to, if any"
    )
    is_moderator: bool = False
    pressed: str | None = Field(
        default=None, description="the data of an Action pressed under an earlier reply"
    )

    # Where text enters, on every platform: no lone surrogate (bot.foundation.text).
    _readable = field_validator("*", mode="before")(readable_value)

    @classmethod
    def from_text(cls, text: str, **fields: Any) -> Request | None:
        """Parse ``/command args`` typed in a chat; ``None`` if the text is no command.

        A Telegram-style ``/command@BotName`` suffix is dropped.
        """
        stripped = text.strip()
        if not stripped.startswith("/") or len(stripped) == 1:
            return None
        parts = stripped[1:].split(maxsplit=1)
        head = parts[0] if parts else ""
        args = parts[1] if len(parts) > 1 else ""
        command = head.split("@", 1)[0].casefold()
        if not command.replace("_", "").isalnum():
            return None
        return cls(command=command, args=args.strip(), **fields)

    @classmethod
    def pressing(cls, data: str, args: str = "", **fields: Any) -> Request:
        """The request a press of an :class:`Action` makes: its command, and its ``data``.

        ``args`` is what the person wrote with the press, if the platform lets
        them (the web form's reason).
        """
        return cls(command=Action.command_of(data), args=args, pressed=data, **fields)


class Action(BaseModel):
    """Something a person can do about a reply by pressing it, whatever the platform.

    ``data`` is what a press sends back: ``command:key``, routed to ``command``,
    whose handler reads the key; at most 64 bytes (Telegram's ``callback_data``;
    Discord's ``custom_id`` takes 100). ``label`` is the button's text, ``typed``
    the same action as a command to type, for an adapter without buttons.
    """

    model_config = ConfigDict(frozen=True)

    data: str = Field(min_length=3, max_length=64, pattern=r"^[a-z]+:[\x21-\x7e]+$")
    label: str = Field(min_length=1)
    typed: str = ""

    @staticmethod
    def command_of(data: str) -> str:
        """The command a press of ``data`` goes to."""
        return data.partition(":")[0]

    @staticmethod
    def key_of(data: str) -> str:
        """What the command reads of a press of ``data``."""
        return data.partition(":")[2]


class Attachment(BaseModel):
    """A file that goes with a reply (a chart): name, bytes, and a text alternative."""

    model_config = ConfigDict(frozen=True)

    filename: str
    content: bytes = Field(repr=False)
    description: str = ""
    media_type: str = "image/png"


class Poll(BaseModel):
    """A question with options and one right answer, for a platform's native quiz poll.

    Telegram posts it with ``sendPoll`` (``type=quiz``, ``correct_option_id``,
    ``explanation``), Discord as a native poll whose answer and ``details``
    follow when it ends. The reply's ``text`` is the same quiz as text (the
    question and lettered options) and its ``actions`` one press per option,
    for adapters without polls (the console, the web form). After posting a
    native poll, an adapter records it with :meth:`bot.quiz.store.QuizStore.record_post`
    (the platform's poll id as ``poll_ref``) and its answers, counts only,
    with :meth:`~bot.quiz.store.QuizStore.record_counts` or
    :meth:`~bot.quiz.store.QuizStore.add_answer`.
    """

    model_config = ConfigDict(frozen=True)

    question: str = Field(min_length=1, max_length=300)
    options: tuple[str, ...] = Field(min_length=2, max_length=10)
    right: int = Field(ge=0, description="index of the right option (correct_option_id)")
    explanation: str = Field(default="", max_length=200, description="shown after an answer")
    details: str = Field(default="", description="the rest: statement, source, page")
    heading: str = Field(default="", description='what goes above it ("Campaign #1, question 2:")')
    claim_id: str
    topic: str
    language: str
    campaign_id: int | None = None  # the campaign whose slot this is, if any
    slot: datetime | None = None


class Reply(BaseModel):
    """What the core answers. ``text`` is plain text; adapters add platform markup.

    ``data`` holds the structured result (an estimate, a list of models) for
    adapters that render richer messages; ``error`` marks refusals and mistakes,
    which platforms may show only to the author.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    text: str
    error: bool = False
    data: Any = None
    links: tuple[tuple[str, str], ...] = Field(
        default=(), description="(label, url) pairs of the sources the text cites"
    )
    attachments: tuple[Attachment, ...] = ()
    actions: tuple[Action, ...] = Field(
        default=(), description="what the person may press under the reply (with its last part)"
    )
    private: bool = Field(
        default=False,
        description="for the asker alone (a sign-in link): a private message, an ephemeral reply",
    )
    poll: Poll | None = Field(
        default=None, description="a quiz to post as a native poll; text and actions otherwise"
    )
