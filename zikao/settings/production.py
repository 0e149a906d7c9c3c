"""Production: PostgreSQL, Redis, Celery workers, gunicorn behind a TLS proxy."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env, env_bool, env_list

DEBUG = False

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY.startswith("insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters in production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the portal's host names in production.")

DATABASES["default"]["CONN_MAX_AGE"] = int(env("CONN_MAX_AGE", "60"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side cursors do not survive a pooler in transaction mode, and the portal's
    # querysets are small: fetch them whole (docs/deployment.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Bind parameters on the server so psycopg prepares a query the second time a
        # connection runs it: PostgreSQL then stops re-planning the same few dozen queries,
        # a third of its CPU on the candidate pages (docs/benchmarks.md). Behind PgBouncer
        # in transaction mode this needs PgBouncer >= 1.21 with max_prepared_statements > 0;
        # set DATABASE_PREPARED_STATEMENTS=false for an older pooler.
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
