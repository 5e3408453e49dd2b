"""Quizzes from the claim base: a sourced figure asked as a question before it is shown.

A posted fact is read and scrolled past; a question people answer themselves,
then see the source of, makes them think. The package, by what each module owns:

- :mod:`~bot.quiz.model`: what a quiz is (:class:`~bot.quiz.model.Quiz`), why a
  claim makes none (:class:`~bot.quiz.model.Skip`), and the platforms' limits;
- :mod:`~bot.quiz.generate`: :func:`~bot.quiz.generate.quiz_for`, a claim to a
  quiz in one language, deterministic (the same claim asks the same question),
  its options and why each wrong one is wrong;
- :mod:`~bot.quiz.question`: the question, the statement with its figure blank;
- :mod:`~bot.quiz.pool`: which claims make quizzes, in which order (``/quiz``,
  quiz campaigns and their plan), and which do not, with why;
- :mod:`~bot.quiz.store`: quizzes posted and how many chose each option, counts
  only (never who), in the database (component ``quiz``).

Adapters see a quiz as a :class:`bot.messages.Poll` on a :class:`bot.messages.Reply`:
a native poll where the platform has one (Telegram quiz polls, Discord polls),
the reply's text and its actions (one per option) elsewhere.
"""
