"""`make bench` row "scores published": the score-morning spike.

Right before the scenario the driver (scripts/bench.py, in-process, PostgreSQL) gives 2,000
signed-in candidates four scores each of the 202610 sitting, imports them through
``records.scores.import_scores_file`` (a marking-centre CSV), publishes the sitting through
``records.scores.publish_scores`` as Celery beat would at the announced minute, and counts the
queries of /records/scores/. Then every candidate requests /records/scores/ once, all of them
arriving within 10 s, each at an independent random moment of the 10 s, and the page must show
their scores.

The same file is a Locust file (loaded next to locustfile.py with ``-f a,b``): the user class is
defined only when Locust imported it, so the driver never imports Locust (or gevent).
"""

import random
import sys
import time

SITTING = "202610"
COURSES = ["03708", "03709", "00015", "00054", "00067", "00149", "00058", "00147"]
SPREAD_SECONDS = 10
FIGURES = {}


def users(quick):
    """2,000 in full and quick runs alike: the spike is one page per candidate, over in seconds."""
    return 2000


def _result(i, k):
    """A believable spread: mostly 40–95, about one in thirteen absent."""
    if (i * 7 + k * 3) % 13 == 0:
        return "缺考"
    return str(40 + (i * 37 + k * 11) % 56)


def prepare(data, *, count, log, close=True):
    """Scores for the last ``count`` submit candidates, imported and published; returns the pool."""
    import bench_support as bench
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from candidates.models import Candidate
    from exams import services as exam_services
    from records import scores

    user_ids = data["submit_user_ids"][-count:]
    tickets = dict(Candidate.objects.filter(user_id__in=user_ids).values_list("user_id", "ticket_number"))
    sitting = exam_services.ensure_sitting(code=SITTING, actor_label="operator:bench")
    lines = ["准考证号,课程代码,成绩"]
    for i, pk in enumerate(user_ids):
        for k in range(4):
            lines.append(f"{tickets[pk]},{COURSES[(i + k) % len(COURSES)]},{_result(i, k)}")
    started = time.perf_counter()
    report = scores.import_scores_file("\n".join(lines).encode(), sitting_code=SITTING, actor_label="operator:bench")
    FIGURES["import_seconds"] = time.perf_counter() - started
    assert not report.errors, report.errors[:3]
    log(f"imported {report.created:,} scores in {FIGURES['import_seconds']:.1f} s")

    User = get_user_model()
    by_pk = {u.pk: u for u in User.objects.filter(pk__in=user_ids).only("pk", "password")}
    keys = bench.signed_in_session_keys([by_pk[pk] for pk in user_ids])

    sitting.score_publish_at = timezone.now()
    sitting.save(update_fields=["score_publish_at"])
    started = time.perf_counter()
    done = scores.publish_scores(sitting=sitting, actor_label="system:bench-beat")
    FIGURES["publish_seconds"] = time.perf_counter() - started
    FIGURES["published"] = done.scores
    FIGURES["passed"] = done.passed
    log(f"published {done.scores:,} scores ({done.passed:,} passes into the ledger, {done.candidates:,} messages) "
        f"in {FIGURES['publish_seconds']:.1f} s")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(by_pk[user_ids[0]], backend=bench.CANDIDATE_BACKEND)
    client.get("/records/scores/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/records/scores/")
    assert response.status_code == 200 and "verdict-" in response.content.decode(), response.status_code
    FIGURES["queries"] = len(captured)
    if close:  # the driver's connection must not outlive the preparation (the test's must)
        connection.close()
    return {"scores_sessions": [[key, tickets[pk]] for key, pk in zip(keys, user_ids, strict=True)],
            "scores_target": count}


def verdicts(by_key):
    """The row's goal: 0 errors, p99 < 1 s, all within 10 s of publication, constant queries."""
    if "scores" not in by_key:
        return {}
    results = by_key["scores"].results
    measured = results.get("measured", {})
    journeys = results.get("journeys", {})
    count = by_key["scores"].users
    text = (f"{count:,} within {SPREAD_SECONDS} s, 0 errors, p99 < 1 s: {journeys.get('ok', 0):,} pages with scores, "
            f"arrivals over {journeys.get('arrivals', float('nan')):.1f} s, {results.get('errors_total', '?')} errors, "
            f"p99 {measured.get('p99', float('nan')):.0f} ms, {FIGURES.get('queries', '?')} queries per page; "
            f"publication of {FIGURES.get('published', 0):,} scores {FIGURES.get('publish_seconds', float('nan')):.1f} s")
    met = (journeys.get("ok") == count and results.get("errors_total", 1) == 0 and measured.get("p99", 1e9) < 1000
           and journeys.get("arrivals", 1e9) <= SPREAD_SECONDS + 1)
    return {"scores": (text, met)}


if "locust" in sys.modules:  # loaded by Locust next to locustfile.py
    import gevent
    import gevent.event
    import locustfile  # loaded first by Locust: the same module, with its records and pools
    from locust import events, task

    ALL_STARTED = gevent.event.Event()
    SPIKE = {}

    @events.spawning_complete.add_listener
    def _on_spawning_complete(**_kwargs):
        SPIKE["start"] = time.time()
        ALL_STARTED.set()

    class ScoresSpikeUser(locustfile.PortalUser):
        """One candidate refreshing 当次成绩查询 at the announced minute: one page, then leave."""

        finished = False

        def wait_time(self):
            return 10**6 if self.finished else 0  # as RushUser: wait out the run, do not respawn

        @task
        def scores_page(self):
            if self.finished:
                return
            # Every candidate reloads at a moment of their own within the 10 s: independent and
            # uniform, i.e. a random (Poisson) stream of 200 a second. All users are started at once
            # (spawn rate = users) and the 10 s begin when the last is up (starting 2,000 users takes
            # the load generator's core for about a second); at a spawn rate of 200/s Locust would
            # start 200 at one instant each second (its dispatcher starts floor(rate) users per
            # one-second tick): ten bursts of 200 simultaneous requests instead. The session is
            # claimed at that moment too: 2,000 claims at the start kept the load generator's core
            # busy while it timed the first second's responses.
            ALL_STARTED.wait()
            gevent.sleep(max(0.0, SPIKE["start"] + random.uniform(0, SPREAD_SECONDS) - time.time()))
            claimed = locustfile.claim("scores_sessions", wrap=False)
            if claimed is None:
                self.finished = True
                return
            session_key, ticket_number = claimed
            self.use_session(session_key)
            started = time.time()
            ok = False
            try:
                with self.client.get("/records/scores/", name="scores page", catch_response=True) as response:
                    if ticket_number not in (response.text or ""):
                        locustfile.fail(response, "not the candidate's page")
                    else:
                        ok = bool(locustfile.expect(response, 200, contains="verdict-"))  # the scores table
            finally:
                locustfile.JOURNEYS.append((started, time.time(), ok))
                environment = locustfile._environment
                if len(locustfile.JOURNEYS) >= locustfile.DATA["scores_target"] and environment is not None:
                    gevent.spawn_later(0.2, environment.runner.quit)
                self.finished = True
