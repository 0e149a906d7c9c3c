"""The benchmark settings (settings_bench.py) with django-simple-captcha's test mode on.

Only for the benchmark's two sign-in scenarios that compare password hashers
(scripts/bench.py starts a gunicorn with it for them, and nothing else): the
captcha answer "passed" is accepted, so each virtual user posts the sign-in
form without fetching a page and a new captcha first, and the figure is that of
the sign-in itself, of which the password check is the point. The benchmark's
documentation says so. The rush and the "as a
browser" sign-in run on the production settings, captcha checked for real.
"""

from settings_bench import *  # noqa: F403

CAPTCHA_TEST_MODE = True
