"""What payments does when something below it happens (connected in PaymentsConfig.ready)."""

from django.dispatch import receiver

from payments import services
from transfers.signals import record_closed


@receiver(record_closed, dispatch_uid="payments.cancel_orders_of_closed_record")
def cancel_orders_of_closed_record(sender, candidate, officer=None, **kwargs):
    """考籍已转出: an order left open could still be paid for a business the candidate may no longer use."""
    services.cancel_orders_of(candidate=candidate, actor=officer, reason="考籍已转出山西省，未支付的订单已取消")
