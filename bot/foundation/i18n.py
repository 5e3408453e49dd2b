"""Translations for every text a user reads, chosen per request.

Catalogs are standard gettext files in ``bot/locales/<lang>/LC_MESSAGES/wattson.po``
(compiled to ``.mo`` with ``make i18n``); English is the source language. The
language of the request being answered lives in a :class:`~contextvars.ContextVar`,
so concurrent requests in one event loop each speak their own language.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locales"  # bot/locales: every layer's texts
DOMAIN = "wattson"
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_LANGUAGE = "en"

_current_language: ContextVar[str] = ContextVar("wattson_language", default=DEFAULT_LANGUAGE)
# Whether the text is for the command line (``wattson cost``), not a chat: commands are then
# named as the shell runs them (``wattson models``), and chat-only ones are not offered.
_command_line: ContextVar[bool] = ContextVar("wattson_command_line", default=False)
COMMAND_CONTEXT = "command"  # the catalog context of commands as typed in a chat
# The context that names commands for the platform being answered: Discord's slash
# commands have names of their own (``/coût``), registered by its adapter.
_command_names: ContextVar[str] = ContextVar("wattson_command_names", default=COMMAND_CONTEXT)


@cache
def translations(language: str) -> gettext.NullTranslations:
    """Load the catalog of one language once; unknown languages fall back to English."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def current_language() -> str:
    """Return the language of the request being answered."""
    return _current_language.get()


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Answer in ``language`` inside the block, then restore the previous one."""
    token = _current_language.set(language)
    try:
        yield
    finally:
        _current_language.reset(token)


@contextmanager
def on_command_line() -> Iterator[None]:
    """Word the texts of the block for the command line: ``wattson models``, not ``/models``."""
    token = _command_line.set(True)
    try:
        yield
    finally:
        _command_line.reset(token)


@contextmanager
def use_command_names(context: str) -> Iterator[None]:
    """Name commands from the catalog ``context`` inside the block (a platform's own names)."""
    token = _command_names.set(context)
    try:
        yield
    finally:
        _command_names.reset(token)


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return translations(_current_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count ``n``."""
    return translations(_current_language.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` marked with :func:`NP_` in ``context`` (a field name, a topic)."""
    return translations(_current_language.get()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """Translate a counted message in ``context`` (``large number``: after a number in words)."""
    return translations(_current_language.get()).npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (translated at use)."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark ``message`` in ``context`` (e.g. a command name) for extraction; translate later."""
    return message


# Every command's name, translated in the context "command": what a reader of the
# current language types (``cost`` is ``cout`` in French). Hints name commands with
# :func:`command_name`, never as a literal, so a French reader is never sent to /cost.
COMMAND_NAMES = (
    NP_("command", "cost"),
    NP_("command", "tokens"),
    NP_("command", "check"),
    NP_("command", "fact"),
    NP_("command", "campaign"),
    NP_("command", "models"),
    NP_("command", "how"),
    NP_("command", "lang"),
    NP_("command", "help"),
    NP_("command", "stats"),
)


# What the command line runs for a chat command; the others (/fact, /how) have none.
COMMAND_LINE = {
    "cost": "wattson cost",
    "check": "wattson check",
    "models": "wattson models",
    "campaign": "wattson campaign plan",
}


def command_name(name: str) -> str:
    """The command ``name`` (its English name) as the reader types it: ``/cout`` for a French
    chat reader, ``wattson cost`` on the command line, or ``""`` where the command line has none.

    Only the command is translated: ``cost compare`` is ``/cout compare`` in French.
    """
    head, space, rest = name.partition(" ")
    if _command_line.get():
        shell = COMMAND_LINE.get(head)
        return shell + space + rest if shell else ""
    return "/" + pgettext(_command_names.get(), head) + space + rest


def language_name(code: str) -> str:
    """The name of the language ``code`` in the current language (``anglais`` for a French reader)."""
    from babel.core import Locale

    return Locale.parse(code).get_display_name(current_language()) or code


def negotiate_language(tag: str | None) -> str | None:
    """Map a platform locale tag (``fr``, ``en-US``, ``fr_CA``) to a supported language."""
    if not tag:
        return None
    from babel.core import UnknownLocaleError, negotiate_locale

    try:
        return negotiate_locale([tag.replace("-", "_")], list(SUPPORTED_LANGUAGES))
    except (ValueError, UnknownLocaleError):
        return None
