"""Wattson on the web: public claim pages, the /check and /cost forms, a JSON API, feeds,
health and metrics, served by aiohttp.

One view per page computes one dict (:mod:`~adapters.web.pages`,
:mod:`~adapters.web.forms`); :mod:`~adapters.web.render` shows it as HTML
through Jinja (autoescaped, the bot's gettext catalog) and
:mod:`~adapters.web.api` as JSON. The views call the core as the chat
adapters do, so a page says what the bot says. The modules, by what each owns:

- :mod:`~adapters.web.server`: the adapter (``start``/``stop``) on a real socket;
- :mod:`~adapters.web.app`: the routes; :mod:`~adapters.web.middleware`: metrics,
  security headers, CORS, errors, rate and size limits;
- :mod:`~adapters.web.site`: what handlers share; :mod:`~adapters.web.cache`:
  rendered pages kept until the claim base changes;
- :mod:`~adapters.web.fields`: what a request carries, cleaned;
  :mod:`~adapters.web.present`: claims as dicts; :mod:`~adapters.web.urls`,
  :mod:`~adapters.web.language`: addresses and languages;
- :mod:`~adapters.web.feeds`: sitemap, robots.txt, Atom; :mod:`~adapters.web.operations`:
  healthz, readyz, metrics; :mod:`~adapters.web.openapi`: the API's description.
"""

from adapters.web.server import WebServer

__all__ = ["WebServer"]
