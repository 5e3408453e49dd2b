"""The Telegram adapter (python-telegram-bot): commands, replies to messages, HTML.

Importing this package needs python-telegram-bot; ``wattson run`` imports it only
when ``TELEGRAM_TOKEN`` is set.
"""

from adapters.telegram.adapter import TelegramAdapter

__all__ = ["TelegramAdapter"]
