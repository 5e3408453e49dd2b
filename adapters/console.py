"""The console adapter: the real core, a terminal or a pipe, no token needed.

It is also the test harness: :meth:`ConsoleAdapter.send` takes a line as a
person would type it and returns the reply texts; :meth:`ConsoleAdapter.paste`
takes several lines at once, as pasted into a terminal.

A command that takes fields (``/fact add``, ``/fact edit ID``, ``/fact propose``,
``/campaign start``) written alone on its line reads the ``key: value`` lines
that follow, up to a blank line (or the next command, or the end of input), as
a chat platform delivers a multi-line message in one piece.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import string
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.dispatch import LOCAL_PLATFORM, Core
from bot.foundation.i18n import _, use_language
from bot.messages import Action, ChatRef, Reply, Request, UserRef

PLATFORM = LOCAL_PLATFORM
PROMPT = "> "
LETTERS = string.ascii_uppercase
CONTINUATION_PROMPT = "… "


class ConsoleAdapter:
    """One local user, who moderates their own console."""

    def __init__(
        self,
        core: Core,
        user_id: str = "local",
        locale: str | None = None,
        output: TextIO | None = None,
        language: str | None = None,
    ) -> None:
        self.core = core
        self.user = UserRef(platform=PLATFORM, id=user_id)
        self.chat = ChatRef(platform=PLATFORM, id=user_id)
        self.locale = locale
        # ``wattson console --lang fr``: this session's language, over a stored /lang, until
        # the user chooses their own with /lang
        self.language = language
        self.output = output
        self._block: list[str] | None = None  # a command's lines while its fields are typed
        self._choices: tuple[Action, ...] = ()  # a quiz's options, answered by the next line
        core.services.outboxes[PLATFORM] = self.post

    async def post(self, chat_id: str, reply: Reply, *, key: str | None = None) -> None:
        """Print a message the bot posts on its own (a campaign's fact)."""
        stream = self.output or sys.stdout
        stream.write(render_reply(reply, self.save_attachments(reply)) + "\n")
        stream.flush()

    def to_request(self, line: str) -> Request | None:
        """Translate a typed line into a request; ``None`` if it is no command."""
        return Request.from_text(
            line,
            user=self.user,
            chat=self.chat,
            locale=self.locale,
            language=self.language,
            is_moderator=True,
        )

    @property
    def reading_fields(self) -> bool:
        """Whether the last command waits for its ``key: value`` lines."""
        return self._block is not None

    async def send(self, line: str) -> list[str]:
        """Answer one typed line as the bot would, and return the reply texts.

        While a command reads its fields, a field line answers nothing yet; the
        blank line (or the next command) that ends them answers the command.
        """
        if self._block is not None:
            if line.strip() and not line.lstrip().startswith("/"):
                self._block.append(line)
                return []
            replies = await self.finish()
            return replies + (await self.send(line) if line.strip() else [])
        choices, self._choices = self._choices, ()
        request = self.to_request(line)
        if request is None and choices and line.strip():
            chosen = choice_of(line, len(choices))
            if chosen is None:
                self._choices = choices  # still waiting for a letter
                return [await self._choice_hint(len(choices))]
            return await self._answer(self.pressing(choices[chosen].data))
        if request is None:
            if not line.strip():
                return []
            return [await self._hint()]
        command = self.core.command_for(request.command)
        if command is not None and command.awaits_fields(request.args):
            self._block = [line]
            return []
        return await self._answer(request)

    async def paste(self, text: str) -> list[str]:
        """Answer several lines at once, as pasted, ending any pending command."""
        replies: list[str] = []
        for line in text.splitlines():
            replies += await self.send(line)
        return replies + await self.finish()

    async def finish(self) -> list[str]:
        """Answer the command whose fields were being read (end of the block or of input)."""
        if self._block is None:
            return []
        text, self._block = "\n".join(self._block), None
        request = self.to_request(text)
        assert request is not None  # its first line was a command
        return await self._answer(request)

    def pressing(self, data: str) -> Request:
        """The request a press of an action makes (the console's is a typed letter)."""
        return Request.pressing(
            data, user=self.user, chat=self.chat, locale=self.locale, is_moderator=True
        )

    async def _answer(self, request: Request) -> list[str]:
        reply = await self.core.handle(request)
        command = self.core.command_for(request.command)
        if command is not None and command.name == "lang" and request.args and not reply.error:
            self.language = None  # the user chose (or reset) a language: theirs from now on
        request = request.model_copy(update={"language": self.language})
        with use_language(await self.core.language_for(request)):  # "Chart saved" too
            text = render_reply(reply, self.save_attachments(reply))
            if reply.poll is not None and reply.actions:
                self._choices = reply.actions  # the next line answers it
                text += "\n" + choice_prompt(len(reply.actions))
            return [text]

    async def _choice_hint(self, count: int) -> str:
        with use_language(await self._language()):
            return choice_prompt(count)

    def save_attachments(self, reply: Reply) -> list[Path]:
        """Write a reply's charts to the configured folder; the console cannot show images."""
        if not reply.attachments:
            return []
        folder = self.core.services.settings.console.charts_dir
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        paths = []
        for attachment in reply.attachments:
            path = folder / f"{stamp}-{attachment.filename}"
            path.write_bytes(attachment.content)
            paths.append(path)
        return paths

    async def _language(self) -> str:
        return await self.core.language_for(
            Request(
                command="help",
                user=self.user,
                chat=self.chat,
                locale=self.locale,
                language=self.language,
            )
        )

    async def _hint(self) -> str:
        with use_language(await self._language()):
            return _("Commands start with /: try /cost Hello, or /help.")

    async def _fields_hint(self) -> str:
        with use_language(await self._language()):
            return _("Now one “key: value” per line; an empty line sends the command.")

    async def repl(self, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
        """Read commands line by line until end of input, answering each."""
        stdin = tolerant(stdin)
        interactive = stdin.isatty()
        if interactive:
            with use_language(await self._language()):
                stdout.write(_("Wattson console. /help lists the commands; Ctrl-D quits.") + "\n")
        lines = read_lines(stdin)
        while True:
            if interactive:
                stdout.write(CONTINUATION_PROMPT if self.reading_fields else PROMPT)
                stdout.flush()
            line = await lines.get()
            if line is None:
                break
            was_reading = self.reading_fields
            for text in await self.send(line.rstrip("\n")):
                stdout.write(text + "\n")
            if interactive and self.reading_fields and not was_reading:
                stdout.write(await self._fields_hint() + "\n")
            stdout.flush()
        for text in await self.finish():
            stdout.write(text + "\n")
        stdout.flush()


def tolerant(stream: TextIO) -> TextIO:
    """``stream`` read as UTF-8 with invalid bytes replaced by U+FFFD, never an error.

    Bytes that are not UTF-8 (a Latin-1 terminal, a binary file piped in) would
    otherwise raise ``UnicodeDecodeError`` or, under the C locale, arrive as lone
    surrogates that fail later when written out or stored.
    """
    if isinstance(stream, io.TextIOWrapper):
        with contextlib.suppress(io.UnsupportedOperation, ValueError):  # already read from
            stream.reconfigure(encoding="utf-8", errors="replace")
    return stream


def read_lines(stdin: TextIO) -> asyncio.Queue[str | None]:
    """Feed lines of ``stdin`` into a queue from a daemon thread; ``None`` ends input.

    A daemon thread, not the event loop's executor: a thread blocked in
    ``readline`` would otherwise keep Ctrl-C from ending the program. Input
    that cannot be read any more (stdin closed or undecodable) ends it too,
    rather than leaving the console waiting for ever.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        # RuntimeError: the event loop is gone, nobody is listening any more.
        with contextlib.suppress(RuntimeError):
            try:
                for line in iter(stdin.readline, ""):
                    loop.call_soon_threadsafe(queue.put_nowait, line)
            except (OSError, ValueError):  # closed, or bytes no codec could read
                pass
            finally:
                loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    return queue


def choice_prompt(count: int) -> str:
    """What to type to answer a quiz of ``count`` options."""
    return _("Type the letter of your answer (A–{last}) or its number.").format(
        last=LETTERS[count - 1]
    )


def choice_of(line: str, count: int) -> int | None:
    """The option a typed ``B``, ``b)`` or ``2`` names, if it is one of ``count``."""
    word = line.strip().rstrip(").").strip()
    if len(word) == 1 and word.upper() in LETTERS[:count]:
        return LETTERS.index(word.upper())
    if word.isdigit() and 1 <= int(word) <= count:
        return int(word) - 1
    return None


def render_reply(reply: Reply, saved: list[Path] | None = None) -> str:
    """The console shows plain text as it is, where it saved each chart, and what to type.

    The console has no buttons: an action shows as its label and the command
    that does the same (``Wrong verdict? /check report [reason]``).
    """
    lines = [reply.text]
    for path in saved or []:
        lines.append(_("Chart saved: {path}").format(path=path))
    lines += [f"{action.label} {action.typed}".strip() for action in reply.actions]
    return "\n".join(lines)
