"""The foundation every other layer stands on: languages, numbers, errors, sources, storage.

Nothing here knows what a claim, a model or a chat platform is, so the claim
base (``facts/``), the core (the rest of ``bot/``) and the adapters can all use
it; it imports nothing of theirs (``tests/test_architecture.py`` holds that).

- :mod:`~bot.foundation.i18n`: the reader's language and the gettext catalogs;
- :mod:`~bot.foundation.formatting`, :mod:`~bot.foundation.amounts`: numbers
  and amounts as the reader's locale writes them (Babel);
- :mod:`~bot.foundation.errors`: the errors answered in the reader's language;
- :mod:`~bot.foundation.sources`: who published a figure, where and when;
- :mod:`~bot.foundation.metrics`: counts and timings for operators (Prometheus);
- :mod:`~bot.foundation.storage`: one storage interface, the SQLite and
  PostgreSQL drivers side by side, and the delivery ledger.
"""
