"""Pages kept rendered until the claim base changes, by this process or any other.

A claim's page shows other claims too (its corrections), and a topic page or
the feed many, so a rendered page is kept with the base's change marker
(:meth:`facts.store.ClaimStore.change_marker`, one indexed read) and served
again only while the marker has not moved. Every write moves it in its own
transaction — in this process, or in another one sharing the PostgreSQL
database — so no page outlives the claim version it shows.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

Marker = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Rendered:
    """A page ready to send: its bytes, type, validator and any script hashes its CSP allows."""

    body: bytes
    content_type: str
    etag: str
    script_hashes: tuple[str, ...] = ()
    status: int = 200

    @classmethod
    def of(
        cls, body: bytes, content_type: str, script_hashes: tuple[str, ...] = (), status: int = 200
    ) -> Rendered:
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        return cls(body, content_type, etag, script_hashes, status)


class PageCache:
    """At most ``size`` rendered pages, least recently used first out, each with its marker."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, tuple[Marker, Rendered]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, marker: Marker) -> Rendered | None:
        """The page rendered at ``marker``, or ``None`` (never rendered, or the base changed)."""
        found = self._pages.get(key)
        if found is None or found[0] != marker:
            self.misses += 1
            return None
        self._pages.move_to_end(key)
        self.hits += 1
        return found[1]

    def put(self, key: Hashable, marker: Marker, page: Rendered) -> None:
        self._pages[key] = (marker, page)
        self._pages.move_to_end(key)
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)
