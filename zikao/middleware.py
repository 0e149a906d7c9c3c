"""Portal middleware."""

import time

from django.conf import settings

REFRESHED_AT = "_refreshed_at"


class SessionRefreshMiddleware:
    """Extend a session's idle timeout, but write it at most once a minute.

    Sessions end after SESSION_COOKIE_AGE idle seconds. Django's way to slide
    that window, SESSION_SAVE_EVERY_REQUEST, writes the session to Redis on
    every request, and on a signed-in page that write is as costly as the page
    itself (docs/benchmarks.md). Here a request that used a non-empty session
    marks it for saving only when the last save is SESSION_REFRESH_SECONDS old,
    so the session may end that much earlier than SESSION_COOKIE_AGE after the
    last request: the idle warning counts from the shorter age
    (zikao.context_processors.portal).

    Sits just below SessionMiddleware, whose response phase does the saving.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        if session.accessed and not session.is_empty():
            now = int(time.time())
            if session.modified or now - session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_AT] = now
        return response
