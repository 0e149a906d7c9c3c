"""Tests: the same stack, faster hashing where the test is not about hashing."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = [
    # Tests about the real hasher ask for it explicitly.
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "zikao.hashers.PortalArgon2PasswordHasher",
]
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]

# Each pytest-xdist worker gets its own Redis database for the cache, and none of them is the
# Celery broker's (REDIS_URL's own): the tests clear the cache (FLUSHDB) between tests, which would
# otherwise wipe the other worker's sessions and throttles mid-test, or a message the broker holds
# for a real worker process (tests/identity/test_tasks.py lost its redelivered task that way).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL:
    _url = urlsplit(REDIS_URL)
    _db = int(_url.path.strip("/") or 0)
    _worker_db = (_db - 1 - (int(_worker[2:]) if _worker.startswith("gw") else 0)) % 16
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_worker_db}"))

# 演示支付 exists only here and in the other non-production settings (production refuses it).
PAYMENT_PROVIDERS = [*PAYMENT_PROVIDERS, "payments.providers.demo.DemoProvider"]  # noqa: F405
