"""Wattson's benchmarks, each a ratio against a baseline measured in the same run.

- :mod:`bench.suite`: ``wattson bench``, the in-process figures (hot paths,
  search, store operations, ``/check`` on the evaluation sets) and their targets;
- :mod:`bench.storage`: the store operations and search, on each driver;
- :mod:`bench.web_load`: ``wattson web`` as a real process under 50 concurrent
  clients (claim pages, ``/api/v1/check``), on each driver;
- :mod:`bench.discord_load`, :mod:`bench.telegram_load`, :mod:`bench.discord_shards`:
  ``wattson run`` as real processes against the fake platforms of the tests.

The benchmarks drive the core and the stores directly, and the adapters only as
processes: nothing here imports an adapter, so the command line can run them.
"""
