"""/tokens text: how a text is cut into tokens, and how many there are."""

from __future__ import annotations

import unicodedata

from bot.commands.cost import split_model
from bot.commands.text import target_text
from bot.dispatch import Command, Context
from bot.foundation.i18n import N_, _
from bot.measuring.render import token_count_phrase
from bot.measuring.tokens import split_tokens, tokenizer_for
from bot.messages import Reply

SEPARATOR = "|"


def visible(token: str) -> str:
    """Show a token so it cannot hide or reshape the reply.

    Spaces become ``·``, line breaks ``⏎``, other control and format characters
    (null bytes, bidi overrides, zero-width joiners) their code point, so a
    token is always seen, and right-to-left text cannot reorder the rest.
    """
    out = []
    for char in token:
        if char == " ":
            out.append("·")
        elif char == "\n":
            out.append("⏎")
        elif char == "\t":
            out.append("⇥")
        elif unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}:
            out.append(f"<U+{ord(char):04X}>")
        else:
            out.append(char)
    return "".join(out)


async def tokens(context: Context) -> Reply:
    """Show the tokens of a text, as the chosen (or default) model counts them."""
    model, text = split_model(context, context.request.args, "tokens")
    text = target_text(context, text, "tokens")
    tokenizer = tokenizer_for(model.provider, model.name)
    pieces = split_tokens(text, tokenizer.encoding_name)
    shown_limit = context.settings.limits.tokens_shown
    shown = SEPARATOR.join(visible(piece) for piece in pieces[:shown_limit])
    lines = [
        _("{model}: {tokens}").format(
            model=model.name,
            tokens=token_count_phrase(len(pieces), tokenizer.exact, tokenizer.encoding_name),
        ),
        shown,
    ]
    if len(pieces) > shown_limit:
        lines.append(_("… and {count} more.").format(count=len(pieces) - shown_limit))
    lines.append(
        _(
            "A model writes one token at a time, and each token costs a full pass through "
            "its active parameters: that is why the energy grows with the number of tokens."
        )
    )
    return Reply(text="\n".join(lines), data=pieces)


COMMAND = Command(
    name="tokens",
    aliases=("jetons",),
    handler=tokens,
    summary=N_("how a text is cut into tokens"),
    usage=N_("/tokens [model] text"),
)
