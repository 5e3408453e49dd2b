"""/lang [en|fr] [chat]: choose the language of replies, for yourself or the whole chat."""

from __future__ import annotations

from bot.commands.text import first_word
from bot.dispatch import Command, Context
from bot.foundation.errors import PermissionDeniedError, UserInputError
from bot.foundation.i18n import N_, SUPPORTED_LANGUAGES, _, negotiate_language, use_language
from bot.messages import Reply

CHAT_WORDS = frozenset({"chat", "group", "groupe", "channel", "salon"})
RESET_WORDS = frozenset({"reset", "auto", "default", "défaut"})
LANGUAGE_NAMES = {"en": "English", "fr": "français"}


class UnknownLanguageError(UserInputError):
    def __init__(self, value: str) -> None:
        super().__init__(f"unsupported language {value!r}")
        self.value = value

    def localized(self) -> str:
        return _("Unknown language “{value}”; choose one of: {choices}.").format(
            value=self.value, choices=", ".join(SUPPORTED_LANGUAGES)
        )


async def lang(context: Context) -> Reply:
    """Show or set the reply language."""
    request = context.request
    first, rest = first_word(request.args)
    scope = "user"
    if first.casefold() in CHAT_WORDS:
        scope, (first, rest) = "chat", first_word(rest)
    elif rest.strip().casefold() in CHAT_WORDS:
        scope = "chat"
    if not first:
        return Reply(
            text=_(
                "Replies are in {language}. Change with /lang en or /lang fr (/lang chat fr for the whole chat)."
            ).format(language=LANGUAGE_NAMES[context.language])
        )
    reset = first.casefold() in RESET_WORDS
    language = None if reset else negotiate_language(first)
    if not reset and language is None:
        raise UnknownLanguageError(first)
    if scope == "chat" and not context.is_moderator:
        raise PermissionDeniedError("set the chat language")
    store = context.services.preferences
    if store is None:
        return Reply(text=_("Preferences cannot be saved here."), error=True)
    subject = request.chat.id if scope == "chat" else request.user.id
    await store.set_language(scope, request.user.platform, subject, language)  # type: ignore[arg-type]
    shown = language or context.settings.language.default
    with use_language(shown):
        if reset:
            text = _("Language preference removed.")
        elif scope == "chat":
            text = _("This chat’s replies will now be in {language}.").format(
                language=LANGUAGE_NAMES[shown]
            )
        else:
            text = _("Your replies will now be in {language}.").format(
                language=LANGUAGE_NAMES[shown]
            )
    return Reply(text=text)


COMMAND = Command(
    name="lang",
    aliases=("langue", "language"),
    handler=lang,
    summary=N_("choose English or French"),
    usage=N_("/lang en|fr · /lang chat en|fr (moderators)"),
)
