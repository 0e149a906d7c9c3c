from celery import shared_task

from transfers import out


@shared_task(ignore_result=True)
def lapse_transfer_out_applications():
    """Celery beat, every few minutes in production: 省际转出 applications still 待网上确认 when
    their window has closed lapse, and each candidate is told (also `manage.py lapse_transfers_out`)."""
    return out.lapse_unconfirmed()
