from celery import shared_task

from records import scores


@shared_task(ignore_result=True)
def publish_due_scores():
    """Celery beat in production: publish each sitting's scores at its publication time."""
    return len(scores.publish_due_scores(actor_label="system:celery-beat"))
