"""What waits for "Wrong verdict?" stays in memory, briefly and within bounds.

An offer is forgotten once ``seconds`` have passed, the oldest goes first past
the capacity, and tokens cannot be guessed from one another.
"""

from __future__ import annotations

from bot.reports.offers import OfferMemory


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_offer_is_found_by_its_token_and_as_the_latest_of_its_person_in_its_chat() -> None:
    memory = OfferMemory(60, clock=Clock())
    first = memory.remember("500 mL", "inconsistent", "en", "test:a", "test:club")
    second = memory.remember("0.3 Wh", "consistent", "en", "test:a", "test:club")
    offer = memory.find(first)
    assert offer is not None and offer.statement == "500 mL"
    latest = memory.latest("test:a", "test:club")
    assert latest is not None and latest.token == second
    assert memory.latest("test:a", "test:elsewhere") is None
    assert memory.latest("test:b", "test:club") is None


def test_offers_are_forgotten_when_their_time_is_up() -> None:
    clock = Clock()
    memory = OfferMemory(60, clock=clock)
    token = memory.remember("500 mL", "inconsistent", "en", "test:a", "test:club")
    clock.now = 59.9
    assert memory.find(token) is not None
    clock.now = 60.0
    assert memory.find(token) is None and memory.latest("test:a", "test:club") is None
    assert len(memory) == 0


def test_past_its_capacity_the_memory_forgets_the_oldest_first() -> None:
    memory = OfferMemory(60, capacity=3, clock=Clock())
    tokens = [
        memory.remember(f"{n} Wh", "unknown", "en", f"test:{n}", "test:club") for n in range(5)
    ]
    assert len(memory) == 3
    assert [memory.find(t) is not None for t in tokens] == [False, False, True, True, True]
    assert memory.latest("test:0", "test:club") is None


def test_a_reported_offer_remembers_its_report_number() -> None:
    memory = OfferMemory(60, clock=Clock())
    token = memory.remember("500 mL", "inconsistent", "fr", "test:a", "test:club")
    memory.reported(token, 7)
    offer = memory.find(token)
    assert offer is not None and offer.report == 7


def test_tokens_are_random_and_fit_a_telegram_button() -> None:
    memory = OfferMemory(60, clock=Clock())
    tokens = {memory.remember("x", "unknown", "en", "test:a", "test:c") for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(f"check:report:{t}".encode()) <= 64 for t in tokens)
