"""Wattson's platform-independent core: requests in, localized replies out.

Nothing under ``bot/`` imports a chat platform library; adapters in ``adapters/``
translate platform events into :class:`bot.messages.Request` and render
:class:`bot.messages.Reply` back. ``bot/foundation/`` is the layer below
everything, the claim base (``facts/``) included; the rest of ``bot/`` stands
on both (see the README's Layout).
"""

__version__ = "0.1.0"
