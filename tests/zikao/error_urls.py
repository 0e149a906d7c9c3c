"""The portal's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.db import OperationalError
from django.urls import path

from zikao.urls import handler500  # noqa: F401
from zikao.urls import urlpatterns as portal_urlpatterns


def bad_request(request):
    raise BadRequest("test")


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise ValueError("a bug")


def database_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("_test/400/", bad_request),
    path("_test/403/", forbidden),
    path("_test/500/", broken),
    path("_test/db/", database_gone),
    *portal_urlpatterns,
]
