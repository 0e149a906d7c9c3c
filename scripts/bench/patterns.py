"""What the virtual users read from the portal's pages, as a browser's user would.

Shared by the locustfile, the driver's query-count probe and
tests/bench/test_harness.py (which renders the real pages and checks that
every pattern still finds its field: a template change cannot silently turn
the benchmark into a benchmark of error pages).
"""

import re

CAPTCHA_KEY_RE = re.compile(r'name="captcha_0" value="([0-9a-f]{40})"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_RE = re.compile(r'name="token" value="([0-9a-f-]{36})"')
WINDOW_RE = re.compile(r'name="window" value="(\d+)"')
CITY_RE = re.compile(r'<option value="(\d{4})"')
DETAILS_RE = re.compile(r"/transfers/(SNZK\d{13})/$")
CENTER_RE = re.compile(r"/center/$")
# 理论课报名: each offered course with the 考试单元 it is examined in.
COURSE_SLOT_RE = re.compile(r'name="courses" value="(\d+)" data-slot="(\d+)"')
PAY_RE = re.compile(r"/orders/(\d{14})/pay/$")
DEMO_PAYMENT_RE = re.compile(r'name="payment" value="(\d{14}P\d{2})"')
ORDER_RE = re.compile(r"/orders/(\d{14})/$")
