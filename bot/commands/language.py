"""/lang [en|fr] [chat]: choose the language of replies, for yourself or the whole chat."""

from __future__ import annotations

from bot.commands.text import first_word
from bot.dispatch import Command, Context
from bot.foundation.errors import PermissionDeniedError, UserInputError
from bot.foundation.i18n import (
    N_,
    SUPPORTED_LANGUAGES,
    _,
    language_name,
    negotiate_language,
    use_language,
)
from bot.messages import Reply

CHAT_WORDS = frozenset({"chat", "group", "groupe", "channel", "salon"})
RESET_WORDS = frozenset({"reset", "auto", "default", "défaut"})


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
    if not first and scope == "chat":
        return await chat_language(context)
    if not first:
        return Reply(
            text=_(
                "Replies are in {language}. Change with /lang en or /lang fr (/lang chat fr for the whole chat)."
            ).format(language=language_name(context.language))
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
                language=language_name(shown)
            )
        else:
            text = _("Your replies will now be in {language}.").format(
                language=language_name(shown)
            )
    return Reply(text=text)


async def chat_language(context: Context) -> Reply:
    """``/lang chat``: the language chosen for this chat, which may differ from the reader's own."""
    store = context.services.preferences
    chat = context.request.chat
    chosen = None
    if store is not None:
        chosen = await store.language("chat", context.request.user.platform, chat.id)
    if chosen:
        text = _("This chat’s language is {language}.").format(language=language_name(chosen))
    else:
        text = _(
            "This chat has no language of its own: each reader gets their own choice, else"
            " their app’s language, else {language}."
        ).format(language=language_name(context.settings.language.default))
    if context.language != (chosen or context.language):
        text += " " + _("Your own replies are in {language} (/lang en|fr).").format(
            language=language_name(context.language)
        )
    return Reply(text=text + " " + _("Moderators change it with /lang chat en or /lang chat fr."))


COMMAND = Command(
    name="lang",
    aliases=("langue", "language"),
    handler=lang,
    summary=N_("choose English or French"),
    usage=N_("/lang en|fr · /lang chat en|fr (moderators)"),
)
