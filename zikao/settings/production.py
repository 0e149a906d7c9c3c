"""Production: PostgreSQL, Redis, Celery workers, gunicorn behind a TLS proxy."""

import importlib.util

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

# A reset link must reach the candidate and nobody else: never the console, a file or nowhere.
_UNDELIVERED_MAIL = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
if not env("EMAIL_HOST") and not env("EMAIL_BACKEND"):
    raise ImproperlyConfigured(
        "Outgoing mail is not configured: set EMAIL_HOST (SMTP) or EMAIL_BACKEND in production, "
        "otherwise password-reset links never reach the candidates."
    )
if EMAIL_BACKEND in _UNDELIVERED_MAIL:  # noqa: F405
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND={EMAIL_BACKEND} does not deliver mail: password-reset links would be written to a "  # noqa: F405
        "log or a file, or lost. Use SMTP (EMAIL_HOST) or a delivering backend in production."
    )

DATABASES["default"]["CONN_MAX_AGE"] = int(env("CONN_MAX_AGE", "60"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side cursors do not survive a pooler in transaction mode, and the portal's
    # querysets are small: fetch them whole (docs/deployment.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Bind parameters on the server so psycopg prepares a query the second time a
        # connection runs it: PostgreSQL then stops re-planning the same few dozen queries,
        # much of its CPU on the candidate pages (figures in docs/benchmarks.md). Behind PgBouncer
        # in transaction mode this needs PgBouncer >= 1.21 with max_prepared_statements > 0;
        # set DATABASE_PREPARED_STATEMENTS=false for an older pooler.
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "zikao.storage.PortalStaticFilesStorage"},
}

# Uploads when several app servers and Celery workers run (docs/deployment.md): either
# MEDIA_ROOT / PRIVATE_MEDIA_ROOT on one shared mount, or an S3-compatible store here.
if env("S3_BUCKET"):
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured("S3_BUCKET is set but django-storages is not installed: pip install 'django-storages[s3]'.")
    _s3 = {
        "bucket_name": env("S3_BUCKET"),
        "endpoint_url": env("S3_ENDPOINT_URL"),  # MinIO, OSS, OBS, COS …; empty for AWS
        "region_name": env("S3_REGION"),
        "access_key": env("S3_ACCESS_KEY_ID"),
        "secret_key": env("S3_SECRET_ACCESS_KEY"),
        "file_overwrite": False,
        "default_acl": None,  # the bucket's policy decides: only public/ may be readable
    }
    STORAGES["default"] = {  # notice attachments (表格下载): public/, plain URLs
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "public", "querystring_auth": False},
    }
    STORAGES["private"] = {  # identity photos: private/, read only through the access-checked view
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "private"},
    }

# 演示支付 pays without money: never in production.
PAYMENT_PROVIDERS = env_list("PAYMENT_PROVIDERS", ",".join(PAYMENT_PROVIDERS))  # noqa: F405
if any(path.rsplit(".", 1)[-1] == "DemoProvider" for path in PAYMENT_PROVIDERS):
    raise ImproperlyConfigured("The demo payment provider (演示支付) must not be enabled in production.")
# Unpaid orders close at their deadline (payments.tasks.expire_orders; also `manage.py expire_orders`).
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,  # noqa: F405
    "expire-unpaid-orders": {"task": "payments.tasks.expire_orders", "schedule": 60.0},
    # 省际转出 applications not confirmed by their window's close (also `manage.py lapse_transfers_out`).
    "lapse-unconfirmed-transfers-out": {"task": "transfers.tasks.lapse_transfer_out_applications", "schedule": 300.0},
    # Scores at their publication time (records.tasks; also `manage.py publish_scores`).
    "publish-due-scores": {"task": "records.tasks.publish_due_scores", "schedule": 15.0},
}
# Beat publishes scores here; a request that finds a publication due shows "正在发布" instead of
# making the province-wide publication itself (the embedded default publishes at request time).
SCORES_PUBLISH_AT_REQUEST = env_bool("SCORES_PUBLISH_AT_REQUEST", False)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
