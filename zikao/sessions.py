"""Sessions in Redis, saved in one round trip.

Django's cache session engine saves an existing session with a GET ("is it still there?") and then
a SET. On the score morning every candidate's first page refreshes the session (zikao.middleware.
SessionRefreshMiddleware), so that GET was one Redis round trip of five on the page. Redis's
``SET … XX`` ("only if the key exists") does both in one command, atomically: a session signed out
on another device between the two steps can no longer be written back.
"""

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore


class SessionStore(CacheSessionStore):
    def save(self, must_create=False):
        if self.session_key is None or must_create:
            return super().save(must_create=must_create)
        if not self._cache.set(self.cache_key, self._get_session(), self.get_expiry_age(), xx=True):
            raise UpdateError  # gone meanwhile (signed out, expired): SessionMiddleware answers as Django does
