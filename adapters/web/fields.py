"""What a request carries, as the pages may use it: text cleaned, form fields read safely.

Any bytes arrive: text that is not UTF-8 reads as U+FFFD, and NUL (which
PostgreSQL refuses and HTML forbids) becomes U+FFFD too, so a search or a
form never fails on what was typed.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from aiohttp import web

MAX_FIELDS = 20


def clean(text: str) -> str:
    """Text as a page may hold it: NUL and lone surrogates (undecodable bytes) become U+FFFD."""
    text = text.replace("\x00", "\ufffd")
    if not _has_surrogates(text):
        return text
    return "".join("\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char for char in text)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


async def form_fields(request: web.Request, max_fields: int = MAX_FIELDS) -> dict[str, str]:
    """The fields of a posted form (URL-encoded, or a JSON object), text cleaned; never raises
    for bad bytes: what is not UTF-8 reads as U+FFFD. A body over the limit raises 413."""
    body = await request.read()
    text = body.decode("utf-8", "replace")
    if request.content_type == "application/json":
        try:
            value = json.loads(text)
        except ValueError:
            return {}
        items = value.items() if isinstance(value, dict) else []
        return {str(k): clean(v) for k, v in items if isinstance(v, str)}
    pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=max_fields)
    return {key: clean(value) for key, value in pairs}


async def fields_of(request: web.Request) -> dict[str, str]:
    """The query's fields, and a POST's over them."""
    fields = {key: clean(value) for key, value in request.query.items()}
    if request.method == "POST":
        fields.update(await form_fields(request))
    return fields
