"""The answer to a native poll that has ended: the right option, the counts, then the source.

Discord's polls have no right answer: when one of Wattson's quiz polls ends,
its adapter posts this reveal. It is worded from what was stored when the poll
was posted (:class:`~bot.quiz.store.QuizPost`: the claim, the language, the
right option) and the options as the poll showed them, so a restart between
the post and the end changes nothing. The counts are how many chose each
option, never who.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands.claims import claim_links, claim_text, page_of
from bot.dispatch import Services
from bot.foundation.formatting import number_format
from bot.foundation.i18n import _, ngettext, use_language
from bot.messages import Reply
from bot.quiz.store import QuizPost


def results_line(counts: Sequence[int], right: int) -> str:
    """``4 answers, 75% right`` in the current language; who answered is never known."""
    answered = sum(counts)
    if not answered:
        return _("No one answered.")
    fmt = number_format()
    share = counts[right] / answered if 0 <= right < len(counts) else 0.0
    return ngettext(
        "{count} answer, {percent} right", "{count} answers, {percent} right", answered
    ).format(count=fmt.integer(answered), percent=fmt.percent(share))


async def poll_reveal(
    services: Services, post: QuizPost, options: Sequence[str], counts: Sequence[int]
) -> Reply:
    """The reveal of an ended quiz poll, in the quiz's language.

    ``options`` are the poll's answers as shown, ``counts`` how many chose each.
    The claim's statement, figure, source and page follow, as they read now.
    """
    claim = await services.claims.get(post.claim_id) if services.claims is not None else None
    with use_language(post.language):
        right = options[post.right_option] if post.right_option < len(options) else ""
        fmt = number_format()
        lines = [
            _("Quiz answer: {answer}").format(answer=right),
            results_line(counts, post.right_option),
        ]
        if sum(counts):
            lines += [
                "• "
                + _("{option}: {count}").format(option=option, count=fmt.integer(count))
                + (" ✓" if i == post.right_option else "")
                for i, (option, count) in enumerate(zip(options, counts, strict=False))
            ]
        if claim is not None:
            page = page_of(services.settings, claim.id, post.language)
            lines += ["", claim_text(claim, page=page)]
    links = claim_links(claim) if claim is not None else ()
    return Reply(text="\n".join(lines), links=links)
