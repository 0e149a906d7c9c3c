"""Portal middleware."""

import logging
import time

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

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


class RejectUnstorableInputMiddleware:
    """Answer 400 to a path, query string or form carrying NUL, before any view can put it in a query.

    PostgreSQL refuses NUL in text (psycopg raises DataError: a 500), where SQLite
    stores it, so a value that passed every test on SQLite fails in production. No
    legitimate field of the portal contains NUL. Form fields check it again
    (Django's ProhibitNullCharactersValidator); this covers the raw GET values and
    the names. Multipart bodies are left to the forms: parsing them here would fix
    the upload handlers before the photo upload view chooses its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _carries_nul(request.GET) or (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            # Parsed from the body, not request.POST: reading that would fix the upload handlers.
            and _carries_nul(QueryDict(request.body, encoding=request.encoding))
        ):
            raise BadRequest("NUL in the path, query string or form")
        return self.get_response(request)


def _carries_nul(query_dict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


# Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 60
DATABASE_DOWN = (OperationalError, InterfaceError)


def database_unavailable_response():
    """503 系统维护中/繁忙 with Retry-After, rendered without the database, the session or the request."""
    html = render_to_string("503.html", {"retry_minutes": max(1, RETRY_AFTER_SECONDS // 60)})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After, not 500.

    Covers the views; a failure inside another middleware (a session saved to the
    database) reaches zikao.views.server_error, which answers the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.warning("Database unavailable (%s) on %s: answered 503", type(exception).__name__, request.path)
            return database_unavailable_response()
        return None
