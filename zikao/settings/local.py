"""The embedded default: SQLite, local files, tasks in-process, DEBUG off-by-choice."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)

# Static files straight from the source folders (no collectstatic needed to run).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# 演示支付 exists only here and in the other non-production settings (production refuses it).
PAYMENT_PROVIDERS = [*PAYMENT_PROVIDERS, "payments.providers.demo.DemoProvider"]  # noqa: F405
