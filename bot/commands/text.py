"""Where a measuring command finds its text: after the command, or in the replied-to message."""

from __future__ import annotations

from bot.dispatch import Context
from bot.foundation.errors import EmptyTextError, TextTooLongError


def target_text(context: Context, args: str, command: str) -> str:
    """Return the text to measure, or raise a localized error.

    The text typed after the command wins; with none, the message the command
    replies to is measured (how /cost works on someone else's message).
    """
    text = args if args.strip() else (context.request.reply_to_text or "")
    if not text.strip():
        raise EmptyTextError(command)
    limit = context.settings.limits.max_input_chars
    if len(text) > limit:
        raise TextTooLongError(len(text), limit)
    return text


def first_word(args: str) -> tuple[str, str]:
    """Split ``args`` into its first word and the rest (any whitespace separates)."""
    parts = args.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""
