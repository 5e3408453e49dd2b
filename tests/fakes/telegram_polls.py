"""Native polls for the fake Telegram: ``sendPoll`` as the Bot API checks it, and votes.

The limits are python-telegram-bot's :class:`telegram.constants.PollLimit`, which
follows the Bot API (10.0 with PTB 22.8: a question of 1–300 characters, 1–12
options of 1–100 characters, an explanation of at most 200 characters and 2 line
feeds). Lengths are counted in characters, as the Bot API server (TDLib's
``utf8_length``) counts them. A refused poll answers 400 with the Bot API's
wording where it is known (TDLib's messages, first letter lowered) and sends
nothing. A quiz takes its right options as ``correct_option_ids`` (Bot API 9.6)
or the older ``correct_option_id``.

A poll object is what the Bot API shows bots (every option's ``voter_count``,
``persistent_id``, the quiz's right options and explanation); a vote changes its
counts and makes a ``poll`` update with the new totals, and for a poll that is
not anonymous a ``poll_answer`` naming the voter (tests may force one for an
anonymous poll, to show the bot copes with it).
"""

from __future__ import annotations

import json
from typing import Any

from telegram.constants import PollLimit

# What a group whose permissions forbid polls answers (TDLib: can_send_polls is false).
POLLS_FORBIDDEN = "not enough rights to send polls to the chat"


def _decoded(value: Any) -> Any:
    """A form field as the Bot API reads it: JSON where PTB encoded it so."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def option_texts(params: dict[str, Any]) -> list[str]:
    options = _decoded(params.get("options")) or []
    return [str(o.get("text", "")) if isinstance(o, dict) else str(o) for o in options]


def correct_ids(params: dict[str, Any]) -> list[int]:
    ids = _decoded(params.get("correct_option_ids"))
    if ids is None and params.get("correct_option_id") is not None:
        ids = [_decoded(params["correct_option_id"])]
    return [int(i) for i in ids or []]


def poll_problem(params: dict[str, Any]) -> str | None:
    """Why the Bot API would refuse this ``sendPoll``, if it would (without ``Bad Request:``)."""
    question = str(params.get("question") or "")
    if not question.strip():
        return "poll question must be non-empty"
    if len(question) > PollLimit.MAX_QUESTION_LENGTH:
        return f"poll question length must not exceed {PollLimit.MAX_QUESTION_LENGTH}"
    options = option_texts(params)
    if len(options) < PollLimit.MIN_OPTION_NUMBER:
        return "poll must have at least one answer option"
    if len(options) > PollLimit.MAX_OPTION_NUMBER:
        return f"poll can't have more than {PollLimit.MAX_OPTION_NUMBER} options"
    for text in options:
        if not text.strip():
            return "poll options must be non-empty"
        if len(text) > PollLimit.MAX_OPTION_LENGTH:
            return f"poll options length must not exceed {PollLimit.MAX_OPTION_LENGTH}"
    kind = str(params.get("type") or "regular")
    if kind not in ("regular", "quiz"):
        return "poll type is invalid"
    if kind == "quiz":
        right = correct_ids(params)
        if not right or any(not 0 <= i < len(options) for i in right):
            return "wrong correct option ID specified"
        explanation = str(params.get("explanation") or "")
        if len(explanation) > PollLimit.MAX_EXPLANATION_LENGTH:
            return f"poll explanation length must not exceed {PollLimit.MAX_EXPLANATION_LENGTH}"
        if explanation.count("\n") > PollLimit.MAX_EXPLANATION_LINE_FEEDS:
            return "poll explanation must not have more than 2 line feeds"
    elif params.get("explanation") or params.get("correct_option_ids"):
        return "explanation and correct options are for quiz polls only"
    return None


def new_poll(poll_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """The poll object of a ``sendPoll`` the fake accepted, as the Bot API shows it to bots."""
    kind = str(params.get("type") or "regular")
    anonymous = _decoded(params.get("is_anonymous"))
    poll: dict[str, Any] = {
        "id": poll_id,
        "question": str(params["question"]),
        "options": [
            {"text": text, "voter_count": 0, "persistent_id": str(n)}
            for n, text in enumerate(option_texts(params))
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": anonymous is not False,  # anonymous unless told otherwise
        "type": kind,
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
    }
    if kind == "quiz":
        poll["correct_option_ids"] = correct_ids(params)
        if params.get("explanation"):
            poll["explanation"] = str(params["explanation"])
    return poll


def vote(poll: dict[str, Any], option: int) -> dict[str, Any]:
    """One more vote for ``option``; the poll as the ``poll`` update then shows it (a copy)."""
    poll["options"][option]["voter_count"] += 1
    poll["total_voter_count"] += 1
    return json.loads(json.dumps(poll))


def poll_answer(poll: dict[str, Any], option: int, user_id: int) -> dict[str, Any]:
    """The ``poll_answer`` a vote makes: it names the voter."""
    return {
        "poll_id": poll["id"],
        "user": {"id": user_id, "is_bot": False, "first_name": "Voter"},
        "option_ids": [option],
        "option_persistent_ids": [poll["options"][option]["persistent_id"]],
    }
