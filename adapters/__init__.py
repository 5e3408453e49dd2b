"""Platform adapters: translate platform events into core requests and replies back.

Each adapter imports its platform library only inside its own module, so the
core runs (and its tests pass) without Discord or Telegram installed.
"""
