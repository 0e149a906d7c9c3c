"""What a business listens to; payments never imports the businesses.

Both signals are sent INSIDE the transaction that changed the order, with the order row locked and
``sender=Order``. A receiver's own writes (the registration marked paid, or failed) therefore commit
together with the order: there is no moment in which an order is paid and its registration is not,
and a receiver that raises rolls the payment back, so the gateway repeats its notification instead
of the money being taken for nothing. Receivers start side effects (messages, e-mails, tasks) with
``transaction.on_commit``. Filter on ``order.kind`` / ``order.purpose_type``.

    order_paid(sender=Order, order=..., payment=...)
    order_expired(sender=Order, order=...)
    order_canceled(sender=Order, order=...)
"""

from django.dispatch import Signal

order_paid = Signal()
order_expired = Signal()
order_canceled = Signal()
