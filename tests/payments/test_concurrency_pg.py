"""Exactly once under real concurrency, on PostgreSQL (the order row lock and the constraints).

Run with DATABASE_URL=postgres://…; skipped (with the reason) on SQLite, whose single writer would
make these tests prove nothing.
"""

import datetime
from collections import Counter

import pytest
from django.test import Client
from django.utils import timezone

from payments import services
from payments.models import Order, Payment
from tests.concurrency import run_together
from tests.payments.conftest import make_order
from zikao.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _events(action, obj):
    return AuditEvent.objects.filter(action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)).count()


def test_two_tabs_paying_the_same_order_make_one_confirmed_payment(order, candidate):
    tabs = []
    for _ in range(2):
        client = Client(raise_request_exception=False)
        client.force_login(candidate.user)
        tabs.append(client)

    started = run_together(2, lambda i: tabs[i].post(f"/orders/{order.number}/pay/", {"provider": "demo"}))
    assert [response.status_code for response in started] == [200, 200], started
    payments = list(Payment.objects.filter(order=order).order_by("out_trade_no"))
    assert [p.out_trade_no for p in payments] == [f"{order.number}P01", f"{order.number}P02"]

    paid = run_together(2, lambda i: tabs[i].post("/payments/demo/return/", {"payment": payments[i].out_trade_no}))
    assert [response.status_code for response in paid] == [302, 302], paid
    assert Counter(Payment.objects.filter(order=order).values_list("state", flat=True)) == {"confirmed": 1, "canceled": 1}
    order.refresh_from_db()
    assert order.status == "paid"
    assert _events("order_paid", order) == 1


def test_twenty_duplicate_notifications_change_the_state_once(order, candidate, gateway, alipay):
    payment = services.start_payment(order=order, provider=alipay, actor=candidate.user)
    params = gateway.notification(out_trade_no=payment.out_trade_no, total_amount="70.00")
    clients = [Client(raise_request_exception=False) for _ in range(20)]

    responses = run_together(20, lambda i: clients[i].post("/payments/alipay/notify/", params))

    assert not [r for r in responses if isinstance(r, Exception)], responses[:3]
    assert Counter((r.status_code, r.content) for r in responses) == {(200, b"success"): 20}
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.state == "confirmed" and order.status == "paid"
    assert _events("payment_confirm", payment) == 1 and _events("order_paid", order) == 1


def test_a_notification_racing_the_expiry_is_paid_or_expired_and_flagged_never_both(candidate, gateway, alipay):
    outcomes = Counter()
    for _ in range(8):
        order = make_order(candidate, expires_at=timezone.now() + datetime.timedelta(hours=1))
        payment = services.start_payment(order=order, provider=alipay, actor=candidate.user)
        paid_before = timezone.localtime(order.expires_at - datetime.timedelta(seconds=1))
        params = gateway.notification(out_trade_no=payment.out_trade_no, total_amount="70.00",
                                      gmt_payment=f"{paid_before:%Y-%m-%d %H:%M:%S}")
        client = Client(raise_request_exception=False)

        def work(i, order=order, params=params, client=client):
            if i == 0:
                return services.expire_orders(now=order.expires_at)  # the beat job at the deadline
            return client.post("/payments/alipay/notify/", params)

        expired, response = run_together(2, work)
        assert response.status_code == 200 and response.content == b"success", response
        order.refresh_from_db()
        payment.refresh_from_db()
        outcome = (order.status, payment.state)
        assert outcome in {("paid", "confirmed"), ("expired", "refund_due")}, outcome
        assert (expired == 1) == (order.status == "expired")
        assert _events("order_paid", order) + _events("order_expire", order) == 1
        outcomes[outcome] += 1
    assert sum(outcomes.values()) == 8


def test_fifty_concurrent_orders_for_one_purpose_make_one(candidate):
    def work(i):
        try:
            return make_order(candidate, purpose=("tests.registration", "rush")).number
        except services.PaymentError as error:
            return error.code

    results = run_together(50, work)
    assert not [r for r in results if isinstance(r, Exception)], results[:3]
    assert Order.objects.count() == 1
    number = Order.objects.get().number
    assert Counter(results) == {number: 1, "order_exists": 49}


def test_concurrent_orders_never_share_a_number():
    from tests.factories import CandidateFactory

    candidates = [CandidateFactory(approved=True) for _ in range(30)]
    numbers = run_together(30, lambda i: make_order(candidates[i]).number)
    assert not [n for n in numbers if isinstance(n, Exception)], numbers[:3]
    assert len(set(numbers)) == 30
