"""The quiz of a claim on its own page: a form without script, answered by the bot's reveal.

``/claims/ID/quiz`` shows the question and its options as radio buttons (the
same quiz ``/quiz`` asks in a chat, :func:`bot.quiz.generate.quiz_for`), on a
page of its own since the claim's page states the answer; the claim page links
to it when the quick checks pass (reading the statement is left to this page,
which says why if the claim makes no quiz after all). The form posts the chosen option back to the same address, which asks
the core as a press of that option, so the reveal (right or wrong, the
statement, its source) is the bot's reply, line for line. Nothing about the
reader is kept: the page is the same for everyone, and an answer posted here
is not even counted.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from adapters.web.fields import fields_of
from adapters.web.render import Page
from adapters.web.site import SITE, Site
from adapters.web.urls import Links
from bot.commands.quiz import LETTERS, SKIP_LABELS, press_key
from bot.foundation.i18n import _
from bot.quiz.generate import may_make_a_quiz, quiz_for
from bot.quiz.model import Quiz, Skip
from bot.quiz.pool import quiz_base
from facts.models import CLAIM_ID_PATTERN, Claim

CLAIM_ID = re.compile(CLAIM_ID_PATTERN)


async def made_quiz(site: Site, claim: Claim, language: str) -> Quiz | Skip:
    """The claim's quiz in ``language``, or why it makes none."""
    corrections = await site.corrections(await site.marker())
    return quiz_for(claim, language, base=await quiz_base(site.store, claim, corrections))


async def quiz_link(site: Site, claim: Claim, links: Links) -> dict[str, str] | None:
    """The claim page's link to its quiz, when the quick checks let it make one.

    The claim page is among the most visited: reading its statement for the
    quiz is left to the quiz's page, which says so if the claim makes none.
    """
    if not may_make_a_quiz(claim):
        return None
    return {"url": links.to(f"/claims/{claim.id}/quiz")}


def form_of(quiz: Quiz, links: Links) -> dict[str, Any]:
    return {
        "question": quiz.question,
        "options": [
            {"value": str(index), "letter": LETTERS[index], "text": option}
            for index, option in enumerate(quiz.options)
        ],
        "action": links.to(f"/claims/{quiz.claim_id}/quiz"),
    }


async def quiz_view(site: Site, claim_id: str, chosen: str | None, links: Links) -> Page:
    """The form (``chosen`` ``None``), or the bot's reveal of the option chosen."""
    claim = await site.store.get(claim_id)
    made = await made_quiz(site, claim, links.language) if claim is not None else None
    if not isinstance(made, Quiz):
        text = _("This claim makes no quiz. Its page shows the figure and its sources.")
        if isinstance(made, Skip):
            text += " " + _("Why: {reason}.").format(reason=_(SKIP_LABELS[made.reason]))
        return quiz_page(claim_id, None, {"lines": [text], "error": True}, links, 404)
    quiz = made
    if chosen is None:
        return quiz_page(claim_id, form_of(quiz, links), None, links, 200)
    if not chosen.isdigit() or len(chosen) > 2:
        text = _("Choose one of the answers, then press “Answer”.")
        return quiz_page(claim_id, form_of(quiz, links), {"lines": [text], "error": True},
                         links, 422)  # fmt: skip
    reply = await site.press(press_key(claim_id, int(chosen)), "", links.language)
    answer = {"lines": reply.text.splitlines(), "error": reply.error}
    return quiz_page(claim_id, None, answer, links, 422 if reply.error else 200, revealed=True)


def quiz_page(
    claim_id: str,
    form: dict[str, Any] | None,
    answer: dict[str, Any] | None,
    links: Links,
    status: int,
    revealed: bool = False,
) -> Page:
    return Page(
        "quiz.html",
        {
            "quiz": form,
            "answer": answer,
            "revealed": revealed,
            "claim_url": links.to(f"/claims/{claim_id}"),
        },
        _("Quiz: {question}").format(question=form["question"][:80]) if form else _("Quiz"),
        f"/claims/{claim_id}/quiz",
        status=status,
        indexed=False,
    )


async def quiz(request: web.Request) -> web.Response:
    """GET ``/claims/ID/quiz``: the form; POST (``answer``: the option's number): the reveal."""
    site = request.app[SITE]
    claim_id = request.match_info["id"].strip().casefold()
    if not CLAIM_ID.match(claim_id):
        raise web.HTTPNotFound()
    chosen = None
    if request.method == "POST":
        chosen = (await fields_of(request)).get("answer", "").strip()
    return await site.page(request, lambda links: quiz_view(site, claim_id, chosen, links), None)
