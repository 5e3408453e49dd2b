"""Awareness campaigns: sourced facts posted on a schedule, exactly once per slot.

A campaign posts facts of a topic (or a list of claims) in a chat, daily at a
time in a time zone or every N hours, between two dates. Schedules live in the
store and survive restarts. Each scheduled slot is written down *before* its
post is sent, so a restart can never post it twice; a slot that came and went
while the bot was down is either posted once, late (the most recent one), or
reported in the chat (older ones), never skipped silently. A post whose sending
was interrupted by a crash is reported as uncertain rather than sent again.
Facts rotate without repetition until the pool is used up, then start over.

The package, by what each module owns:

- :mod:`~bot.campaigns.schedule`: what a moderator asks for (:class:`CampaignSpec`)
  and when its slots fall;
- :mod:`~bot.campaigns.rotation`: which fact comes next (also for ``wattson
  campaign plan``);
- :mod:`~bot.campaigns.store`: campaigns and their post log in the database;
- :mod:`~bot.campaigns.scheduler`: posting what is due, once per slot.
"""
