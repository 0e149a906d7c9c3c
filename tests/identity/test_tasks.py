"""The Celery side: checks after commit, idempotent re-runs, the periodic re-queue, a real worker."""

import os
import time
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from identity import checks, selectors, tasks
from identity.models import CheckResult, IdentitySubmission
from tests.factories import CandidateFactory
from tests.identity.helpers import needs_samples, tasks_queued, upload
from zikao.models import AuditEvent

Status = IdentitySubmission.Status


def post_photos(client, photos):
    return client.post(reverse("identity"), {slot: upload(f"{slot}.jpg", data) for slot, data in photos.items()})


@pytest.fixture
def candidate(client):
    candidate = CandidateFactory()
    client.force_login(candidate.user)
    return candidate


@needs_samples
@pytest.mark.django_db
def test_checks_run_only_after_the_upload_commits(client, candidate, astronaut_photos, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_photos(client, astronaut_photos)
    assert response.status_code == 302
    submission = IdentitySubmission.objects.get()
    queued = tasks_queued(callbacks)
    assert submission.status == Status.SUBMITTED and len(queued) == 1
    queued[0]()  # the commit happens: the task runs (in-process, as in the embedded default)
    submission.refresh_from_db()
    candidate.refresh_from_db()
    assert submission.status == Status.APPROVED and candidate.is_approved
    assert submission.check_runs == 1 and submission.checked_at is not None


@needs_samples
@pytest.mark.django_db
def test_rerunning_the_task_on_a_decided_submission_changes_nothing(client, candidate, astronaut_photos, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_photos(client, astronaut_photos)
    submission = IdentitySubmission.objects.get()
    results = CheckResult.objects.count()
    assert tasks.run_identity_checks(submission.pk) == "skipped"
    assert CheckResult.objects.count() == results
    assert AuditEvent.objects.filter(action="identity_approved").count() == 1


@needs_samples
@pytest.mark.django_db
def test_a_crashing_pipeline_sends_the_case_to_an_officer(client, candidate, astronaut_photos, monkeypatch, django_capture_on_commit_callbacks):
    def crash(**kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(checks, "run_pipeline", crash)
    with django_capture_on_commit_callbacks(execute=True):
        post_photos(client, astronaut_photos)
    submission = IdentitySubmission.objects.get()
    assert submission.status == Status.NEEDS_REVIEW
    assert submission.check_results.get().detail.startswith("自动检查出错（MemoryError）")


@needs_samples
@pytest.mark.django_db
def test_when_the_broker_is_down_the_upload_still_succeeds_and_the_periodic_job_catches_up(
    client, candidate, astronaut_photos, monkeypatch, django_capture_on_commit_callbacks
):
    real_delay = tasks.run_identity_checks.delay

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis:6379")

    monkeypatch.setattr(tasks.run_identity_checks, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_photos(client, astronaut_photos)
    assert response.status_code == 302
    submission = IdentitySubmission.objects.get()
    assert submission.status == Status.SUBMITTED
    monkeypatch.setattr(tasks.run_identity_checks, "delay", real_delay)
    IdentitySubmission.objects.filter(pk=submission.pk).update(submitted_at=timezone.now() - timedelta(minutes=10))
    assert tasks.requeue_stale_submissions() == [submission.pk]
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED


@pytest.mark.django_db
def test_requeue_picks_waiting_and_stuck_submissions_but_not_fresh_or_decided_ones():
    now = timezone.now()
    old = now - timedelta(minutes=10)
    waiting = IdentitySubmission.objects.create(candidate=CandidateFactory(), attempt=1, submitted_at=old)
    stuck = IdentitySubmission.objects.create(
        candidate=CandidateFactory(), attempt=1, status=Status.CHECKING, submitted_at=old, check_started_at=old
    )
    IdentitySubmission.objects.create(
        candidate=CandidateFactory(), attempt=1, status=Status.CHECKING, submitted_at=old, check_started_at=now
    )
    IdentitySubmission.objects.create(candidate=CandidateFactory(), attempt=1, submitted_at=now)
    IdentitySubmission.objects.create(
        candidate=CandidateFactory(), attempt=1, status=Status.REJECTED, submitted_at=old, decided_at=old
    )
    assert selectors.stale_submission_ids(now - tasks.stale_after()) == sorted([waiting.pk, stuck.pk])


@needs_samples
@pytest.mark.django_db
def test_a_killed_run_is_rerun_by_the_periodic_job_and_decided_once(client, candidate, astronaut_photos, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        post_photos(client, astronaut_photos)
    submission = IdentitySubmission.objects.get()
    # A worker claimed it and was killed before finishing: 检查中 since 10 minutes.
    IdentitySubmission.objects.filter(pk=submission.pk).update(
        status=Status.CHECKING, check_started_at=timezone.now() - timedelta(minutes=10), check_runs=1
    )
    assert tasks.run_identity_checks(submission.pk) == "approved"  # the redelivered message, once stale
    assert tasks.requeue_stale_submissions() == []
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED and submission.check_runs == 2
    assert AuditEvent.objects.filter(action="identity_approved").count() == 1


# --- a real worker against Redis -------------------------------------------------------------------------
@needs_samples
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_checks_an_upload_through_redis(client, astronaut_photos):
    from celery.contrib.testing.worker import start_worker

    from zikao.celery import app

    assert os.environ.get("REDIS_URL")
    queue = f"identity-test-{uuid.uuid4().hex[:8]}"
    saved = (app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    app.conf.broker_url = os.environ["REDIS_URL"]
    candidate = CandidateFactory()
    client.force_login(candidate.user)
    try:
        with start_worker(app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=30):
            response = post_photos(client, astronaut_photos)
            assert response.status_code == 302
            submission = IdentitySubmission.objects.get(candidate=candidate)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                submission.refresh_from_db()
                if submission.status not in (Status.SUBMITTED, Status.CHECKING):
                    break
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url = saved
    assert submission.status == Status.APPROVED, submission.status
    assert submission.check_runs == 1
    candidate.refresh_from_db()
    assert candidate.is_approved and candidate.ticket_number


@needs_samples
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_killed_mid_check_leads_to_exactly_one_decision(settings, tmp_path, astronaut_photos):
    """`celery -A zikao worker` as operators run it; its pool process is killed while checking.

    With late acknowledgement the message comes back, the redelivered run sees a
    fresh claim and leaves it; once the claim is stale the periodic job queues
    it again and it is decided exactly once.
    """
    import signal
    import subprocess
    import sys
    from pathlib import Path

    import psutil
    from django.db import connection

    from identity import services
    from tests.identity.helpers import normalised
    from zikao.celery import app

    # The default queue: the worker's own periodic job re-queues there (a stray message
    # left by another run only names an unknown submission and is skipped).
    private = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": private}},
    }
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zikao.settings.local",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "PRIVATE_MEDIA_ROOT": str(private),
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",  # the test watches the log to kill at the right moment
    }
    log = tmp_path / "worker.log"
    root = Path(__file__).resolve().parents[2]
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "zikao", "worker", "--concurrency", "1",
         "--loglevel", "INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=root, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = os.environ["REDIS_URL"]

    def wait_for(text, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in log.read_text():
                return True
            time.sleep(0.02)
        raise AssertionError(f"worker log never showed {text!r}:\n{log.read_text()[-3000:]}")

    try:
        wait_for("ready.")
        candidate = CandidateFactory()
        submission = services.submit_photos(candidate=candidate, photos=normalised(astronaut_photos))
        wait_for("run_identity_checks[")  # received by the worker: kill the pool process now
        children = psutil.Process(worker.pid).children()
        assert children, "prefork worker has a pool process"
        for child in children:
            child.send_signal(signal.SIGKILL)
        # The redelivered message finds a fresh claim (or none yet) and is handled once.
        # The fresh pool process loads the face and text engines first; on a loaded 2-core CI machine
        # with two test workers that alone has taken over a minute.
        wait_for("succeeded", timeout=240)
        submission.refresh_from_db()
        if submission.status in (Status.SUBMITTED, Status.CHECKING):
            # Still undecided: the killed run's claim. Once it is stale, the periodic job re-queues it.
            IdentitySubmission.objects.filter(pk=submission.pk).update(
                submitted_at=timezone.now() - timedelta(minutes=10),
                check_started_at=timezone.now() - timedelta(minutes=10),
            )
            tasks.requeue_stale_submissions.delay()
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                submission.refresh_from_db()
                if submission.status not in (Status.SUBMITTED, Status.CHECKING):
                    break
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert submission.status == Status.APPROVED, log.read_text()[-3000:]
    assert AuditEvent.objects.filter(action="identity_approved", object_id=str(submission.pk)).count() == 1
    assert CheckResult.objects.filter(submission=submission, name="face_count").count() == 3
    assert "WorkerLostError" in log.read_text()  # the pool process really died while checking
