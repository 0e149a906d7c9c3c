"""Reads of orders scoped to who asks: a candidate's own (404 for anyone else's number), an
officer's county. Reading a pending order past its deadline expires it first (no scheduler needed).
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from candidates.scopes import county_scope_q
from payments.models import Order, Payment
from payments.services import expire_order_if_due


def candidate_orders(candidate, *, now=None):
    now = now or timezone.now()
    orders = Order.objects.filter(candidate=candidate)
    for order in orders.filter(status=Order.Status.PENDING, expires_at__lte=now):
        expire_order_if_due(order, now=now)
    return orders.order_by("-created_at", "-id")


def get_candidate_order(*, candidate, number, now=None):
    """The candidate's own order ``number`` with its lines and payments, or 404."""
    order = get_object_or_404(
        Order.objects.filter(candidate=candidate).prefetch_related(
            "lines", Prefetch("payments", queryset=Payment.objects.order_by("created_at", "id"))
        ),
        number=number,
    )
    order.candidate = candidate
    return expire_order_if_due(order, now=now)


def get_candidate_payment(*, candidate, out_trade_no, provider):
    return get_object_or_404(
        Payment.objects.select_related("order"), order__candidate=candidate, out_trade_no=out_trade_no,
        provider=provider,
    )


def officer_orders_q(user):
    """Orders of the candidates in the officer's county / city / province."""
    return county_scope_q(user, "candidate__county")


def officer_orders(user):
    return Order.objects.filter(officer_orders_q(user)).select_related("candidate__county__city")
