from celery import shared_task

from payments import services


@shared_task(ignore_result=True)
def expire_orders():
    """Celery beat, every minute in production: close unpaid orders past their deadline."""
    return services.expire_orders()
