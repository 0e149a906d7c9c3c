"""Settings shared by every environment; values come from the environment.

Defaults are given only where they are safe (the embedded SQLite set-up);
production.py insists on the rest.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "insecure-embedded-default-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "captcha",
    "axes",
    "csp",
    "zikao",
    "candidates",
    "identity",
    "transfers",
    "exams",
    "records",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zikao.middleware.RejectUnstorableInputMiddleware",
    "zikao.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zikao.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zikao.workbench.AdminForbiddenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that a locked-out attempt is answered after everything else ran.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zikao.urls"
WSGI_APPLICATION = "zikao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zikao.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=int(env("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE takes the write
    # lock at BEGIN so concurrent writers queue instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "candidates.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out attempt before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    "candidates.backends.CandidateBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "center"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "zikao.hashers.PortalArgon2PasswordHasher",
    # Verifies older PBKDF2 hashes (and the benchmark's comparison accounts);
    # they are upgraded to Argon2id on the next sign-in.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "candidates.validators.LettersAndDigitsValidator"},
    {"NAME": "candidates.validators.NotContainingIdNumberValidator"},
]

LANGUAGE_CODE = "zh-hans"
# The only language: LocaleMiddleware then answers in Chinese whatever the browser asks for
# (officers on an English-language Windows install saw an English admin).
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Public media: notice attachments (表格下载) only.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Identity photos live outside MEDIA_ROOT and have no URL: they are served by a
# view that checks who asks.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
# Printouts' typeface (zikao.print_font): Debian's fonts-wqy-microhei, and where its GB 2312 copy is built.
PRINT_FONT_SOURCE = env("PRINT_FONT_SOURCE", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
PRINT_FONT_DIR = Path(env("PRINT_FONT_DIR", str(BASE_DIR / "var" / "fonts")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "zikao"),
        }
    }
    SESSION_ENGINE = "zikao.sessions"  # django.contrib.sessions.backends.cache, saved in one round trip
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Per-candidate copies kept in the cache (the signed-in user, the latest published scores) are
# dropped by signals in the process that saves; only a cache every process shares sees the drop.
# The embedded default's per-process memory would keep another process's stale copy: no copies.
SIGNED_IN_USER_CACHE_SECONDS = 120 if REDIS_URL else 0
LATEST_SCORES_CACHE_SECONDS = 600 if REDIS_URL else 0

SESSION_COOKIE_AGE = 30 * 60  # Sessions end after 30 idle minutes;
SESSION_REFRESH_SECONDS = 60  # extended at most once a minute (zikao.middleware.SessionRefreshMiddleware).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
IDLE_WARNING_SECONDS = 2 * 60

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from the portal itself
# only; no inline script or style anywhere (pages and admin use static files). Images also
# from data: (Bootstrap's form icons are data: SVGs in its CSS) and blob: (the photo upload
# previews the chosen file before sending it). Nothing may frame the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# django-simple-captcha: four characters, as on the seed's login box ("54ea [换]").
CAPTCHA_LENGTH = 4
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.random_char_challenge"
CAPTCHA_TIMEOUT = 5  # minutes
CAPTCHA_IMAGE_SIZE = (100, 38)
CAPTCHA_FONT_SIZE = 28
CAPTCHA_NOISE_FUNCTIONS = ("captcha.helpers.noise_arcs", "candidates.captcha.noise_dots")
CAPTCHA_TEST_MODE = False

# django-axes: lock the account *from one address*; an exam centre shares an
# address, so the address alone never locks anybody out.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "candidates.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "candidates.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# "username" is the ID or ticket number typed at sign-in: never stored in clear.
AXES_SENSITIVE_PARAMETERS = ["password", "login", "username"]
# Trusted reverse proxies in front of the app servers (docs/deployment.md); one function
# reads the client's address behind them for axes and every throttle alike.
PROXY_COUNT = int(env("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "candidates.throttle.client_address"

# Celery: without a broker (the embedded default) tasks run in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A submission still 检查中 this long after its check started is re-queued
# (a worker died mid-check); see identity.tasks.requeue_stale_submissions.
IDENTITY_STALE_CHECK_MINUTES = int(env("IDENTITY_STALE_CHECK_MINUTES", "5"))
# 由我处理: a claim on a queued case lapses after this long (zikao.workbench).
WORKBENCH_CLAIM_MINUTES = int(env("WORKBENCH_CLAIM_MINUTES", "30"))
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-identity-checks": {
        "task": "identity.tasks.requeue_stale_submissions",
        "schedule": 60.0,
    },
}

# Outgoing mail (password-reset links). With EMAIL_HOST set, SMTP; otherwise the embedded
# default writes each message as a file under var/sent-mail/ rather than to the console, so a
# live reset link never ends up in a server log. production.py refuses to start without SMTP
# or an explicit delivering backend.
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = Path(env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "sent-mail")))

# 理论课报名 fee per course (晋价费字[2015]38号: 35 元/科次), in fen.
THEORY_FEE_FEN = int(env("THEORY_FEE_FEN", "3500"))
GRADUATION_FEE_FEN = int(env("GRADUATION_FEE_FEN", "4000"))  # 毕业申请费 40 元

# Payment providers (payments.providers): the candidate chooses among the enabled ones.
PAYMENT_PROVIDERS = [
    "payments.providers.alipay.AlipayProvider",
    "payments.providers.offline.OfflineProvider",
]
# 支付宝 page pay (RSA2); disabled while the app id or a key is missing. Keys are PEM text, given
# inline or as a file path.
ALIPAY_APP_ID = env("ALIPAY_APP_ID", "")
ALIPAY_APP_PRIVATE_KEY = env("ALIPAY_APP_PRIVATE_KEY", "")
ALIPAY_APP_PRIVATE_KEY_PATH = env("ALIPAY_APP_PRIVATE_KEY_PATH", "")
ALIPAY_PUBLIC_KEY = env("ALIPAY_PUBLIC_KEY", "")
ALIPAY_PUBLIC_KEY_PATH = env("ALIPAY_PUBLIC_KEY_PATH", "")
ALIPAY_GATEWAY = env("ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do")
ALIPAY_TIMEOUT = int(env("ALIPAY_TIMEOUT", "10"))
# Absolute base for the notify and return URLs given to the gateway (https://zikao.sxkszx.cn);
# empty: built from the request.
PAYMENTS_PUBLIC_URL = env("PAYMENTS_PUBLIC_URL", "")
# The portal's public address, for links that leave the browser: the QR code on the printed
# 准考证 opens the officers' 准考证核验 there. Defaults to PAYMENTS_PUBLIC_URL, else the real address.
PORTAL_PUBLIC_URL = env("PORTAL_PUBLIC_URL", PAYMENTS_PUBLIC_URL or "https://zikao.sxkszx.cn")

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "zikao@sxkszx.cn")

# Hash secret for identifiers in logs and lock-out records.
PII_HASH_KEY = env("PII_HASH_KEY", SECRET_KEY)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_id_numbers": {"()": "zikao.logging.MaskIdNumbersFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_id_numbers"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
