"""Readers' reports of a wrong /check verdict, on the core's side.

- :mod:`~bot.reports.offers`: the checked statements waiting, in memory and
  briefly, for their reader to press "Wrong verdict?";
- :mod:`~bot.reports.filing`: the offer under every /check answer, and the
  report a press (or ``/check report [REASON]``) files;
- :mod:`~bot.reports.review`: the reports in moderators' ``/fact review``, and
  ``/fact report N right|claim|eval VERDICT``.

The reports themselves are kept by :mod:`facts.reports`.
"""
