"""The sign-in benchmark settings with Django's default PASSWORD_HASHERS (PBKDF2-SHA256 first).

Only for the benchmark's comparison scenario (scripts/bench.py starts a second
gunicorn with it for the PBKDF2 sign-ins): with PBKDF2 preferred, a PBKDF2
account is not re-hashed to Argon2id at sign-in, so the figure is that of a
portal left on Django's default hasher. Captcha test mode as in settings_signin.
"""

from django.conf import global_settings
from settings_signin import *  # noqa: F403

PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
