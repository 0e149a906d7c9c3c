#!/usr/bin/env python3
"""A dead app server loses nothing (`make failover`): figures, never part of the test suite.

The production shape on one machine, everything on 127.0.0.1:
  HAProxy (Debian's) → two gunicorn servers (zikao.settings.production) → PostgreSQL,
  sessions and throttles in Redis.
A rush of 省内转考申请 submits runs through the load balancer; part-way through, one
gunicorn server (its master and every worker: the node) is killed with SIGKILL. The
run then checks, from the clients' side and in the database:
  - every candidate who got a success page has exactly one application, nobody two;
  - every submit that failed is retried with the same form (the same hidden token),
    as a candidate pressing 提交 again does, and lands on the same application;
  - errors are limited to the requests that were in flight when the node died;
  - every candidate is still signed in afterwards (sessions live in Redis, not in a node).
It prints one table; docs/deployment.md quotes a run. The database, the Redis keys, the
servers and HAProxy are removed whatever happens. Loops are bounded; nothing leaves 127.0.0.1.

Usage: .venv/bin/python scripts/failover.py [--candidates 400] [--clients 12] [--kill-after 0.35]
"""

import argparse
import datetime
import os
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
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GUNICORN_CONF = ROOT / "scripts" / "bench" / "gunicorn.conf.py"
PG_ADMIN_URL = os.environ.get("FAILOVER_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_BASE_URL = os.environ.get("FAILOVER_REDIS_URL", "redis://127.0.0.1:6379/14")
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
MAX_ATTEMPTS = 4  # a candidate presses 提交 at most this often
STARTED = time.monotonic()
DETAILS = re.compile(r"/transfers/(SNZK\d{13})/$")


def log(message):
    print(f"[failover {time.monotonic() - STARTED:5.1f} s] {message}", flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_admin(sql):
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def drop_redis_keys(prefix):
    import redis

    client = redis.Redis.from_url(REDIS_BASE_URL)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start:start + 1000])


def wait_until(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} not ready within {seconds} s")


def answers(url):
    import requests

    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


# --------------------------------------------------------------------------- the nodes


class Node:
    """One app server: a gunicorn master and its workers in their own process group."""

    def __init__(self, name, env, port, workers, log_dir):
        self.name, self.port = name, port
        self.env = {**env, "BENCH_BIND": f"127.0.0.1:{port}", "BENCH_WORKERS": str(workers),
                    "BENCH_THREADS": "1", "BENCH_ERRORLOG": "-"}
        self.log_path = log_dir / f"{name}.log"
        self.process = None

    def start(self):
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "--name", f"zikao-failover-{self.name}",
             "zikao.wsgi:application"],
            cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self):
        wait_until(lambda: self.process.poll() is None and answers(f"http://127.0.0.1:{self.port}/healthz"),
                   60, f"gunicorn {self.name}")

    def kill(self):
        """kill -9 the whole node: master and workers at once, no graceful anything."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


HAPROXY_CFG = """\
global
    maxconn 2000

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    # A connection refused by a dead node is tried again on the other one; a request
    # the node had already received is not replayed (a POST may have been processed).
    retries 3
    option redispatch 1
    retry-on conn-failure

frontend portal
    bind 127.0.0.1:{lb_port}
    # TLS ends here in production; tell Django the scheme and the client's address.
    http-request set-header X-Forwarded-Proto https
    option forwardfor
    default_backend app

backend app
    balance roundrobin
    # A dead node refuses the check at once: down within a second. A live node busy with the
    # rush may take seconds to answer it; it must not be taken for dead (timeout check).
    timeout check 10s
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    http-response set-header X-Node %s
{servers}
"""


def haproxy_config(lb_port, nodes):
    servers = "\n".join(
        f"    server {node.name} 127.0.0.1:{node.port} check inter 500ms fall 2 rise 2" for node in nodes
    )
    return HAPROXY_CFG.format(lb_port=lb_port, servers=servers)


# --------------------------------------------------------------------------- the data


def django_setup(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(count):
    """Migrate, collect static, open the window, seed signed-in candidates; returns (session key, city)."""
    from django.core.management import call_command
    from django.db import connection

    from candidates.models import Candidate
    from zikao import bench
    from zikao.models import City

    call_command("migrate", interactive=False, verbosity=0)
    log("migrated")
    call_command("collectstatic", interactive=False, verbosity=0)
    log("collected static files")
    now = datetime.datetime.now(datetime.UTC)
    window = bench.open_transfer_window(now=now)
    user_ids = bench.seed_candidates(count=count, start=0, algorithm="argon2", prefix="failover", now=now)
    from django.contrib.auth import get_user_model

    users = list(get_user_model().objects.filter(pk__in=user_ids).order_by("pk"))
    keys = bench.signed_in_session_keys(users)
    cities = sorted(City.objects.values_list("code", flat=True))
    own = dict(Candidate.objects.filter(user_id__in=user_ids).values_list("user_id", "county__city_id"))
    destinations = [cities[(cities.index(own[user.pk]) + 1) % len(cities)] for user in users]
    connection.close()
    return window.pk, list(zip(keys, destinations, [u.pk for u in users], strict=True))


def database_checks():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT candidate_id, count(*) FROM transfers_transferapplication GROUP BY candidate_id")
        per_candidate = dict(cursor.fetchall())
        cursor.execute("SELECT c.user_id, a.number FROM transfers_transferapplication a "
                       "JOIN candidates_candidate c ON c.id = a.candidate_id")
        number_of_user = dict(cursor.fetchall())
    connection.close()
    return per_candidate, number_of_user


# --------------------------------------------------------------------------- the rush


class Rush:
    def __init__(self, lb_url, session_cookie, window_id):
        self.lb_url, self.session_cookie, self.window_id = lb_url, session_cookie, str(window_id)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.in_flight_at_kill = None
        self.finished = 0
        self.errors = []  # (attempt, what) of every failed request
        self.latencies = []
        self.nodes_after_kill = {}
        self.killed_at = None

    def _request(self, session, method, path, **kwargs):
        import requests

        with self.lock:
            self.in_flight += 1
        started = time.monotonic()
        try:
            return session.request(method, self.lb_url + path, timeout=30, allow_redirects=False, **kwargs)
        except requests.RequestException as error:
            return error
        finally:
            with self.lock:
                self.in_flight -= 1
                self.latencies.append(time.monotonic() - started)

    def candidate(self, item):
        """One candidate: 提交 with the check-answers form, again with the same form until it lands."""
        import requests

        session_key, to_city, user_id = item
        session = requests.Session()
        csrf = uuid.uuid4().hex
        session.headers.update({
            "Cookie": f"{self.session_cookie}={session_key}; csrftoken={csrf}",
            "Referer": self.lb_url.replace("http://", "https://") + "/transfers/in-province/apply/",
        })
        form = {"csrfmiddlewaretoken": csrf, "token": str(uuid.uuid4()), "window": self.window_id,
                "to_city": to_city, "action": "confirm"}
        numbers = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            response = self._request(session, "POST", "/transfers/in-province/apply/", data=form)
            match = None if isinstance(response, Exception) else DETAILS.search(response.headers.get("Location", ""))
            if match:
                numbers.append(match.group(1))
                if self.killed_at is not None:
                    node = response.headers.get("X-Node", "?")
                    with self.lock:
                        self.nodes_after_kill[node] = self.nodes_after_kill.get(node, 0) + 1
                break
            if isinstance(response, Exception):
                what = type(response).__name__
            else:
                source = "portal" if "山西自学考试" in response.text else "haproxy"
                what = f"HTTP {response.status_code} from {source}"
            with self.lock:
                self.errors.append((attempt, what))
            time.sleep(0.3 * attempt)
        with self.lock:
            self.finished += 1
        return {"user_id": user_id, "numbers": numbers, "attempts": attempt, "session": session}

    def still_signed_in(self, result):
        response = self._request(result["session"], "GET", "/center/")
        return not isinstance(response, Exception) and response.status_code == 200 and "个人中心" in response.text


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=400, help="candidates who submit (default 400)")
    parser.add_argument("--clients", type=int, default=12, help="candidates submitting at the same time")
    parser.add_argument("--workers", type=int, default=3, help="sync workers per gunicorn server")
    parser.add_argument("--kill-after", type=float, default=0.35,
                        help="kill one server once this share of the candidates is done (default 0.35)")
    args = parser.parse_args()
    if not Path(HAPROXY).exists():
        sys.exit("haproxy is not installed: make failover installs it (Debian package haproxy).")

    subprocess.run([str(ROOT / "scripts" / "ensure-services.sh")], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    db_name, prefix = f"zikao_failover_{stamp}", f"zikao-failover-{stamp}"
    work = Path(tempfile.mkdtemp(prefix="zikao-failover-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))},
        "DJANGO_SETTINGS_MODULE": "zikao.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{db_name}",
        "REDIS_URL": REDIS_BASE_URL,
        "CACHE_KEY_PREFIX": prefix,
        "CELERY_BROKER_URL": REDIS_BASE_URL,
        "PROXY_COUNT": "1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_HOST": "127.0.0.1",  # required by production; this run sends no mail
        "STATIC_ROOT": str(ROOT / "var" / "failover-static"),
        "MEDIA_ROOT": str(work / "media"),
        "PRIVATE_MEDIA_ROOT": str(work / "private"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    nodes, haproxy = [], None
    pg_admin(f'CREATE DATABASE "{db_name}"')
    try:
        django_setup(env)
        log(f"database {db_name}: migrating, seeding {args.candidates} signed-in candidates")
        window_id, items = prepare(args.candidates)
        log("seeded; starting two gunicorn servers")
        from django.conf import settings

        nodes = [Node(name, env, free_port(), args.workers, work) for name in ("app1", "app2")]
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_ready()
        lb_port = free_port()
        config = work / "haproxy.cfg"
        config.write_text(haproxy_config(lb_port, nodes))
        subprocess.run([HAPROXY, "-c", "-q", "-f", str(config)], check=True)
        haproxy = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=open(work / "haproxy.log", "w"),  # noqa: SIM115
                                   stderr=subprocess.STDOUT, start_new_session=True)
        lb_url = f"http://127.0.0.1:{lb_port}"
        wait_until(lambda: answers(lb_url + "/healthz"), 30, "haproxy")
        log(f"haproxy on {lb_url} → {', '.join(f'{n.name} :{n.port}' for n in nodes)} ({args.workers} workers each)")

        rush = Rush(lb_url, settings.SESSION_COOKIE_NAME, window_id)
        kill_at = max(1, int(args.candidates * args.kill_after))
        victim = nodes[0]

        def killer():
            deadline = time.monotonic() + 300
            while rush.finished < kill_at and time.monotonic() < deadline:
                time.sleep(0.01)
            with rush.lock:
                rush.in_flight_at_kill = rush.in_flight
            victim.kill()
            rush.killed_at = time.monotonic()
            log(f"kill -9 {victim.name} (master pid {victim.process.pid} and its workers) after "
                f"{rush.finished} candidates; {rush.in_flight_at_kill} requests in flight")

        started = time.monotonic()
        killer_thread = threading.Thread(target=killer, daemon=True)
        killer_thread.start()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            results = list(pool.map(rush.candidate, items))
        elapsed = time.monotonic() - started
        killer_thread.join(timeout=10)
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            signed_in = sum(pool.map(rush.still_signed_in, results))

        per_candidate, number_of_user = database_checks()
        succeeded = [r for r in results if r["numbers"]]
        failed_for_good = [r for r in results if not r["numbers"]]
        retried = [r for r in succeeded if r["attempts"] > 1]
        retried_same = [r for r in retried if number_of_user.get(r["user_id"]) == r["numbers"][-1]]
        from candidates.models import Candidate

        candidate_of_user = dict(Candidate.objects.filter(user_id__in=[r["user_id"] for r in results])
                                 .values_list("user_id", "pk"))
        one_each = sum(1 for r in succeeded if per_candidate.get(candidate_of_user[r["user_id"]]) == 1
                       and number_of_user[r["user_id"]] == r["numbers"][-1])
        two_or_more = sum(1 for count in per_candidate.values() if count > 1)
        errors_first_try = sum(1 for attempt, _ in rush.errors if attempt == 1)
        kinds = {}
        for _, what in rush.errors:
            kinds[what] = kinds.get(what, 0) + 1

        rows = [
            ("candidates submitting (concurrently)", f"{len(results)} ({args.clients})"),
            ("rush duration / submits per second", f"{elapsed:.1f} s / {len(results) / elapsed:.1f}"),
            ("node killed (kill -9, master + workers)", f"{victim.name} once {kill_at} candidates were done"),
            ("requests in flight at the kill (both nodes)", str(rush.in_flight_at_kill)),
            ("failed requests (first tries; kinds)", f"{len(rush.errors)} ({errors_first_try}; "
             + (", ".join(f"{k} × {v}" for k, v in sorted(kinds.items())) or "none") + ")"),
            ("candidates with a success page", f"{len(succeeded)} of {len(results)}"),
            ("… of them with exactly one application, the one shown", f"{one_each}"),
            ("candidates with two or more applications", str(two_or_more)),
            ("applications in the database", str(sum(per_candidate.values()))),
            ("retried submits → the same application", f"{len(retried_same)} of {len(retried)}"),
            ("candidates never successful after retries", str(len(failed_for_good))),
            ("still signed in afterwards (GET /center/ → 200)", f"{signed_in} of {len(results)}"),
            ("successes after the kill, by node", ", ".join(f"{k} {v}" for k, v in sorted(rush.nodes_after_kill.items()))
             or "none"),
            ("submit latency p50 / p99 / max", f"{percentile(rush.latencies, .5) * 1000:.0f} / "
             f"{percentile(rush.latencies, .99) * 1000:.0f} / {max(rush.latencies) * 1000:.0f} ms"),
        ]
        width = max(len(label) for label, _ in rows)
        print()
        for label, value in rows:
            print(f"| {label.ljust(width)} | {value} |")
        ok = (
            not failed_for_good and one_each == len(succeeded) and two_or_more == 0
            and len(retried_same) == len(retried) and signed_in == len(results)
            and errors_first_try <= (rush.in_flight_at_kill or 0)
            and set(rush.nodes_after_kill) <= {nodes[1].name}
        )
        print()
        print("verdict:", "nothing lost" if ok else "SOMETHING WAS LOST: see the table")
        if not ok:
            for node in nodes:
                print(f"--- last lines of {node.name}'s log ---")
                print("\n".join(node.log_path.read_text(errors="replace").splitlines()[-15:]))
        return 0 if ok else 1
    finally:
        if haproxy is not None and haproxy.poll() is None:
            haproxy.terminate()
            haproxy.wait(timeout=10)
        for node in nodes:
            node.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001,S110 - Django may not be set up yet
            pass
        pg_admin(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        drop_redis_keys(prefix)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
