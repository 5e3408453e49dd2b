"""What operators watch, in Prometheus' format: counts and timings, never a message's contents.

One process, one set of metrics (prometheus_client's default registry, with its
own ``process_*`` and ``python_*`` series): ``/metrics`` of the web server
exposes them. Every label takes a few known values — a platform, a command's
canonical name (``unknown`` for anything else typed), a route's pattern, an
HTTP status — so no reader's text or id can become a series. Names follow
Prometheus' conventions: a ``wattson_`` prefix, base units (seconds), counters
ending in ``_total`` (the library adds it).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UNKNOWN_COMMAND = "unknown"

REQUESTS = Counter(
    "wattson_requests",
    "Commands received by the core, by platform and command.",
    ["platform", "command"],
)
REPLIES = Counter(
    "wattson_replies",
    "Replies the core gave, by platform, command and outcome (ok, or error for refusals).",
    ["platform", "command", "outcome"],
)
REQUEST_SECONDS = Histogram(
    "wattson_request_duration_seconds",
    "Time the core took to answer a command, by platform and command.",
    ["platform", "command"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SENDS_RETRIED = Counter(
    "wattson_sends_retried",
    "Sends to a platform tried again after a failure that proved nothing was posted.",
    ["platform"],
)
SENDS_GIVEN_UP = Counter(
    "wattson_sends_given_up",
    "Replies given up after their retries, or not resent because they may have arrived.",
    ["platform"],
)
UPDATES_DROPPED = Counter(
    "wattson_updates_dropped",
    "Commands left unanswered because their chat was over its flood budget.",
    ["platform"],
)
LANE_JOBS = Gauge(
    "wattson_lane_jobs",
    "Updates waiting or being answered in the chats' lanes of this process.",
)
CAMPAIGN_POSTS = Counter(
    "wattson_campaign_posts",
    "Campaign facts posted, by platform.",
    ["platform"],
)
STORAGE_ERRORS = Counter(
    "wattson_storage_errors",
    "Database faults met, by where (core: answering a command; web: a page or a probe).",
    ["where"],
)
WEB_REQUESTS = Counter(
    "wattson_web_requests",
    "Web requests answered, by route pattern, method and status code.",
    ["route", "method", "status"],
)
WEB_SECONDS = Histogram(
    "wattson_web_request_duration_seconds",
    "Time to answer a web request, by route pattern.",
    ["route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
DESK_SIGN_INS = Counter(
    "wattson_desk_sign_ins",
    "Moderators signed in to the desk with a one-time link.",
)
DESK_LINKS_REFUSED = Counter(
    "wattson_desk_links_refused",
    "Sign-in links refused, by why (unknown, used: a replay, expired).",
    ["reason"],
)
DESK_FORMS_REFUSED = Counter(
    "wattson_desk_forms_refused",
    "Desk forms refused for a missing or wrong CSRF token.",
)
BUILD_INFO = Gauge("wattson_build_info", "Always 1; the running version as a label.", ["version"])
