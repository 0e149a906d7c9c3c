"""Locust users for `make bench` (driven by scripts/bench.py; not meant to be run by hand).

One user class per scenario; the driver starts `locust --headless ... <Class>`
once per scenario against one gunicorn, so every figure comes from the same
server, database and minute.

Inputs (environment): BENCH_DATA, a JSON file the driver wrote (pools of
logins and pre-made sessions, the database DSN, the Redis URL and key prefix);
BENCH_OUT, a directory where each locust process writes its raw records
(start time, name, response time, ok) for the driver to compute rates and
percentiles over the measured window; BENCH_SCENARIO, the file name stem.

Virtual users are FastHttpUser (geventhttpclient): several times less CPU per
request than the requests-based HttpUser, which matters because the load
generator competes with the server for the same two cores.

Cookies: the server runs the production settings unchanged, so its session
and CSRF cookies are marked Secure.  The virtual users' cookie jar treats
http://127.0.0.1 as a secure origin (as Chrome and Firefox do for loopback),
instead of switching SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE off on the
server: no setting that weakens production exists for the benchmark's sake.

Captcha: in the rush and the "as a browser" sign-in, a virtual user GETs a
page with the sign-in form like a browser and reads the captcha key from the
form; the answer, which a person reads off the image, is read from PostgreSQL
(captcha_captchastore) by key, and the server (CAPTCHA_TEST_MODE off) checks and
deletes the captcha exactly as in production.  The two sign-in scenarios that
compare hashers measure the POST alone, against servers in the captcha's test
mode (settings_signin.py, settings_pbkdf2.py), as docs/benchmarks.md says.
"""

import json
import os
import random
import time
import uuid
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode

import gevent
import psycopg
import redis
from locust import FastHttpUser, constant, events, task
from locust.contrib.fasthttp import FastHttpSession
from locust.exception import StopUser
from patterns import (
    CAPTCHA_KEY_RE,
    CENTER_RE,
    CITY_RE,
    COURSE_SLOT_RE,
    CSRF_RE,
    DEMO_PAYMENT_RE,
    DETAILS_RE,
    ORDER_RE,
    PAY_RE,
    TOKEN_RE,
    WINDOW_RE,
)

DATA = json.loads(open(os.environ["BENCH_DATA"], encoding="utf-8").read()) if os.environ.get("BENCH_DATA") else {}
OUT_DIR = os.environ.get("BENCH_OUT", "")
SCENARIO = os.environ.get("BENCH_SCENARIO", "scenario")

RECORDS = []  # (start_time, name, response_time_ms, ok)
JOURNEYS = []  # (start_time, end_time, ok)
RUN = {"start": None, "stop": None, "pool_exhausted": 0, "double_clicks": 0, "double_click_splits": 0}
_environment = None


@events.init.add_listener
def _on_init(environment, **_kwargs):
    global _environment
    _environment = environment


@events.request.add_listener
def _on_request(request_type, name, response_time, exception, start_time=None, **_kwargs):
    RECORDS.append((start_time or time.time(), name, response_time, exception is None))


@events.test_start.add_listener
def _on_test_start(**_kwargs):
    RUN["start"] = time.time()


@events.test_stop.add_listener
def _on_test_stop(**_kwargs):
    RUN["stop"] = time.time()


@events.quitting.add_listener
def _on_quitting(**_kwargs):
    if not OUT_DIR:
        return
    RUN["stop"] = RUN["stop"] or time.time()
    path = os.path.join(OUT_DIR, f"{SCENARIO}-{os.getpid()}.json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"run": RUN, "records": RECORDS, "journeys": JOURNEYS}, out)


# --------------------------------------------------------------------------- pools and helpers

_redis = None


def claim(pool, *, wrap):
    """The next item of ``pool``, unique across locust processes (Redis INCR); None when used up."""
    global _redis
    items = DATA[pool]
    if _redis is None:
        # Greenlets wait their turn for a connection: redis-py's default pool raises "Too many
        # connections" past 100, and a spike starts 200 users at once (each then retried at once,
        # a traceback apiece, on the load generator's one core while it times the responses).
        _redis = redis.Redis(connection_pool=redis.BlockingConnectionPool.from_url(
            DATA["redis_url"], max_connections=20, timeout=30))
    index = _redis.incr(f"{DATA['key_prefix']}:claim:{pool}") - 1
    if wrap:
        return items[index % len(items)]
    if index >= len(items):
        RUN["pool_exhausted"] += 1
        return None
    return items[index]


_db = None


def captcha_answer(key):
    """What a person would read off the captcha image, looked up by its key."""
    global _db
    if _db is None:
        _db = psycopg.connect(DATA["database_url"], autocommit=True)
    row = _db.execute("SELECT response FROM captcha_captchastore WHERE hashkey = %s", (key,)).fetchone()
    return row[0] if row else ""


def fail(response, why):
    response.failure(f"{why} (HTTP {response.status_code})")
    return None


def expect(response, status, *, contains=None, location=None):
    """Mark ``response`` failed unless it has ``status`` (and the text / redirect wanted); returns a match."""
    if response.status_code != status:
        return fail(response, f"expected {status}")
    if contains is not None and contains not in (response.text or ""):
        return fail(response, f"page without {contains!r}")
    if location is not None:
        match = location.search(response.headers.get("Location", "") or "")
        if match is None:
            return fail(response, "unexpected redirect")
        response.success()
        return match
    response.success()
    return True


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    # Keep-alive connections, as a browser (or the TLS proxy in production) keeps them.
    connection_timeout = 30.0
    network_timeout = 60.0

    def __init__(self, environment):
        super().__init__(environment)
        # Loopback counts as a secure origin for Secure cookies (see the module doc).
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))

    def sign_in(self, login, *, page_url="/accounts/login/", page_name="sign-in page", fetch_image=False,
                think=None):
        """GET a page with the sign-in form, (optionally the captcha image), POST; True when signed in."""
        with self.client.get(page_url, name=page_name, catch_response=True) as page:
            key = CAPTCHA_KEY_RE.search(page.text or "")
            csrf = CSRF_RE.search(page.text or "")
            if page.status_code != 200 or key is None or csrf is None:
                fail(page, "no sign-in form")
                return False
            page.success()
        if fetch_image:
            with self.client.get(f"/captcha/image/{key.group(1)}/", name="captcha image",
                                 catch_response=True) as image:
                expect(image, 200)
        think and think()  # typing the number, the password and the captcha
        form = {
            "csrfmiddlewaretoken": csrf.group(1), "username": login, "password": DATA["password"],
            "captcha_0": key.group(1), "captcha_1": captcha_answer(key.group(1)),
        }
        with self.client.post("/accounts/login/", data=form, name="sign-in POST",
                               allow_redirects=False, catch_response=True) as response:
            return bool(expect(response, 302, location=CENTER_RE))

    def use_session(self, session_key):
        self.client.cookiejar.clear()
        self.client.cookiejar.set_cookie(_cookie(DATA["session_cookie"], session_key))

    def submit_transfer(self, *, think=None):
        """省内转考申请: form, 提交申请 (check answers), 确认无误 (the submit), details. Returns the number."""
        with self.client.get("/transfers/in-province/apply/", name="transfer form", catch_response=True) as page:
            text = page.text or ""
            token, window, csrf = TOKEN_RE.search(text), WINDOW_RE.search(text), CSRF_RE.search(text)
            cities = CITY_RE.findall(text)
            if page.status_code != 200 or not (token and window and csrf and cities):
                return fail(page, "no transfer form")
            page.success()
        form = {
            "csrfmiddlewaretoken": csrf.group(1), "token": token.group(1), "window": window.group(1),
            "to_city": random.choice(cities),
        }
        think and think()
        with self.client.post("/transfers/in-province/apply/", data={**form, "action": "review"},
                              name="transfer check answers", catch_response=True) as review:
            if not expect(review, 200, contains='value="confirm"'):
                return None
        think and think()
        with self.client.post("/transfers/in-province/apply/", data={**form, "action": "confirm"},
                              name="transfer submit", allow_redirects=False, catch_response=True) as submit:
            match = expect(submit, 302, location=DETAILS_RE)
            if not match:
                return None
        number = match.group(1)
        with self.client.get(f"/transfers/{number}/", name="transfer details", catch_response=True) as details:
            expect(details, 200, contains=number)
        return number


def _cookie(name, value):
    from http.cookiejar import Cookie

    return Cookie(
        version=0, name=name, value=value, port=None, port_specified=False, domain="127.0.0.1",
        domain_specified=False, domain_initial_dot=False, path="/", path_specified=True, secure=False,
        expires=None, discard=True, comment=None, comment_url=None, rest={"HttpOnly": None},
    )


# --------------------------------------------------------------------------- scenarios


class BaselineUser(PortalUser):
    """The bare view through the full middleware stack."""

    @task
    def baseline(self):
        with self.client.get("/_bench/baseline", name="baseline", catch_response=True) as response:
            expect(response, 200, contains="ok")


class SignInPostUser(PortalUser):
    """The sign-in POST alone, against a server in the captcha's test mode (settings_signin).

    Like a browser that has the sign-in page open: the CSRF cookie and the
    form's token come from one GET at the start; each iteration posts the form
    with the captcha answer the test mode accepts, and starts again signed out
    with the same cookie (signing in rotates the CSRF cookie, so the jar is
    reset to the page's).
    """

    abstract = True
    pool = ""

    def on_start(self):
        with self.client.get("/accounts/login/", name="sign-in page", catch_response=True) as page:
            csrf = CSRF_RE.search(page.text or "")
            if page.status_code != 200 or csrf is None:
                fail(page, "no sign-in form")
                raise StopUser()
            page.success()
        self.csrf_token = csrf.group(1)
        self.csrf_cookie = next(c.value for c in self.client.cookiejar if c.name == DATA["csrf_cookie"])

    @task
    def post_sign_in(self):
        self.client.cookiejar.clear()
        self.client.cookiejar.set_cookie(_cookie(DATA["csrf_cookie"], self.csrf_cookie))
        form = {
            "csrfmiddlewaretoken": self.csrf_token, "username": claim(self.pool, wrap=True),
            "password": DATA["password"], "captcha_0": "test-mode", "captcha_1": "passed",
        }
        with self.client.post("/accounts/login/", data=form, name="sign-in POST",
                              allow_redirects=False, catch_response=True) as response:
            expect(response, 302, location=CENTER_RE)


class SignInArgon2User(SignInPostUser):
    """Sign-in POSTs with the portal's Argon2id accounts (the same account may sign in again)."""

    pool = "signin_argon2"


class SignInPBKDF2User(SignInPostUser):
    """The same against a server whose PASSWORD_HASHERS are Django's defaults (PBKDF2 first),
    with accounts hashed by PBKDF2-SHA256, 1,000,000 iterations (scripts/bench/settings_pbkdf2.py).
    The task is inherited; only the pool of accounts differs."""

    pool = "signin_pbkdf2"


class SignInBrowserUser(PortalUser):
    """Sign-in as a browser does it, on the production settings: the page (a new captcha), then
    the POST with the captcha's real answer."""

    @task
    def sign_in_once(self):
        self.client.cookiejar.clear()
        self.sign_in(claim("signin_argon2", wrap=True))


class BaselineSignedInUser(PortalUser):
    """The bare view again, but each virtual user signed in: the session is read and saved."""

    def on_start(self):
        self.use_session(claim("center_sessions", wrap=True)[0])

    @task
    def baseline(self):
        with self.client.get("/_bench/baseline", name="baseline", catch_response=True) as response:
            expect(response, 200, contains="ok")


class CenterUser(PortalUser):
    """个人中心 of a signed-in candidate (each virtual user its own candidate)."""

    def on_start(self):
        self.session_key, self.ticket_number = claim("center_sessions", wrap=True)
        self.use_session(self.session_key)

    @task
    def center(self):
        with self.client.get("/center/", name="personal centre", catch_response=True) as response:
            expect(response, 200, contains=self.ticket_number)


class TransferSubmitUser(PortalUser):
    """确认无误，提交申请 by 200 candidates at once; each iteration another signed-in candidate.

    Each post is what the check-answers page sends: the hidden form token (a
    UUID the form carried; the server keeps no list of issued tokens, so the
    virtual user makes it the way the server does), the window the form was
    opened in, the destination city and the CSRF token.  The form and
    check-answers pages themselves are measured in the rush.  Every tenth
    iteration double-clicks: two identical posts at once must both land on
    the one application they created.
    """

    iterations = 0

    def on_start(self):
        # The double click's second post goes through its own client, like a second browser
        # connection: two requests in flight on one FastHttpSession race on its redirect setting.
        self.second_tab = FastHttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self,
            network_timeout=self.network_timeout, connection_timeout=self.connection_timeout,
        )
        self.second_tab.cookiejar.set_policy(self.client.cookiejar._policy)

    @task
    def submit(self):
        item = claim("submit_sessions", wrap=False)
        if item is None:
            gevent.sleep(1)
            return
        session_key, to_city = item
        self.use_session(session_key)
        csrf = uuid.uuid4().hex  # a 32-character CSRF secret, sent as cookie and as form field
        self.client.cookiejar.set_cookie(_cookie(DATA["csrf_cookie"], csrf))
        self.second_tab.cookiejar.clear()
        for cookie in self.client.cookiejar:
            self.second_tab.cookiejar.set_cookie(cookie)
        form = {"csrfmiddlewaretoken": csrf, "token": str(uuid.uuid4()), "window": DATA["window_id"],
                "to_city": to_city, "action": "confirm"}
        TransferSubmitUser.iterations += 1
        if TransferSubmitUser.iterations % 10:
            self._post(form, "transfer submit")
            return
        first = gevent.spawn(self._post, form, "transfer submit")
        second = gevent.spawn(self._post, form, "transfer submit (double click)", client=self.second_tab)
        gevent.joinall([first, second])
        RUN["double_clicks"] += 1
        if first.value and second.value and first.value != second.value:
            RUN["double_click_splits"] += 1  # two applications from one form: reported by the driver

    def _post(self, form, name, client=None):
        with (client or self.client).post("/transfers/in-province/apply/", data=form, name=name,
                              allow_redirects=False, catch_response=True) as response:
            match = expect(response, 302, location=DETAILS_RE)
            return match.group(1) if match else None


class PdfUser(PortalUser):
    """The application PDF of a candidate who has applied."""

    def on_start(self):
        session_key, self.number = claim("pdf_sessions", wrap=True)
        self.use_session(session_key)

    @task
    def pdf(self):
        with self.client.get(f"/transfers/{self.number}/pdf/", name="application PDF", catch_response=True) as r:
            if r.status_code == 200 and r.headers.get("Content-Type") == "application/pdf" and r.content[:4] == b"%PDF":
                r.success()
            else:
                fail(r, "not a PDF")


class PlanUser(PortalUser):
    """专业计划 of one major: public, anonymous."""

    @task
    def plan(self):
        code = DATA["plan_code"]
        with self.client.get(f"/plans/{code}/", name="major plan", catch_response=True) as response:
            expect(response, 200, contains=code)


class PassedUser(PortalUser):
    """合格成绩查询 of a signed-in candidate with a 报考专业 and passed courses."""

    def on_start(self):
        self.session_key, self.ticket_number = claim("center_sessions", wrap=True)
        self.use_session(self.session_key)

    @task
    def passed(self):
        with self.client.get("/records/passed/", name="passed courses", catch_response=True) as response:
            expect(response, 200, contains=self.ticket_number)


class RushUser(PortalUser):
    """One candidate of the rush: sign in (with the captcha image), personal centre, apply; then leave."""

    def think(self):
        low, high = DATA["rush_think"]
        gevent.sleep(random.uniform(low, high))

    finished = False
    pool, target = "rush_logins", "rush_target"

    def wait_time(self):
        """A candidate who is done waits out the run instead of stopping: Locust replaces a user
        that raises StopUser at once, outside the spawn rate, so candidates would arrive faster
        than the rate says (measured: -u 100 -r 10 with 3-second users started 200 users in 9 s).
        Waiting, not sleeping inside the task, so that quitting does not wait --stop-timeout."""
        return 10**6 if self.finished else 0

    @task
    def journey(self):
        if self.finished:
            return
        login = claim(self.pool, wrap=False)
        if login is None:
            self.finished = True
            return
        started = time.time()
        ok = False
        try:
            # The home page's 考生登录 box posts to /accounts/login/ like the sign-in page.
            if self.sign_in(login, page_url="/", page_name="home page", fetch_image=True,
                            think=self.think):
                self.think()
                with self.client.get("/center/", name="personal centre", catch_response=True) as centre:
                    centre_ok = expect(centre, 200, contains="省内转考申请")
                self.think()
                ok = bool(centre_ok and self.business())
        finally:
            JOURNEYS.append((started, time.time(), ok))
            if len(JOURNEYS) >= DATA[self.target] and _environment is not None:
                gevent.spawn_later(0.2, _environment.runner.quit)
            self.finished = True

    def business(self):
        return self.submit_transfer(think=self.think)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _form_body(data):
    """A form body with repeated keys for list values (the courses ticked), as a browser sends it."""
    return urlencode(data, doseq=True)


class RegistrationRushUser(RushUser):
    """One candidate of the registration rush: sign in, personal centre, 理论课报名 (four courses, one
    per 考试单元), check answers, 保存并支付, 演示支付, and the order page saying 已支付; then leave."""

    pool, target = "reg_rush_logins", "reg_rush_target"

    def business(self):
        return self.register_and_pay()

    def register_and_pay(self):
        with self.client.get("/exams/register/", name="registration form", catch_response=True) as page:
            text = page.text or ""
            csrf, offered = CSRF_RE.search(text), COURSE_SLOT_RE.findall(text)
            if page.status_code != 200 or not (csrf and offered):
                return fail(page, "no registration form")
            page.success()
        by_slot = {}
        for course, slot in offered:
            by_slot.setdefault(slot, []).append(course)
        courses = [random.choice(choices) for choices in list(by_slot.values())[:4]]
        form = {"csrfmiddlewaretoken": csrf.group(1), "mobile": "13800000000",
                "mailing_address": "山西省太原市小店区长治路1号", "courses": courses}
        self.think()
        with self.client.post("/exams/register/", data=_form_body({**form, "action": "review"}), headers=FORM,
                              name="registration check answers", catch_response=True) as review:
            if not expect(review, 200, contains='value="pay"'):
                return None
        self.think()
        with self.client.post("/exams/register/", data=_form_body({**form, "action": "pay"}), headers=FORM,
                              name="registration save",
                              allow_redirects=False, catch_response=True) as save:
            match = expect(save, 302, location=PAY_RE)
            if not match:
                return None
        number = match.group(1)
        with self.client.get(f"/orders/{number}/pay/", name="order pay page", catch_response=True) as pay:
            csrf = CSRF_RE.search(pay.text or "")
            if not expect(pay, 200, contains='value="demo"') or csrf is None:
                return None
        with self.client.post(f"/orders/{number}/pay/", data={"csrfmiddlewaretoken": csrf.group(1),
                                                              "provider": "demo"},
                              name="start payment", catch_response=True) as start:
            payment, csrf = DEMO_PAYMENT_RE.search(start.text or ""), CSRF_RE.search(start.text or "")
            if not expect(start, 200) or payment is None or csrf is None:
                return fail(start, "no demo cashier") if payment is None else None
        self.think()
        with self.client.post("/payments/demo/return/", data={"csrfmiddlewaretoken": csrf.group(1),
                                                              "payment": payment.group(1)},
                              name="demo pay", allow_redirects=False, catch_response=True) as paid:
            if not expect(paid, 302, location=ORDER_RE):
                return None
        with self.client.get(f"/orders/{number}/", name="order paid", catch_response=True) as order:
            return number if expect(order, 200, contains="已支付") else None


class NotifyUser(PortalUser):
    """支付宝's gateway: POST a signed notification, expect ``success``. The pool wraps, so each
    notification is delivered again and again; only the first may change the order."""

    @task
    def notify(self):
        body = claim("notify_bodies", wrap=True)
        with self.client.post("/payments/alipay/notify/", data=body, headers=FORM, name="notification",
                              catch_response=True) as response:
            expect(response, 200, contains="success")
