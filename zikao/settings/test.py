"""Tests: the same stack, faster hashing where the test is not about hashing."""

from .base import *  # noqa: F403
from .base import BASE_DIR

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

# 演示支付 exists only here and in the other non-production settings (production refuses it).
PAYMENT_PROVIDERS = [*PAYMENT_PROVIDERS, "payments.providers.demo.DemoProvider"]  # noqa: F405
