"""Slash commands for every core command, a message context menu, and autocomplete.

Each command only turns its typed options back into the core's argument text
(``/fact search words:x`` → ``fact`` ``search x``) and hands it to the adapter;
what the command does lives in the core. The commands know the adapter only as
an :class:`Answerer`, so the adapter builds them without their knowing it.
"""

from __future__ import annotations

import logging
from typing import Any, Literal, Protocol

import discord
from discord import app_commands

from adapters.discord.translator import CatalogTranslator, name, text
from bot.dispatch import Services
from bot.foundation.i18n import N_, NP_
from bot.messages import Reply
from facts.check import Verdict
from facts.models import Topic
from facts.reports import Resolution
from facts.search import search_claims

MAX_CHOICES = 25
log = logging.getLogger(__name__)

# Command and option names, translated in the "command name" context.
NAMES = {
    "cost": NP_("command name", "cost"),
    "compare": NP_("command name", "compare"),
    "tokens": NP_("command name", "tokens"),
    "models": NP_("command name", "models"),
    "how": NP_("command name", "how"),
    "help": NP_("command name", "help"),
    "lang": NP_("command name", "lang"),
    "check": NP_("command name", "check"),
    "fact": NP_("command name", "fact"),
    "show": NP_("command name", "show"),
    "random": NP_("command name", "random"),
    "topic": NP_("command name", "topic"),
    "search": NP_("command name", "search"),
    "sources": NP_("command name", "sources"),
    "history": NP_("command name", "history"),
    "propose": NP_("command name", "propose"),
    "add": NP_("command name", "add"),
    "edit": NP_("command name", "edit"),
    "retract": NP_("command name", "retract"),
    "review": NP_("command name", "review"),
    "approve": NP_("command name", "approve"),
    "reject": NP_("command name", "reject"),
    "text": NP_("command name", "text"),
    "model": NP_("command name", "model"),
    "words": NP_("command name", "words"),
    "id": NP_("command name", "id"),
    "fields": NP_("command name", "fields"),
    "reason": NP_("command name", "reason"),
    "number": NP_("command name", "number"),
    "language": NP_("command name", "language"),
    "scope": NP_("command name", "scope"),
    "energy-cost": NP_("command name", "Energy cost"),
    "stats": NP_("command name", "stats"),
    "period": NP_("command name", "period"),
    "campaign": NP_("command name", "campaign"),
    "start": NP_("command name", "start"),
    "list": NP_("command name", "list"),
    "pause": NP_("command name", "pause"),
    "resume": NP_("command name", "resume"),
    "stop": NP_("command name", "stop"),
    "report": NP_("command name", "report"),
    "resolution": NP_("command name", "resolution"),
    "verdict": NP_("command name", "verdict"),
    "claims": NP_("command name", "claims"),
    "note": NP_("command name", "note"),
    "desk": NP_("command name", "desk"),
    "quiz": NP_("command name", "quiz"),
}


class Answerer(Protocol):
    """What the commands need of the adapter: a core command run for an interaction."""

    async def answer(
        self,
        interaction: discord.Interaction[Any],
        command: str,
        args: str = "",
        reply_to_text: str | None = None,
    ) -> Reply | None:
        """Run ``command`` with ``args`` for ``interaction`` and send the reply."""
        ...

    async def apologise(self, interaction: discord.Interaction[Any]) -> None:
        """Tell the user something went wrong (a command this code cannot read)."""
        ...


class WattsonTree(app_commands.CommandTree[Any]):
    """The command tree, translated from Wattson's catalogs."""

    _translator_set = False

    async def set_translator_if_needed(self) -> None:
        if not self._translator_set:
            await self.set_translator(CatalogTranslator())
            self._translator_set = True


def build_tree(client: discord.Client, adapter: Answerer, services: Services) -> WattsonTree:
    """Register every command on a new tree for ``client``, answered by ``adapter``.

    ``services`` gives the autocomplete its model catalog and claim store.
    """
    tree = WattsonTree(client)
    catalog = services.catalog

    async def model_names(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        found = catalog.search(current) if current.strip() else list(catalog)
        return [
            app_commands.Choice(name=m.key[:100], value=m.key[:100]) for m in found[:MAX_CHOICES]
        ]

    async def fact_ids(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        store = services.claims
        if store is None:
            return []
        if current.strip():
            claims = [hit.claim for hit in await search_claims(store, current, limit=MAX_CHOICES)]
            if not claims:
                claims = [c for c in await store.all_claims() if current.casefold() in c.id]
        else:
            claims = await store.all_claims()
        return [app_commands.Choice(name=c.id[:100], value=c.id) for c in claims[:MAX_CHOICES]]

    @tree.command(
        name=name(NAMES["cost"]),
        description=text(N_("energy, CO₂ and water of an AI generating this text")),
    )
    @app_commands.describe(
        text=text(N_("the text to measure")), model=text(N_("a model, as /models lists them"))
    )
    @app_commands.rename(text=name(NAMES["text"]), model=name(NAMES["model"]))
    @app_commands.autocomplete(model=model_names)
    async def cost(
        interaction: discord.Interaction[Any], text: str, model: str | None = None
    ) -> None:
        await adapter.answer(interaction, "cost", f"{model} {text}" if model else text)

    @tree.command(
        name=name(NAMES["compare"]),
        description=text(N_("the same text on small, large and mixture-of-experts models")),
    )
    @app_commands.describe(text=text(N_("the text to measure")))
    @app_commands.rename(text=name(NAMES["text"]))
    async def compare(interaction: discord.Interaction[Any], text: str) -> None:
        await adapter.answer(interaction, "cost", f"compare {text}")

    @tree.command(name=name(NAMES["tokens"]), description=text(N_("how a text is cut into tokens")))
    @app_commands.describe(
        text=text(N_("the text to cut")), model=text(N_("a model, as /models lists them"))
    )
    @app_commands.rename(text=name(NAMES["text"]), model=name(NAMES["model"]))
    @app_commands.autocomplete(model=model_names)
    async def tokens(
        interaction: discord.Interaction[Any], text: str, model: str | None = None
    ) -> None:
        await adapter.answer(interaction, "tokens", f"{model} {text}" if model else text)

    @tree.command(name=name(NAMES["models"]), description=text(N_("the models EcoLogits knows")))
    @app_commands.describe(words=text(N_("words of the model name")))
    @app_commands.rename(words=name(NAMES["words"]))
    async def models(interaction: discord.Interaction[Any], words: str | None = None) -> None:
        await adapter.answer(interaction, "models", words or "")

    @tree.command(name=name(NAMES["how"]), description=text(N_("how the estimates are made")))
    async def how(interaction: discord.Interaction[Any]) -> None:
        await adapter.answer(interaction, "how")

    @tree.command(name=name(NAMES["help"]), description=text(N_("what Wattson can do")))
    async def help_(interaction: discord.Interaction[Any]) -> None:
        await adapter.answer(interaction, "help")

    @tree.command(name=name(NAMES["lang"]), description=text(N_("choose English or French")))
    @app_commands.describe(
        language=text(N_("en or fr")),
        scope=text(N_("for you, or for the whole channel (moderators)")),
    )
    @app_commands.rename(language=name(NAMES["language"]), scope=name(NAMES["scope"]))
    async def lang(
        interaction: discord.Interaction[Any],
        language: Literal["en", "fr"],
        scope: Literal["me", "chat"] = "me",
    ) -> None:
        await adapter.answer(
            interaction, "lang", f"chat {language}" if scope == "chat" else language
        )

    @tree.command(
        name=name(NAMES["check"]),
        description=text(N_("check a circulating figure against the sourced claims")),
    )
    @app_commands.describe(text=text(N_("the statement to check")))
    @app_commands.rename(text=name(NAMES["text"]))
    async def check(interaction: discord.Interaction[Any], text: str) -> None:
        await adapter.answer(interaction, "check", text)

    fact = app_commands.Group(
        name=name(NAMES["fact"]), description=text(N_("sourced facts on the footprint of AI"))
    )

    @fact.command(name=name(NAMES["random"]), description=text(N_("a random verified fact")))
    async def fact_random(interaction: discord.Interaction[Any]) -> None:
        await adapter.answer(interaction, "fact", "")

    @fact.command(name=name(NAMES["show"]), description=text(N_("one fact with its source")))
    @app_commands.rename(claim_id=name(NAMES["id"]))
    @app_commands.autocomplete(claim_id=fact_ids)
    async def fact_show(interaction: discord.Interaction[Any], claim_id: str) -> None:
        await adapter.answer(interaction, "fact", claim_id)

    @fact.command(name=name(NAMES["topic"]), description=text(N_("the facts on a topic")))
    @app_commands.rename(topic=name(NAMES["topic"]))
    @app_commands.choices(topic=[app_commands.Choice(name=t.value, value=t.value) for t in Topic])
    async def fact_topic(
        interaction: discord.Interaction[Any], topic: app_commands.Choice[str]
    ) -> None:
        await adapter.answer(interaction, "fact", f"topic {topic.value}")

    @fact.command(name=name(NAMES["search"]), description=text(N_("facts matching words")))
    @app_commands.rename(words=name(NAMES["words"]))
    async def fact_search(interaction: discord.Interaction[Any], words: str) -> None:
        await adapter.answer(interaction, "fact", f"search {words}")

    @fact.command(name=name(NAMES["sources"]), description=text(N_("every source of a fact")))
    @app_commands.rename(claim_id=name(NAMES["id"]))
    @app_commands.autocomplete(claim_id=fact_ids)
    async def fact_sources(interaction: discord.Interaction[Any], claim_id: str) -> None:
        await adapter.answer(interaction, "fact", f"sources {claim_id}")

    @fact.command(name=name(NAMES["history"]), description=text(N_("every change to a fact")))
    @app_commands.rename(claim_id=name(NAMES["id"]))
    @app_commands.autocomplete(claim_id=fact_ids)
    async def fact_history(interaction: discord.Interaction[Any], claim_id: str) -> None:
        await adapter.answer(interaction, "fact", f"history {claim_id}")

    fields_help = text(
        N_("key: value; key: value (id, topic, en, fr, value, unit, url, publisher, date…)")
    )

    @fact.command(name=name(NAMES["propose"]), description=text(N_("propose a fact for review")))
    @app_commands.describe(fields=fields_help)
    @app_commands.rename(fields=name(NAMES["fields"]))
    async def fact_propose(interaction: discord.Interaction[Any], fields: str) -> None:
        await adapter.answer(interaction, "fact", f"propose {fields}")

    @fact.command(name=name(NAMES["add"]), description=text(N_("add a sourced fact (moderators)")))
    @app_commands.describe(fields=fields_help)
    @app_commands.rename(fields=name(NAMES["fields"]))
    async def fact_add(interaction: discord.Interaction[Any], fields: str) -> None:
        await adapter.answer(interaction, "fact", f"add {fields}")

    @fact.command(name=name(NAMES["edit"]), description=text(N_("change a fact (moderators)")))
    @app_commands.describe(fields=fields_help)
    @app_commands.rename(claim_id=name(NAMES["id"]), fields=name(NAMES["fields"]))
    @app_commands.autocomplete(claim_id=fact_ids)
    async def fact_edit(interaction: discord.Interaction[Any], claim_id: str, fields: str) -> None:
        await adapter.answer(interaction, "fact", f"edit {claim_id} {fields}")

    @fact.command(name=name(NAMES["retract"]), description=text(N_("withdraw a fact (moderators)")))
    @app_commands.rename(claim_id=name(NAMES["id"]), reason=name(NAMES["reason"]))
    @app_commands.autocomplete(claim_id=fact_ids)
    async def fact_retract(
        interaction: discord.Interaction[Any], claim_id: str, reason: str = ""
    ) -> None:
        await adapter.answer(interaction, "fact", f"retract {claim_id} {reason}".strip())

    @fact.command(
        name=name(NAMES["review"]), description=text(N_("proposals waiting (moderators)"))
    )
    @app_commands.describe(number=text(N_("one proposal alone: its number")))
    @app_commands.rename(number=name(NAMES["number"]))
    async def fact_review(
        interaction: discord.Interaction[Any], number: app_commands.Range[int, 1] | None = None
    ) -> None:
        await adapter.answer(interaction, "fact", f"review {number or ''}".strip())

    @fact.command(
        name=name(NAMES["desk"]),
        description=text(N_("a sign-in link to the moderators' desk on the web (moderators)")),
    )
    async def fact_desk(interaction: discord.Interaction[Any]) -> None:
        await adapter.answer(interaction, "fact", "desk")

    @fact.command(
        name=name(NAMES["approve"]), description=text(N_("approve a proposal (moderators)"))
    )
    @app_commands.rename(number=name(NAMES["number"]))
    async def fact_approve(
        interaction: discord.Interaction[Any], number: app_commands.Range[int, 1]
    ) -> None:
        await adapter.answer(interaction, "fact", f"approve {number}")

    @fact.command(
        name=name(NAMES["reject"]), description=text(N_("reject a proposal (moderators)"))
    )
    @app_commands.rename(number=name(NAMES["number"]), reason=name(NAMES["reason"]))
    async def fact_reject(
        interaction: discord.Interaction[Any], number: app_commands.Range[int, 1], reason: str
    ) -> None:
        await adapter.answer(interaction, "fact", f"reject {number} {reason}")

    @fact.command(
        name=name(NAMES["report"]),
        description=text(N_("a report of a wrong verdict: show or resolve it (moderators)")),
    )
    @app_commands.describe(
        number=text(N_("its number, as /fact review lists it")),
        resolution=text(N_("right, claim (to add or correct), or eval (into the evaluation set)")),
        verdict=text(N_("with eval: the right verdict")),
        claims=text(N_("with eval: ids of the claims a right answer may cite")),
        note=text(N_("with right or claim: a note")),
    )
    @app_commands.rename(
        number=name(NAMES["number"]), resolution=name(NAMES["resolution"]),
        verdict=name(NAMES["verdict"]), claims=name(NAMES["claims"]), note=name(NAMES["note"]),
    )  # fmt: skip
    @app_commands.choices(
        resolution=[app_commands.Choice(name=r.value, value=r.value) for r in Resolution],
        verdict=[app_commands.Choice(name=v.value, value=v.value) for v in Verdict],
    )
    async def fact_report(
        interaction: discord.Interaction[Any],
        number: app_commands.Range[int, 1],
        resolution: app_commands.Choice[str] | None = None,
        verdict: app_commands.Choice[str] | None = None,
        claims: str = "",
        note: str = "",
    ) -> None:
        words = ["report", str(number)]
        if resolution is not None and resolution.value == Resolution.eval.value:
            words += [resolution.value, verdict.value if verdict else "", claims]
        elif resolution is not None:
            words += [resolution.value, note]
        await adapter.answer(interaction, "fact", " ".join(w for w in words if w))

    tree.add_command(fact)

    @tree.command(
        name=name(NAMES["quiz"]),
        description=text(N_("a question on a sourced figure; answer, then see the source")),
    )
    @app_commands.describe(topic=text(N_("a topic; any topic if left out")))
    @app_commands.rename(topic=name(NAMES["topic"]))
    @app_commands.choices(topic=[app_commands.Choice(name=t.value, value=t.value) for t in Topic])
    async def quiz(
        interaction: discord.Interaction[Any], topic: app_commands.Choice[str] | None = None
    ) -> None:
        await adapter.answer(interaction, "quiz", topic.value if topic else "")

    @tree.command(
        name=name(NAMES["stats"]),
        description=text(N_("what Wattson did in this chat (counts only)")),
    )
    @app_commands.describe(period=text(N_("today, week, month, year, all, or a number of days")))
    @app_commands.rename(period=name(NAMES["period"]))
    async def stats(interaction: discord.Interaction[Any], period: str = "") -> None:
        await adapter.answer(interaction, "stats", period)

    campaign = app_commands.Group(
        name=name(NAMES["campaign"]), description=text(N_("scheduled sourced facts in this chat"))
    )

    @campaign.command(
        name=name(NAMES["start"]), description=text(N_("start a campaign (moderators)"))
    )
    @app_commands.describe(
        fields=text(N_("topic: water; daily: 09:00; tz: Europe/Paris; from: …; to: …"))
    )
    @app_commands.rename(fields=name(NAMES["fields"]))
    async def campaign_start(interaction: discord.Interaction[Any], fields: str) -> None:
        await adapter.answer(interaction, "campaign", f"start {fields}")

    @campaign.command(name=name(NAMES["list"]), description=text(N_("the campaigns of this chat")))
    async def campaign_list(interaction: discord.Interaction[Any]) -> None:
        await adapter.answer(interaction, "campaign", "list")

    def campaign_change(action: str, summary: str) -> app_commands.Command[Any, Any, None]:
        @campaign.command(name=name(NAMES[action]), description=text(summary))
        @app_commands.rename(number=name(NAMES["number"]))
        async def change(
            interaction: discord.Interaction[Any], number: app_commands.Range[int, 1]
        ) -> None:
            await adapter.answer(interaction, "campaign", f"{action} {number}")

        return change

    campaign_change("pause", N_("pause a campaign (moderators)"))
    campaign_change("resume", N_("resume a campaign (moderators)"))
    campaign_change("stop", N_("stop a campaign (moderators)"))
    tree.add_command(campaign)

    @tree.error
    async def on_error(
        interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        """A command Discord sent in a shape this code does not know still gets an answer."""
        log.error("Discord command failed: %s", error)
        await adapter.apologise(interaction)

    @tree.context_menu(name=name(NAMES["energy-cost"]))
    async def energy_cost(interaction: discord.Interaction[Any], message: discord.Message) -> None:
        await adapter.answer(interaction, "cost", "", reply_to_text=message.content)

    return tree
