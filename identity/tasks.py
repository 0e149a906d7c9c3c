"""Celery tasks: the automatic checks and the periodic re-queue of stuck submissions.

acks_late is set globally (CELERY_TASK_ACKS_LATE): a worker killed mid-check
leaves its message unacknowledged and it is delivered again. The task is
idempotent: it claims the submission under a row lock, skips it if decided or
if another run is still fresh, and writes results together with the decision,
so a re-run never produces a second decision.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from identity import checks as pipeline
from identity import selectors, services

logger = logging.getLogger(__name__)


def stale_after():
    """A check run older than this is presumed dead (its worker was killed or lost)."""
    return timedelta(minutes=settings.IDENTITY_STALE_CHECK_MINUTES)


@shared_task(name="identity.tasks.run_identity_checks", acks_late=True)
def run_identity_checks(submission_id):
    submission = services.start_checks(submission_id=submission_id, stale_after=stale_after())
    if submission is None:
        return "skipped"
    try:
        checks = pipeline.run_pipeline(**selectors.pipeline_inputs(submission))
    except Exception as error:  # noqa: BLE001 — an unexpected failure goes to an officer, never to approval
        logger.exception("identity: check pipeline failed for submission %s", submission_id)
        checks = [
            pipeline.Check(
                "pipeline", "", pipeline.UNCERTAIN, None, "", f"自动检查出错（{type(error).__name__}），须人工审核"
            )
        ]
    decided = services.finish_checks(submission_id=submission_id, checks=checks)
    return decided.status if decided is not None else "already decided"


@shared_task(name="identity.tasks.requeue_stale_submissions")
def requeue_stale_submissions():
    """Queue the checks again for submissions stuck in 已提交 / 检查中 for more than a few minutes."""
    ids = selectors.stale_submission_ids(timezone.now() - stale_after())
    for submission_id in ids:
        logger.warning("identity: re-queueing checks of submission %s", submission_id)
        run_identity_checks.delay(submission_id)
    return ids
