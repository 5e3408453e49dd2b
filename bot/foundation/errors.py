"""Errors the core turns into clear, localized answers instead of tracebacks.

The tree::

    WattsonError                  anything the bot can explain to a person
     ├── UserInputError           the request itself is wrong; nothing was written
     │    ├── EmptyTextError
     │    ├── MissingArgumentError says what is missing, with the usage and an example
     │    ├── TextTooLongError
     │    ├── UnknownModelError   carries the closest known model names
     │    ├── AmbiguousModelError carries the candidates
     │    ├── ModelFamilyError    a family word (claude, llama) where one model is meant
     │    ├── UnknownZoneError
     │    ├── UnknownCommandError
     │    ├── PermissionDeniedError
     │    └── RateLimitedError
     ├── ConfigError              a setting is invalid; names the key and the expected form
     ├── DataIntegrityError       a shipped data file does not match its published hash
     └── DatabaseUnavailableError the database does not answer now (a network fault, a restart)

Each error renders its message with :meth:`WattsonError.localized`, called at reply
time so it follows the locale of the request being answered.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.foundation.i18n import _, command_name


class WattsonError(Exception):
    """Base class: an error whose message can be shown to a user."""

    def localized(self) -> str:
        """Return the message in the current locale."""
        return str(self)


class UserInputError(WattsonError):
    """The request cannot be answered as given."""


class EmptyTextError(UserInputError):
    """A command that measures text received none."""

    def __init__(self, command: str) -> None:
        super().__init__(f"/{command} needs some text")
        self.command = command

    def localized(self) -> str:
        if self.command == "check":  # a statement is checked, not measured
            message = _(
                "There is no statement to check. Write it after {command}, "
                "or use {command} in reply to a message."
            )
        else:
            message = _(
                "There is no text to measure. Write it after {command}, "
                "or use {command} in reply to a message."
            )
        return message.format(command=command_name(self.command))


class MissingArgumentError(UserInputError):
    """A command lacks an argument: say which, how the command is written, and an example.

    ``question`` and ``usage`` are marked with ``N_`` and translated when shown;
    ``example`` is a command as typed (ids and numbers read the same in any language).
    """

    def __init__(self, question: str, usage: str, example: str) -> None:
        super().__init__(f"{question} usage: {usage}")
        self.question = question
        self.usage = usage
        self.example = example

    def localized(self) -> str:
        return _("{question} Usage: {usage} — for example: {example}").format(
            question=_(self.question), usage=_(self.usage), example=_(self.example)
        )


class TextTooLongError(UserInputError):
    """The text is longer than the configured limit."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"text of {length} characters exceeds the limit of {limit}")
        self.length = length
        self.limit = limit

    def localized(self) -> str:
        from bot.foundation.formatting import number_format

        fmt = number_format()
        return _("This text has {length} characters; the limit is {limit}.").format(
            length=fmt.integer(self.length), limit=fmt.integer(self.limit)
        )


class UnknownModelError(UserInputError):
    """No model of the EcoLogits repository matches the name."""

    def __init__(
        self, name: str, suggestions: Sequence[str], providers: Sequence[str] = ()
    ) -> None:
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown model {name!r}{hint}")
        self.name = name
        self.suggestions = tuple(suggestions)
        self.providers = tuple(providers)  # given when the provider itself is unknown

    def localized(self) -> str:
        text = _("Unknown model “{name}”.").format(name=self.name)
        if self.providers:
            text += " " + _("Known providers: {names}.").format(names=", ".join(self.providers))
        if self.suggestions:
            text += " " + _("Closest known models: {names}.").format(
                names=", ".join(self.suggestions)
            )
        return text + " " + _("{models} lists them all.").format(models=command_name("models"))


class AmbiguousModelError(UserInputError):
    """A bare model name matches models of several providers."""

    def __init__(self, name: str, candidates: Sequence[str]) -> None:
        super().__init__(f"model name {name!r} is ambiguous: {', '.join(candidates)}")
        self.name = name
        self.candidates = tuple(candidates)

    def localized(self) -> str:
        return _("“{name}” matches several models; write one of: {names}.").format(
            name=self.name, names=", ".join(self.candidates)
        )


class ModelFamilyError(UserInputError):
    """``/cost claude hello``: a family or provider word names many models, not one.

    Measuring "claude hello" on the default model would answer a question nobody
    asked; the reader is shown the models of that family instead.
    """

    SHOWN = 12

    def __init__(self, word: str, models: Sequence[str], command: str) -> None:
        super().__init__(f"{word!r} names {len(models)} models, not one")
        self.word = word
        self.models = tuple(models)
        self.command = command

    def localized(self) -> str:
        shown = ", ".join(self.models[: self.SHOWN])
        text = _(
            "“{word}” names several models, not one: write the one you mean before the text,"
            " for example {command} {model} your text. Its models: {names}"
        ).format(
            word=self.word, command=command_name(self.command), model=self.models[0], names=shown
        )
        if len(self.models) > self.SHOWN:
            text += " " + _("… {count} in all: {models} {word} lists them.").format(
                count=len(self.models), models=command_name("models"), word=self.word
            )
        return text + ("" if text.endswith(".") else ".")


class UnknownZoneError(UserInputError):
    """The electricity-mix zone is not in EcoLogits' repository."""

    def __init__(self, zone: str, suggestions: Sequence[str]) -> None:
        super().__init__(
            f"unknown electricity-mix zone {zone!r}: expected a three-letter ISO 3166-1 code"
            " known to EcoLogits (FRA, USA…) or WOR"
        )
        self.zone = zone
        self.suggestions = tuple(suggestions)

    def localized(self) -> str:
        text = _(
            "Unknown electricity-mix zone “{zone}”: use a three-letter ISO 3166-1 code "
            "such as FRA, USA or WOR (world)."
        ).format(zone=self.zone)
        if self.suggestions:
            text += " " + _("Closest: {names}.").format(names=", ".join(self.suggestions))
        return text


class UnknownCommandError(UserInputError):
    """The message starts with a command the bot does not know."""

    def __init__(self, command: str, suggestions: Sequence[str]) -> None:
        super().__init__(f"unknown command /{command}")
        self.command = command
        self.suggestions = tuple(suggestions)

    def localized(self) -> str:
        text = _("Unknown command /{command}.").format(command=self.command)
        if self.suggestions:
            text += " " + _("Did you mean {names}?").format(
                names=", ".join(f"/{name}" for name in self.suggestions)
            )
        return text + " " + _("/help lists the commands.")


class PermissionDeniedError(UserInputError):
    """Only moderators may do this."""

    def __init__(self, action: str, suggestion: str = "") -> None:
        super().__init__(f"only moderators may {action}")
        self.action = action
        self.suggestion = suggestion  # marked with N_: what a member can do instead

    def localized(self) -> str:
        text = _("Only moderators of this chat can do that. Nothing was changed.")
        return f"{text} {_(self.suggestion)}" if self.suggestion else text


class RateLimitedError(UserInputError):
    """Too many requests from this person or chat in the last minute."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:.0f} s")
        self.retry_after = retry_after

    def localized(self) -> str:
        seconds = max(1, round(self.retry_after))
        return _("Easy there: too many requests. Try again in {seconds} s.").format(seconds=seconds)


class ConfigError(WattsonError):
    """A setting is invalid; the message names the key and the expected form."""


class DataIntegrityError(WattsonError):
    """A shipped data file is missing or does not match its published hash."""


class DatabaseUnavailableError(WattsonError):
    """The database did not answer in time or the connection to it broke; try again later.

    Raised by the storage driver, which logs the fault once; the reply says what
    still works. A change whose answer never came may or may not have been
    written: the reply says so rather than promise that nothing was.
    """

    def __init__(self, cause: str) -> None:
        super().__init__(f"the database is unavailable: {cause}")
        self.cause = cause

    def localized(self) -> str:
        return _(
            "The database is not answering at the moment, so I cannot do this now; please try"
            " again in a minute. If you were changing something, check whether it was saved"
            " before trying again. /cost, /tokens, /models and /how still work."
        )
