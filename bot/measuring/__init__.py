"""Measuring a text: its tokens, the model that would generate it, and what that costs.

- :mod:`~bot.measuring.tokens`: tiktoken, offline, on encodings checked by hash;
- :mod:`~bot.measuring.catalog`: the models EcoLogits knows;
- :mod:`~bot.measuring.energy`, :mod:`~bot.measuring.estimate`: energy, emissions
  and water from EcoLogits, for one text;
- :mod:`~bot.measuring.equivalents`, :mod:`~bot.measuring.machines`: sourced
  everyday equivalents, and the machine that can hold a model;
- :mod:`~bot.measuring.render`: those results as reply text.
"""
