"""How long Wattson waits for PostgreSQL, in one place: connect, statements, keepalives, roles.

A fault between the bot and its database (a partition, a failover, a server
that stops answering) must never freeze the bot: every wait has a bound, and
what is past its bound is given up, the request apologised for, and the
connection closed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """The bounds on waiting for the database (``[storage]``; defaults documented there)."""

    connect_timeout: float = 5.0  # a new connection answers within this, or is given up
    query_timeout: float = 5.0  # one statement (client side, and the server's statement_timeout)
    keepalive_idle: int = 10  # TCP keepalives test a connection idle this long …
    role_lease: float = 20.0  # … a process keeps its roles this long without the database

    @property
    def keepalive_interval(self) -> int:
        return max(1, self.keepalive_idle // 2)

    @property
    def keepalive_count(self) -> int:
        return 3

    @property
    def dead_after(self) -> float:
        """How soon the server may drop a silent client's session (and its locks)."""
        return self.keepalive_idle + self.keepalive_interval * self.keepalive_count

    def connect_options(self, application: str) -> dict[str, object]:
        """libpq parameters for every connection: bounded connect, keepalives, a name."""
        return {
            "connect_timeout": max(1, round(self.connect_timeout)),
            "keepalives": 1,
            "keepalives_idle": self.keepalive_idle,
            "keepalives_interval": self.keepalive_interval,
            "keepalives_count": self.keepalive_count,
            # unacknowledged data gives up as keepalives do (Linux; ignored elsewhere)
            "tcp_user_timeout": int(self.dead_after * 1000),
            "application_name": application,
        }

    def session_settings(self) -> dict[str, str]:
        """Server settings for each session: the same bounds seen from the server's side."""
        milliseconds = str(int(self.query_timeout * 1000))
        return {
            "statement_timeout": milliseconds,
            # a client gone mid-transaction does not hold its row locks for ever
            "idle_in_transaction_session_timeout": str(int(self.dead_after * 1000)),
            "tcp_keepalives_idle": str(self.keepalive_idle),
            "tcp_keepalives_interval": str(self.keepalive_interval),
            "tcp_keepalives_count": str(self.keepalive_count),
        }
