"""Counting wrong guesses per client so dossier codes cannot be enumerated.

A fixed window per key in Django's cache: the first failure opens a window of
``window`` seconds, and once ``attempts`` failures are counted in it the key is blocked
until the window ends. Uses the ``ratelimit`` cache when one is configured, else
``default``. LocMemCache (the default) counts per process: with several web processes,
configure a shared cache (Redis, or Django's database cache) so the limit holds across
them (docs/portal.md).
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window: int  # seconds

    def _key(self, who: str) -> str:
        digest = hashlib.sha256(who.encode()).hexdigest()[:32]
        return f"motcua:rl:{self.name}:{digest}"

    def blocked(self, who: str) -> bool:
        return (_cache().get(self._key(who)) or 0) >= self.attempts

    def hit(self, who: str) -> int:
        """Count one failure; returns the count in the current window."""
        key = self._key(who)
        cache = _cache()
        # add() only sets a missing key, so the window starts at the first failure and is
        # not extended by the next ones.
        cache.add(key, 0, timeout=self.window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=self.window)
            return 1


def _cache():
    return caches["ratelimit"] if "ratelimit" in settings.CACHES else caches["default"]


def client_ip(request) -> str:
    """The client's address as the web server saw it.

    Behind a reverse proxy, the proxy must set REMOTE_ADDR (e.g. gunicorn's
    ``--forwarded-allow-ips`` with the proxy's X-Forwarded-For) so that clients are not all
    counted as the proxy; a header the client can forge is never read here.
    """
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# Status lookup: wrong code or wrong phone digits, per client address (RULES: no code
# enumeration), and per code so that many addresses cannot share the guesses on one code.
LOOKUP_PER_CLIENT = Limit(
    "lookup-ip",
    attempts=getattr(settings, "MOTCUA_LOOKUP_ATTEMPTS", 10),
    window=getattr(settings, "MOTCUA_LOOKUP_WINDOW_MINUTES", 15) * 60,
)
LOOKUP_PER_CODE = Limit("lookup-code", attempts=30, window=60 * 60)
# Signature verification reads whole PDFs: bound what one client can make us do.
VERIFY_PER_CLIENT = Limit("verify-ip", attempts=30, window=15 * 60)
# Feedback without login (the web form and Open311 POST).
FEEDBACK_PER_CLIENT = Limit("feedback-ip", attempts=20, window=60 * 60)
