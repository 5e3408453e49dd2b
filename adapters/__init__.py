"""The ways in: translate platform events into core requests and replies back.

Each adapter imports its platform library only inside its own module, so the
core runs (and its tests pass) without Discord or Telegram installed. The
command line (``adapters/cli/``) stands above the adapters: it starts them and
runs the benchmarks; no adapter imports it.
"""
