"""/models [words]: the models EcoLogits knows, searchable by name."""

from __future__ import annotations

from bot.dispatch import Command, Context
from bot.foundation.formatting import number_format
from bot.foundation.i18n import N_, _
from bot.measuring.energy import ecologits_version
from bot.measuring.render import billions
from bot.messages import Reply


async def models(context: Context) -> Reply:
    """List known models, or those whose name contains every given word."""
    catalog = context.services.catalog
    words = context.request.args.strip()
    found = catalog.search(words) if words else list(catalog)
    fmt = number_format()
    if not found:
        return Reply(
            text=_("No model matches “{words}”. Try a shorter word, e.g. /models llama.").format(
                words=words
            ),
            error=True,
        )
    limit = context.settings.limits.models_per_page
    if words:
        header = _("{count} of the {total} models of EcoLogits {version} match “{words}”:")
    else:
        header = _("EcoLogits {version} knows {total} models; /models WORD searches them:")
    lines = [
        header.format(
            count=fmt.integer(len(found)),
            total=fmt.integer(len(catalog)),
            version=ecologits_version(),
            words=words,
        )
    ]
    for model in found[:limit]:
        if model.is_moe:
            size = _("MoE {total} B, {active} B active").format(
                total=billions(model.total_parameters, fmt),
                active=billions(model.active_parameters, fmt),
            )
        else:
            size = _("dense {total} B").format(total=billions(model.total_parameters, fmt))
        lines.append(f"• {model.key} — {size}")
    if len(found) > limit:
        lines.append(
            _("… and {count} more: add a word to narrow the list.").format(
                count=fmt.integer(len(found) - limit)
            )
        )
    return Reply(text="\n".join(lines), data=found[:limit])


COMMAND = Command(
    name="models",
    aliases=("modeles", "modèles"),
    handler=models,
    summary=N_("the models EcoLogits knows"),
    usage=N_("/models [words]"),
)
