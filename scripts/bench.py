#!/usr/bin/env python3
"""Rush-hour benchmarks (`make bench`, `make bench-quick`): one table of figures, never pass/fail.

What one run does (docs/benchmarks.md explains the method and the findings):
 1. scripts/ensure-services.sh starts PostgreSQL and Redis if they are not answering;
 2. creates a fresh database zikao_bench_<timestamp> and migrates it; collects static files
    (the production settings serve hashed files through WhiteNoise);
 3. seeds 10,000 approved candidates with ticket numbers (bulk_create; the password is hashed ONCE
    with the portal's Argon2id hasher and the encoded string reused), a small separate set hashed
    with Django's PBKDF2, business windows of every kind and an open 省内转考申请 window;
 4. counts the SQL queries of each measured page in-process (the personal centre with 0 and with
    50 messages), then starts gunicorn on 127.0.0.1 with scripts/bench/settings_bench.py (production + baseline)
    (scripts/bench/gunicorn.conf.py) and runs Locust headless on the same machine, scenario after
    scenario, against that one server;
 5. checks the database for duplicate applications, prints ONE table, writes it to
    docs/benchmarks.md (full runs; --quick only with --write), and drops the database, the Redis
    keys and the server whatever happens.

Usage: .venv/bin/python scripts/bench.py [--quick] [--write|--no-write] [--only baseline,center,...]
       [--workers N] [--threads N] [--keep]
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent / "bench"))
import scores_spike  # noqa: E402 - scripts/bench/, importable before Django is set up

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "scripts" / "bench"
LOCUSTFILE = BENCH_DIR / "locustfile.py"
GUNICORN_CONF = BENCH_DIR / "gunicorn.conf.py"
DOCS = ROOT / "docs" / "benchmarks.md"
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_BASE_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
RESULTS_START = "<!-- bench:results:start -->"
RESULTS_END = "<!-- bench:results:end -->"

CANDIDATES = 10_000
PBKDF2_CANDIDATES = 200
RUSH_THINK = (0.5, 1.5)  # seconds between a rush candidate's pages (uniform)
RUSH_ARRIVAL_SECONDS = 50  # the 1,000 arrive within 50 s: with ~6 s of pages each, all done within 60 s


@dataclass
class Scenario:
    key: str
    label: str
    user_class: str
    measured: str  # the request name whose figures make the row
    users: int
    spawn_rate: float
    warmup: int
    duration: int
    note: str = ""
    processes: int = 1
    settings_module: str = ""  # a separate gunicorn with these settings for this scenario only
    results: dict = field(default_factory=dict)


RUSHES = ("rush", "reg_rush", "scores")  # journeys measured from first to last, not a steady-state window
NOTIFY_ORDERS, NOTIFY_ORDERS_QUICK = 1000, 300  # orders whose 支付宝 notifications are posted round-robin


def scenarios(quick, rush_users=None, rush_arrivals=RUSH_ARRIVAL_SECONDS):
    d, w = (5, 2) if quick else (30, 8)
    rush_users = rush_users or (200 if quick else 1000)
    # Arrivals at the rate of 1,000 candidates in RUSH_ARRIVAL_SECONDS, then they finish their pages.
    rush_spawn = 1000 / rush_arrivals
    return [
        Scenario("baseline", "baseline: bare view", "BaselineUser", "baseline", 32, 32, w, d),
        Scenario("baseline_session", "baseline, signed in", "BaselineSignedInUser", "baseline", 32, 32, w, d),
        Scenario("signin_argon2", "sign-in POST, Argon2id m=7MiB t=5 p=1 (captcha test mode)", "SignInArgon2User",
                 "sign-in POST", 16, 16, w, d, settings_module="settings_signin"),
        Scenario("signin_pbkdf2", "sign-in POST, Django default PBKDF2 (1,000,000 it.; captcha test mode)",
                 "SignInPBKDF2User", "sign-in POST", 16, 16, w, d, settings_module="settings_pbkdf2"),
        Scenario("signin_browser", "sign-in as a browser: page, new captcha, POST (Argon2id)", "SignInBrowserUser",
                 "sign-in POST", 16, 16, w, d),
        Scenario("center", "personal centre", "CenterUser", "personal centre", 32, 32, w, d),
        Scenario("submit", "transfer submit", "TransferSubmitUser", "transfer submit", 200, 200, w, d),
        Scenario("pdf", "application PDF", "PdfUser", "application PDF", 2, 2, w, d),
        Scenario("ticket_pdf", "admission ticket PDF with photo (in-process warm render)", "", "ticket PDF", 1, 1, 0, 0),
        Scenario("plan", "major plan /plans/<code>/ (16 courses)", "PlanUser", "major plan", 32, 32, w, d),
        Scenario("passed", "passed courses /records/passed/", "PassedUser", "passed courses", 32, 32, w, d),
        Scenario("rush", f"rush: {rush_users:,} candidates", "RushUser", "*", rush_users, rush_spawn, 0,
                 int(rush_users / rush_spawn) + 40),
        # 理论课报名 opening morning: sign in, four courses, check answers, pay (演示支付), 已支付.
        Scenario("reg_rush", f"registration rush: {rush_users:,} candidates", "RegistrationRushUser", "*",
                 rush_users, rush_spawn, 0, int(rush_users / rush_spawn) + 40,
                 settings_module="settings_registration"),
        # Score morning (scripts/bench/scores_spike.py): every candidate within 10 s of publication.
        Scenario("scores", f"scores published: {scores_spike.users(quick):,} candidates within 10 s", "ScoresSpikeUser",
                 "scores page", scores_spike.users(quick), scores_spike.users(quick), 0, 120),
        # 支付宝 resending its notifications (up to eight times each): one state change per order.
        Scenario("notify", "支付宝 notifications, each delivered again and again", "NotifyUser", "notification",
                 16, 16, w, d, settings_module="settings_notify"),
    ]


# --------------------------------------------------------------------------- small helpers


STARTED = time.monotonic()


def log(message):
    print(f"[bench {time.monotonic() - STARTED:5.0f} s] {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def git(*args):
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine_facts():
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = git("rev-parse", "--short", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cores": psutil.cpu_count(logical=True),
        "cpu": model or platform.processor(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "commit": commit + (" (+ uncommitted changes in the tree)" if dirty else ""),
        "load_before": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = math.ceil(round(fraction * len(sorted_values), 9))  # round: 0.95 * 100 is 95.00000000000001
    return sorted_values[max(1, min(rank, len(sorted_values))) - 1]


# --------------------------------------------------------------------------- database and Redis


def pg_admin(sql):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def database_url(name):
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_redis_keys(prefix):
    import redis

    client = redis.Redis.from_url(REDIS_BASE_URL)
    removed = 0
    batch = []
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            removed += client.delete(*batch)
            batch = []
    if batch:
        removed += client.delete(*batch)
    return removed


# --------------------------------------------------------------------------- CPU accounting


class CpuSampler(threading.Thread):
    """Cumulative CPU seconds of the server, the load generator, PostgreSQL, Redis and the machine."""

    def __init__(self, server_pid, client_pid, interval=0.5):
        super().__init__(daemon=True)
        self.server_pid, self.client_pid, self.interval = server_pid, client_pid, interval
        self.samples = []
        self._halt = threading.Event()
        self._seen = {}

    def _tree_seconds(self, pid):
        """CPU seconds of ``pid`` and its descendants, remembering processes that have exited."""
        seen = self._seen.setdefault(pid, {})
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            procs = []
        for proc in procs:
            try:
                times = proc.cpu_times()
                seen[proc.pid] = times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return sum(seen.values())

    def _named_seconds(self):
        """CPU seconds of every PostgreSQL and Redis process seen so far (exited ones included)."""
        for proc in psutil.process_iter(["name", "cpu_times"]):
            name, times = proc.info["name"] or "", proc.info["cpu_times"]
            if times is None:
                continue
            group = "postgres" if name.startswith("postgres") else "redis" if name.startswith("redis-server") else None
            if group:
                self._seen.setdefault(group, {})[proc.pid] = times.user + times.system
        return {group: sum(self._seen.get(group, {}).values()) for group in ("postgres", "redis")}

    def sample(self):
        machine = psutil.cpu_times()
        busy = machine.user + machine.nice + machine.system + machine.irq + machine.softirq + machine.steal
        named = self._named_seconds()
        return (time.time(), self._tree_seconds(self.server_pid), self._tree_seconds(self.client_pid),
                named["postgres"], named["redis"], busy)

    def run(self):
        while not self._halt.is_set():
            self.samples.append(self.sample())
            self._halt.wait(self.interval)
        self.samples.append(self.sample())

    def stop(self):
        self._halt.set()
        self.join()

    def shares(self, start, end):
        """Average use in % of the whole machine (100 % = every core busy) between start and end."""
        usable = [s for s in self.samples if start - self.interval <= s[0] <= end + self.interval]
        if len(usable) < 2:
            usable = self.samples[:1] + self.samples[-1:]
        if len(usable) < 2:
            return {}
        first, last = usable[0], usable[-1]
        seconds = (last[0] - first[0]) * psutil.cpu_count()
        if seconds <= 0:
            return {}
        names = ("server", "client", "postgres", "redis", "machine")
        used = {name: (last[i + 1] - first[i + 1]) / seconds * 100 for i, name in enumerate(names)}
        used["other"] = max(0.0, used["machine"] - used["server"] - used["client"] - used["postgres"] - used["redis"])
        return used


# --------------------------------------------------------------------------- Django side (in-process)


def django_setup(env):
    os.environ.update(env)
    sys.path[:0] = [str(ROOT), str(BENCH_DIR)]
    import django

    django.setup()


def prepare_database(rush_count, data_dir, notify_count=0):
    """Migrate, collect static, seed; returns the pools the locust users draw from."""
    import bench_support as bench
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    log(f"collected static files in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC)
    add_past_windows(now)
    window = bench.open_transfer_window(now=now)
    bench.open_theory_window(now=now)
    argon2_ids = bench.seed_candidates(count=CANDIDATES, start=0, algorithm="argon2", prefix="bench", now=now)
    pbkdf2_ids = bench.seed_candidates(count=PBKDF2_CANDIDATES, start=CANDIDATES, algorithm="pbkdf2_sha256",
                                       prefix="benchpb", now=now)
    log(f"seeded {len(argon2_ids):,} Argon2id + {len(pbkdf2_ids):,} PBKDF2 candidates in "
        f"{time.perf_counter() - started:.1f} s (one hash per hasher, reused)")

    from candidates.models import Candidate
    from zikao.models import City

    logins = dict(Candidate.objects.filter(user_id__in=argon2_ids + pbkdf2_ids)
                  .values_list("user_id", "ticket_number"))
    id_numbers = dict(Candidate.objects.filter(user_id__in=argon2_ids + pbkdf2_ids)
                      .values_list("user_id", "id_number"))

    def login_of(position, user_id):
        # Half the candidates sign in with the ticket number, half with the ID number.
        return logins[user_id] if position % 2 else id_numbers[user_id]

    rush_ids = argon2_ids[:min(rush_count, 2000)]
    center_ids = argon2_ids[1000:1200]
    signin_ids = argon2_ids[1000:2000]
    submit_ids = argon2_ids[2000:]
    User = get_user_model()
    users = {u.pk: u for u in User.objects.filter(pk__in=center_ids + submit_ids).only("pk", "password")}
    # Each submit goes to the next city after the candidate's own (any other city would do).
    cities = sorted(City.objects.values_list("code", flat=True))
    own_city = dict(Candidate.objects.filter(user_id__in=submit_ids).values_list("user_id", "county__city_id"))
    destination = {pk: cities[(cities.index(own_city[pk]) + 1) % len(cities)] for pk in submit_ids}
    started = time.perf_counter()
    seed_catalogue(center_ids)
    center_keys = bench.signed_in_session_keys([users[pk] for pk in center_ids])
    submit_keys = bench.signed_in_session_keys([users[pk] for pk in submit_ids])
    log(f"made {len(center_keys) + len(submit_keys):,} signed-in sessions in {time.perf_counter() - started:.1f} s")
    notify_data = {}
    if notify_count:
        import notify

        started = time.perf_counter()
        notify_data = notify.prepare(data_dir, submit_ids[-notify_count:], now=now)
        log(f"opened {notify_count:,} orders with a 支付宝 payment and signed their notifications in "
            f"{time.perf_counter() - started:.1f} s")
    connection.close()
    return {
        **notify_data,
        "password": bench.BENCH_PASSWORD,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "window_id": str(window.pk),
        "signin_argon2": [login_of(i, pk) for i, pk in enumerate(signin_ids)],
        "signin_pbkdf2": [login_of(i, pk) for i, pk in enumerate(pbkdf2_ids)],
        "center_sessions": [[key, logins[pk]] for key, pk in zip(center_keys, center_ids, strict=True)],
        "submit_sessions": [[key, destination[pk]] for key, pk in zip(submit_keys, submit_ids, strict=True)],
        "submit_user_ids": submit_ids,
        "plan_code": PLAN_MAJOR,
        "rush_logins": [login_of(i, pk) for i, pk in enumerate(rush_ids)],
        "rush_target": max(rush_count, 1),
        "reg_rush_logins": [login_of(i, pk) for i, pk in enumerate(rush_ids)],
        "reg_rush_target": max(rush_count, 1),
        "rush_think": list(RUSH_THINK),
    }


PLAN_MAJOR = "120201K"  # 工商管理 of the demo catalogue: 16 plan courses


def seed_catalogue(candidate_user_ids, passed=8):
    """The demo catalogue, and for each given candidate the 报考专业 and ``passed`` courses of its plan."""
    from candidates.models import Candidate
    from exams import demo
    from exams.models import ExamSitting, Major, PlanCourse
    from records.models import PassedCourse

    demo.seed()
    major = Major.objects.get(code=PLAN_MAJOR)
    Candidate.objects.filter(user_id__in=candidate_user_ids).update(major=major)
    courses = [pc.course for pc in PlanCourse.objects.filter(major=major).select_related("course")[:passed]]
    sitting = ExamSitting.objects.get(code="202604")
    PassedCourse.objects.bulk_create([
        PassedCourse(candidate_id=candidate_id, course=course, source="exam", score=70, sitting=sitting)
        for candidate_id in Candidate.objects.filter(user_id__in=candidate_user_ids).values_list("pk", flat=True)
        for course in courses
    ], ignore_conflicts=True)


def add_past_windows(now):
    """Two past windows of every business, so the centre's 快捷入口 shows real rows."""
    from zikao.models import BusinessWindow

    windows = []
    for kind in BusinessWindow.Kind.values:
        for months_ago in (12, 6):
            opens = now - datetime.timedelta(days=30 * months_ago)
            windows.append(BusinessWindow(kind=kind, title=f"往期{BusinessWindow.Kind(kind).label}",
                                          opens_at=opens, closes_at=opens + datetime.timedelta(days=10)))
    BusinessWindow.objects.bulk_create(windows)  # bulk_create sends no signals:
    forget_windows()  # drop what the centre may have cached of the windows


def forget_windows():
    from zikao.blocks import forget

    forget("windows")


def count_queries():
    """SQL queries per measured request, in-process (Django test client, production settings)."""
    import bench_support as bench
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from candidates.models import Candidate, CandidateMessage

    def queries(client, method, path, **kwargs):
        with CaptureQueriesContext(connection) as captured:
            response = getattr(client, method)(path, **kwargs)
        return len(captured), response

    from patterns import CAPTCHA_KEY_RE, CITY_RE, TOKEN_RE, WINDOW_RE

    counts = {}
    anonymous = Client(HTTP_HOST="127.0.0.1")
    counts["baseline"], _ = queries(anonymous, "get", "/_bench/baseline")
    page = anonymous.get("/accounts/login/").content.decode()
    key = CAPTCHA_KEY_RE.search(page).group(1)
    from captcha.models import CaptchaStore

    probe_ids = bench.seed_candidates(count=1, start=CANDIDATES + PBKDF2_CANDIDATES, prefix="benchprobe")
    probe = Candidate.objects.get(user_id=probe_ids[0])
    counts["sign-in POST"], response = queries(anonymous, "post", "/accounts/login/", data={
        "username": probe.ticket_number, "password": bench.BENCH_PASSWORD,
        "captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response,
    })
    assert response.status_code == 302, f"probe sign-in failed: {response.status_code}"
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(pk=probe_ids[0]), backend=bench.CANDIDATE_BACKEND)
    # Both counts with the windows block not cached (its worst case), then once with it cached.
    forget_windows()
    counts["personal centre (0 messages)"], _ = queries(client, "get", "/center/")
    CandidateMessage.objects.bulk_create(
        [CandidateMessage(candidate=probe, title=f"消息{i}", body="基准测试") for i in range(50)]
    )
    forget_windows()
    counts["personal centre"], _ = queries(client, "get", "/center/")
    counts["personal centre (windows cached)"], _ = queries(client, "get", "/center/")
    counts["transfer form"], response = queries(client, "get", "/transfers/in-province/apply/")
    page = response.content.decode()
    form = {
        "token": TOKEN_RE.search(page).group(1),
        "window": WINDOW_RE.search(page).group(1),
        "to_city": CITY_RE.findall(page)[0],
    }
    counts["transfer check answers"], _ = queries(client, "post", "/transfers/in-province/apply/",
                                                  data={**form, "action": "review"})
    counts["transfer submit"], response = queries(client, "post", "/transfers/in-province/apply/",
                                                  data={**form, "action": "confirm"})
    number = response["Location"].rstrip("/").rsplit("/", 1)[1]
    counts["transfer details"], _ = queries(client, "get", f"/transfers/{number}/")
    counts["application PDF"], _ = queries(client, "get", f"/transfers/{number}/pdf/")
    # Plan and ledger: counted with 8 and with 16 courses, to show the count does not grow with them.
    counts["major plan"], _ = queries(anonymous, "get", f"/plans/{PLAN_MAJOR}/")
    seed_catalogue([probe.user_id], passed=8)
    counts["passed courses (8 passed)"], _ = queries(client, "get", "/records/passed/")
    seed_catalogue([probe.user_id], passed=16)
    counts["passed courses"], _ = queries(client, "get", "/records/passed/")
    connection.close()
    return counts


def pdf_pool(user_ids, limit=500):
    """Signed-in sessions of candidates who applied, with their application numbers."""
    import bench_support as bench
    from django.contrib.auth import get_user_model
    from django.db import connection

    from transfers.models import TransferApplication

    rows = list(TransferApplication.objects.filter(candidate__user_id__in=user_ids)
                .values_list("candidate__user_id", "number")[:limit])
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=[r[0] for r in rows]).only("pk", "password")}
    keys = bench.signed_in_session_keys([users[pk] for pk, _ in rows])
    connection.close()
    return [[key, number] for key, (_pk, number) in zip(keys, rows, strict=True)]


def application_checks():
    """Duplicates and totals straight from the database."""
    import notify
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT candidate_id, window_id FROM transfers_transferapplication "
            "WHERE status IN ('pending_origin', 'pending_destination', 'accepted') "
            "GROUP BY candidate_id, window_id HAVING count(*) > 1) AS dup"
        )
        active_duplicates = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT candidate_id FROM transfers_transferapplication "
            "GROUP BY candidate_id HAVING count(*) > 1) AS dup"
        )
        any_duplicates = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), count(DISTINCT number) FROM transfers_transferapplication")
        total, numbers = cursor.fetchone()
        # The Argon2id accounts must still be Argon2id (the PBKDF2 server re-hashes whoever signs in there).
        cursor.execute("SELECT count(*) FROM candidates_user WHERE username LIKE 'bench0%%' "
                       "AND password NOT LIKE 'argon2$argon2id$%%'")
        rehashed = cursor.fetchone()[0]
        # 理论课报名: one live registration per candidate and sitting, one live order per registration.
        cursor.execute(
            "SELECT count(*) FROM (SELECT candidate_id, sitting_id FROM exams_courseregistration "
            "WHERE status IN ('draft', 'awaiting_payment', 'paid') GROUP BY candidate_id, sitting_id "
            "HAVING count(*) > 1) AS dup"
        )
        registration_duplicates = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT purpose_id FROM payments_order WHERE status IN ('pending', 'paid') "
            "GROUP BY purpose_type, purpose_id HAVING count(*) > 1) AS dup"
        )
        order_duplicates = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE status = 'paid') FROM exams_courseregistration")
        registrations, registrations_paid = cursor.fetchone()
        notified = notify.check(cursor)
    connection.close()
    return {
        **notified,"duplicates": active_duplicates + any_duplicates, "applications": total, "distinct_numbers": numbers,
            "argon2_rehashed": rehashed, "registration_duplicates": registration_duplicates + order_duplicates,
            "registrations": registrations, "registrations_paid": registrations_paid}


# --------------------------------------------------------------------------- server and load generator


class Server:
    def __init__(self, env, port, workers, threads, log_path, settings_module=""):
        self.env = {**env, "BENCH_BIND": f"127.0.0.1:{port}", "BENCH_WORKERS": str(workers),
                    "BENCH_THREADS": str(threads), "BENCH_ERRORLOG": "-"}
        if settings_module:
            self.env.update(DJANGO_SETTINGS_MODULE=settings_module)
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.process = None

    def start(self):
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "zikao.wsgi:application"],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}:\n{Path(self.log_path).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its own workers
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the session we started, nothing else
            self.process.wait()
        self._log.close()

    def errors_logged(self):
        text = Path(self.log_path).read_text(errors="replace")
        return len(re.findall(r"Internal Server Error|Traceback \(most recent call last\)", text))


def run_locust(scenario, server, data_path, out_dir, env, redis_prefix):
    import redis

    redis.Redis.from_url(REDIS_BASE_URL).delete(*[f"{redis_prefix}:claim:{p}" for p in (
        "signin_argon2", "signin_pbkdf2", "center_sessions", "submit_sessions", "pdf_sessions", "rush_logins", "reg_rush_logins")])
    run_time = scenario.warmup + scenario.duration
    cmd = [
        str(BIN / "locust"), "-f", f"{LOCUSTFILE},{BENCH_DIR / 'scores_spike.py'}", "--headless", "--host", server.url,
        "-u", str(scenario.users), "-r", f"{scenario.spawn_rate:g}", "-t", f"{run_time}s",
        "--stop-timeout", "15", "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
        scenario.user_class,
    ]
    if scenario.processes > 1:
        cmd[1:1] = ["--processes", str(scenario.processes)]
    locust_env = {**env, "BENCH_DATA": str(data_path), "BENCH_OUT": str(out_dir), "BENCH_SCENARIO": scenario.key}
    log(f"{scenario.label}: {scenario.users} users, {scenario.warmup} s warm-up + {scenario.duration} s")
    with open(out_dir / f"{scenario.key}.locust.log", "w") as locust_log:
        process = subprocess.Popen(cmd, cwd=ROOT, env=locust_env, stdout=locust_log, stderr=subprocess.STDOUT)
        sampler = CpuSampler(server.process.pid, process.pid)
        sampler.start()
        try:
            process.wait(timeout=run_time + 120)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait()
        sampler.stop()
    return analyse(scenario, out_dir, sampler)


def analyse(scenario, out_dir, sampler):
    records, journeys, starts, stops, exhausted = [], [], [], [], 0
    double_clicks = splits = 0
    for path in out_dir.glob(f"{scenario.key}-*.json"):
        data = json.loads(path.read_text())
        records += data["records"]
        journeys += data["journeys"]
        exhausted += data["run"]["pool_exhausted"]
        double_clicks += data["run"].get("double_clicks", 0)
        splits += data["run"].get("double_click_splits", 0)
        if data["run"]["start"]:
            starts.append(data["run"]["start"])
            stops.append(data["run"]["stop"])
    if not starts:
        return {"missing": True}
    start = min(starts)
    if scenario.key in RUSHES:
        window_start = min((r[0] for r in records), default=start)
        window_end = max((j[1] for j in journeys), default=max(stops))
        in_window = records
    else:
        window_start = start + scenario.warmup
        window_end = start + scenario.warmup + scenario.duration
        in_window = [r for r in records if window_start <= r[0] < window_end]
    by_name = {}
    for _started, name, elapsed, _ok in in_window:
        by_name.setdefault(name, []).append(elapsed)
    errors_by_name = {}
    for _started, name, _elapsed, ok in records:
        if not ok:
            errors_by_name[name] = errors_by_name.get(name, 0) + 1
    seconds = max(window_end - window_start, 1e-9)

    def figures(times, name):
        times = sorted(times)
        return {"requests": len(times), "rps": len(times) / seconds, "p50": percentile(times, 0.50),
                "p95": percentile(times, 0.95), "p99": percentile(times, 0.99),
                "errors": errors_by_name.get(name, 0) if name != "*" else sum(errors_by_name.values())}

    names = {name: figures(times, name) for name, times in sorted(by_name.items())}
    if scenario.measured == "*":
        measured = figures([r[2] for r in in_window], "*")
    else:
        measured = names.get(scenario.measured, figures([], scenario.measured))
    result = {"measured": measured, "names": names, "seconds": seconds, "pool_exhausted": exhausted,
              "double_clicks": double_clicks, "double_click_splits": splits,
              "cpu": sampler.shares(window_start, window_end), "errors_total": sum(errors_by_name.values())}
    if journeys:
        done = [j for j in journeys if j[2]]
        first = min(j[0] for j in journeys)
        result["journeys"] = {"count": len(journeys), "ok": len(done), "wall": max(j[1] for j in journeys) - first,
                              "arrivals": max(j[0] for j in journeys) - first,
                              "median_journey": sorted(j[1] - j[0] for j in journeys)[len(journeys) // 2]}
    return result


# --------------------------------------------------------------------------- report


def verdicts(by_key, queries, checks, rush_users):
    base = by_key["baseline"].results.get("measured", {}).get("rps") or float("nan")

    def m(key):
        return by_key[key].results.get("measured", {}) if key in by_key else {}

    out = {}
    if "signin_argon2" in by_key:
        argon, pbkdf2 = m("signin_argon2").get("rps", 0), m("signin_pbkdf2").get("rps", 0)
        ratio = argon / pbkdf2 if pbkdf2 else float("nan")
        out["signin_argon2"] = (f"≥ 50/s and ≥ 8× PBKDF2: {argon:.0f}/s, {ratio:.1f}×",
                                argon >= 50 and ratio >= 8 and m("signin_argon2").get("errors", 1) == 0)
    if "center" in by_key:
        constant = queries.get("personal centre") == queries.get("personal centre (0 messages)")
        ratio = m("center").get("rps", 0) / base
        signed_in = m("center").get("rps", 0) / (m("baseline_session").get("rps") or float("nan"))
        out["center"] = (f"≥ 0.5× baseline, queries constant: {ratio:.2f}× ({signed_in:.2f}× signed-in baseline), "
                         f"{queries.get('personal centre (0 messages)')} queries with 0 and 50 messages "
                         f"→ {queries.get('personal centre')} "
                         f"({queries.get('personal centre (windows cached)')} with the windows cached)",
                         ratio >= 0.5 and constant and m("center").get("errors", 1) == 0)
    if "submit" in by_key:
        sub = m("submit")
        res = by_key["submit"].results
        out["submit"] = (f"≥ 100/s, 200 users, 0 errors, 0 duplicates: {sub.get('rps', 0):.0f}/s, "
                         f"{res.get('errors_total', '?')} errors, {checks.get('duplicates', '?')} duplicates "
                         f"({res.get('double_clicks', 0)} double clicks, {res.get('double_click_splits', 0)} split)",
                         sub.get("rps", 0) >= 100 and res.get("errors_total", 1) == 0
                         and checks.get("duplicates", 1) == 0 and res.get("double_click_splits", 1) == 0)
    for key, name, fewer in (("plan", "major plan", None), ("passed", "passed courses", "passed courses (8 passed)")):
        if key in by_key:
            ratio = m(key).get("rps", 0) / base
            constant = fewer is None or queries.get(name) == queries.get(fewer)
            counted = f"{queries.get(fewer)} queries with 8 and {queries.get(name)} with 16 courses" if fewer \
                else f"{queries.get(name)} queries whatever the plan's length"
            out[key] = (f"≥ 0.5× baseline, queries constant: {ratio:.2f}×, {counted}",
                        ratio >= 0.5 and constant and m(key).get("errors", 1) == 0)
    if "pdf" in by_key:
        out["pdf"] = (f"median ≤ 100 ms: {m('pdf').get('p50', float('nan')):.0f} ms",
                      m("pdf").get("p50", 1e9) <= 100 and m("pdf").get("errors", 1) == 0)
    if "ticket_pdf" in by_key:
        import ticket_pdf as ticket_bench

        out["ticket_pdf"] = ticket_bench.verdict(by_key["ticket_pdf"].results)
    if "rush" in by_key:
        rush = by_key["rush"].results
        j = rush.get("journeys", {})
        out["rush"] = (f"{rush_users:,} journeys within 60 s, 0 errors, p99 < 1 s: {j.get('ok', 0):,} ok in "
                       f"{j.get('wall', float('nan')):.0f} s, {rush.get('errors_total', '?')} errors, "
                       f"p99 {m('rush').get('p99', float('nan')):.0f} ms",
                       j.get("ok") == rush_users and j.get("wall", 1e9) <= 60 and rush.get("errors_total", 1) == 0
                       and m("rush").get("p99", 1e9) < 1000)
    if "reg_rush" in by_key:
        reg = by_key["reg_rush"].results
        j = reg.get("journeys", {})
        users = by_key["reg_rush"].users
        out["reg_rush"] = (f"{users:,} paid within 60 s, 0 errors, 0 duplicates, p99 < 1 s: {j.get('ok', 0):,} paid in "
                           f"{j.get('wall', float('nan')):.0f} s, {reg.get('errors_total', '?')} errors, "
                           f"{checks.get('registration_duplicates', '?')} duplicate registrations or orders, "
                           f"p99 {m('reg_rush').get('p99', float('nan')):.0f} ms",
                           j.get("ok") == users and j.get("wall", 1e9) <= 60 and reg.get("errors_total", 1) == 0
                           and checks.get("registration_duplicates", 1) == 0 and m("reg_rush").get("p99", 1e9) < 1000)
    out.update(scores_spike.verdicts(by_key))
    if "notify" in by_key:
        note = m("notify")
        res = by_key["notify"].results
        out["notify"] = (f"≥ 100/s, 0 errors, every order paid once: {note.get('rps', 0):.0f}/s, "
                         f"{res.get('errors_total', '?')} errors, {checks.get('notify_paid', '?')} of "
                         f"{checks.get('notify_orders', '?')} orders paid, {checks.get('notify_confirmed_twice', '?')} "
                         f"confirmed twice",
                         note.get("rps", 0) >= 100 and res.get("errors_total", 1) == 0
                         and checks.get("notify_paid") == checks.get("notify_orders")
                         and checks.get("notify_confirmed_twice", 1) == 0)
    return out


def fmt(value, digits=0):
    if value is None or value != value:
        return "–"
    return f"{value:,.{digits}f}"


def render_table(ran, queries, goals):
    base = next((s.results.get("measured", {}).get("rps") for s in ran if s.key == "baseline"), None)
    header = ("| scenario | users | req/s | p50 ms | p95 ms | p99 ms | errors | × baseline | queries "
              "| CPU % server / load gen / PostgreSQL / other | goal | met |")
    lines = [header, "|" + "---|" * 12]
    for s in ran:
        r = s.results.get("measured", {})
        cpu = s.results.get("cpu", {})
        query = queries.get(s.measured, "") if s.key not in RUSHES else ""
        goal, met = goals.get(s.key, ("", None))
        ratio = (r.get("rps", 0) / base) if base and s.key not in ("baseline",) else (1.0 if s.key == "baseline" else None)
        lines.append(
            f"| {s.label} | {s.users:,} | {fmt(r.get('rps'))} | {fmt(r.get('p50'))} | {fmt(r.get('p95'))} "
            f"| {fmt(r.get('p99'))} | {r.get('errors', '–')} | {fmt(ratio, 2)} | {query} "
            f"| {fmt(cpu.get('server'))} / {fmt(cpu.get('client'))} / {fmt(cpu.get('postgres'))} / {fmt(cpu.get('other'))} "
            f"| {goal} | {'' if met is None else ('yes' if met else '**no**')} |"
        )
    return "\n".join(lines)


def render_details(ran):
    lines = ["| scenario | request | count | req/s | p50 ms | p95 ms | p99 ms | errors |", "|" + "---|" * 8]
    for s in ran:
        for name, r in s.results.get("names", {}).items():
            lines.append(f"| {s.key} | {name} | {r['requests']:,} | {fmt(r['rps'], 1)} | {fmt(r['p50'])} "
                         f"| {fmt(r['p95'])} | {fmt(r['p99'])} | {r['errors']} |")
    return "\n".join(lines)


def write_docs(report):
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    block = f"{RESULTS_START}\n{report}\n{RESULTS_END}"
    if RESULTS_START in text and RESULTS_END in text:
        head, rest = text.split(RESULTS_START, 1)
        tail = rest.split(RESULTS_END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n## Latest results\n\n" + block + "\n"
    DOCS.write_text(text)


# --------------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description="Rush-hour benchmarks: prints one table of figures.")
    parser.add_argument("--quick", action="store_true", help="short scenarios and a 250-candidate rush (< 2 min)")
    parser.add_argument("--write", dest="write", action="store_true", default=None,
                        help="write the results into docs/benchmarks.md (default for full runs)")
    parser.add_argument("--no-write", dest="write", action="store_false")
    parser.add_argument("--only", default="", help="comma-separated scenario keys (baseline is always run)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "5")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "1")))
    parser.add_argument("--keep", action="store_true", help="keep the database and the raw records (debugging)")
    parser.add_argument("--verbose", action="store_true", help="also print every request of every scenario")
    parser.add_argument("--rush-users", type=int, help="candidates in the rush (default 1,000; 200 with --quick)")
    parser.add_argument("--rush-arrivals", type=float, default=RUSH_ARRIVAL_SECONDS,
                        help="seconds over which 1,000 rush candidates would arrive (sets the arrival rate)")
    args = parser.parse_args()
    write = (not args.quick) if args.write is None else args.write
    worker_class = os.environ.get("BENCH_WORKER_CLASS", "sync" if args.threads == 1 else "gthread")
    os.environ["BENCH_WORKER_CLASS"] = worker_class
    overall = time.perf_counter()

    subprocess.run([str(ROOT / "scripts" / "ensure-services.sh")], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    facts = machine_facts()
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    db_name = f"zikao_bench_{stamp}"
    redis_prefix = f"zikao-bench-{stamp}"
    work = Path(tempfile.mkdtemp(prefix="zikao-bench-"))
    static_root = ROOT / "var" / "bench-static"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))},
        "DJANGO_SETTINGS_MODULE": "settings_bench",
        "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), str(ROOT)]),
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(db_name),
        "REDIS_URL": REDIS_BASE_URL,
        "CACHE_KEY_PREFIX": redis_prefix,
        "CELERY_BROKER_URL": REDIS_BASE_URL,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_HOST": "127.0.0.1",  # production refuses to start without mail; the bench sends none
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(work / "media"),
        "PRIVATE_MEDIA_ROOT": str(work / "private"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "BENCH_ALIPAY_DIR": str(work),  # settings_notify's keys (scripts/bench/notify.py)
    }
    wanted = {"baseline", *filter(None, args.only.split(","))} if args.only else None
    plan = [s for s in scenarios(args.quick, args.rush_users, args.rush_arrivals) if wanted is None or s.key in wanted]
    by_key = {s.key: s for s in plan}
    server = None
    queries, checks = {}, {}
    server_errors = server_errors_other = 0
    try:
        pg_admin(f'CREATE DATABASE "{db_name}"')
        log(f"database {db_name}; work files in {work}")
        django_setup(env)
        data = prepare_database(max((by_key[k].users for k in RUSHES if k in by_key), default=0), work,
                                notify_count=(NOTIFY_ORDERS_QUICK if args.quick else NOTIFY_ORDERS)
                                if "notify" in by_key else 0)
        data.update({"database_url": env["DATABASE_URL"], "redis_url": REDIS_BASE_URL, "key_prefix": redis_prefix})
        queries = count_queries()
        log("queries per request: " + ", ".join(f"{k} {v}" for k, v in queries.items()))
        data_path = work / "data.json"
        data_path.write_text(json.dumps(data))
        out_dir = work / "records"
        out_dir.mkdir()

        server = Server(env, free_port(), args.workers, args.threads, work / "gunicorn.log")
        server.start()
        log(f"gunicorn {worker_class}, {args.workers} workers × {args.threads} thread(s) at {server.url}")
        warm_up(server.url)
        for scenario in plan:
            if scenario.key == "ticket_pdf":  # rendered in this process: scripts/bench/ticket_pdf.py
                import ticket_pdf as ticket_bench

                scenario.results = ticket_bench.run(args.quick)
                log(f"  ticket PDF: warm median {scenario.results['measured']['p50']:.0f} ms")
                continue
            if scenario.key == "pdf":
                data["pdf_sessions"] = pdf_pool(data["submit_user_ids"])
                if not data["pdf_sessions"]:
                    log("no applications to print: skipping the PDF scenario")
                    continue
                data_path.write_text(json.dumps(data))
            if scenario.key == "scores":
                data.update(scores_spike.prepare(data, count=scenario.users, log=log))
                data_path.write_text(json.dumps(data))
            if scenario.settings_module:
                # e.g. Django's default hashers: a second server for this scenario only.
                other = Server(env, free_port(), args.workers, args.threads,
                               work / f"gunicorn-{scenario.key}.log", settings_module=scenario.settings_module)
                other.start()
                try:
                    warm_up(other.url)
                    scenario.results = run_locust(scenario, other, data_path, out_dir, env, redis_prefix)
                finally:
                    server_errors_other += other.errors_logged()
                    other.stop()
            else:
                scenario.results = run_locust(scenario, server, data_path, out_dir, env, redis_prefix)
            r = scenario.results.get("measured", {})
            log(f"  {scenario.measured}: {fmt(r.get('rps'), 1)}/s, p50 {fmt(r.get('p50'))} ms, "
                f"p95 {fmt(r.get('p95'))} ms, p99 {fmt(r.get('p99'))} ms, errors {scenario.results.get('errors_total')}")
        checks = application_checks()
        server_errors = server.errors_logged() + server_errors_other
        server.stop()
    finally:
        if server is not None:
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001,S110 - Django may not be set up yet
            pass
        if args.keep:
            log(f"kept database {db_name}, Redis prefix {redis_prefix}, files in {work}")
        else:
            pg_admin(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            removed = drop_redis_keys(redis_prefix)
            shutil.rmtree(work, ignore_errors=True)
            log(f"dropped {db_name} and {removed:,} Redis keys")

    ran = [s for s in plan if s.results]
    rush_users = by_key["rush"].users if "rush" in by_key else 0
    goals = verdicts(by_key, queries, checks, rush_users)
    table = render_table(ran, queries, goals)
    details = render_details(ran)
    rush = by_key.get("rush")
    notes = [
        f"- **Date** {facts['date']} · **machine** {facts['cores']} cores ({facts['cpu']}), "
        f"{facts['memory_gib']} GiB RAM, Linux {facts['kernel']}, Python {facts['python']} · "
        f"**commit** {facts['commit']} · load average before the run {facts['load_before']}",
        f"- gunicorn {worker_class} workers: {args.workers} × {args.threads} thread(s), settings_bench (production), "
        f"PostgreSQL and Redis on the same machine; Locust {'--quick' if args.quick else 'full'} run, "
        f"{plan[0].duration} s measured per scenario after {plan[0].warmup} s of warm-up.",
        f"- Applications in the database after the run: {checks.get('applications', '–'):,} with "
        f"{checks.get('distinct_numbers', '–'):,} distinct numbers; duplicate applications: "
        f"**{checks.get('duplicates', '–')}**. Server errors logged (500s, tracebacks): **{server_errors}**. "
        f"Argon2id accounts found re-hashed after the run: {checks.get('argon2_rehashed', '–')}.",
    ]
    if rush is not None and rush.results.get("journeys"):
        j = rush.results["journeys"]
        cpu = rush.results.get("cpu", {})
        per_journey = {k: cpu.get(k, 0) / 100 * psutil.cpu_count() * j["wall"] / max(j["count"], 1) * 1000
                       for k in ("server", "postgres", "client")}
        notes.append(
            f"- Rush: {j['count']:,} candidates arrived over {j['arrivals']:.1f} s (first to last journey "
            f"start; the rate set was {rush.spawn_rate:g}/s), "
            f"{j['ok']:,} completed every page; first request to last response {j['wall']:.1f} s; "
            f"median journey {j['median_journey']:.1f} s, of which five pauses of {RUSH_THINK[0]}–{RUSH_THINK[1]} s "
            f"(typing, reading). CPU per journey (8 requests): server {per_journey['server']:.0f} ms, "
            f"PostgreSQL {per_journey['postgres']:.0f} ms, load generator {per_journey['client']:.0f} ms."
        )
    report = "\n".join([
        table, "", *notes, "",
        "<details><summary>Every request of every scenario</summary>", "", details, "", "</details>",
    ])
    print()
    print(table)
    print()
    print("\n".join(notes))
    if args.verbose:
        print()
        print(details)
    log(f"finished in {time.perf_counter() - overall:.0f} s")
    if write:
        write_docs(report)
        log(f"results written to {DOCS.relative_to(ROOT)}")
    return 0


def warm_up(url):
    """One request per page kind so imports and caches are warm before anything is measured."""
    for path in ("/", "/accounts/login/", "/_bench/baseline", "/healthz"):
        for _ in range(4):
            with urllib.request.urlopen(url + path, timeout=30) as response:  # noqa: S310 - loopback
                response.read()


if __name__ == "__main__":
    sys.exit(main())
