"""Command names and descriptions in the user's Discord language, from the gettext catalog."""

from __future__ import annotations

from discord import Locale, app_commands

from bot.foundation.i18n import negotiate_language, translations

NAME_CONTEXT = "command name"


class CatalogTranslator(app_commands.Translator):
    """discord.py's translator hook, answered by Wattson's own catalogs."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = negotiate_language(locale.value)
        if language is None or language == "en":
            return None
        catalog = translations(language)
        kind = string.extras.get("context")
        translated = (
            catalog.pgettext(kind, string.message) if kind else catalog.gettext(string.message)
        )
        return translated if translated != string.message else None


def name(message: str) -> app_commands.locale_str:
    """A command or option name, translated in the ``command name`` context."""
    return app_commands.locale_str(message, context=NAME_CONTEXT)


def text(message: str) -> app_commands.locale_str:
    """A description, translated like any other message."""
    return app_commands.locale_str(message)
