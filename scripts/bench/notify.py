"""The notification endpoint's scenario: 支付宝 asynchronous notifications, signed, each delivered several times.

``prepare`` (in-process, before the servers start) writes an app key pair and a stand-in "Alipay" key
pair to the work directory, opens an order of 35.00 元 with a started 支付宝 payment for each of
``count`` candidates, and signs one TRADE_SUCCESS notification per payment with the "Alipay" key,
as the gateway would (tests/payments/alipay_standin.py signs it, independently of the SDK). The
load generator posts them round-robin, so every notification arrives again and again, as gateways
resend until they read ``success``: the first delivery pays the order, every later one must change
nothing. ``check`` counts what the database holds afterwards.
"""

import datetime
from urllib.parse import urlencode

APP_ID = "2021000000000001"


def prepare(work, candidate_ids, *, now):
    from django.test import override_settings
    from django.utils import timezone

    from candidates.models import Candidate
    from payments import services
    from payments.models import Order
    from payments.providers import get_provider
    from tests.payments import alipay_standin as standin

    app_key, alipay_key = standin.new_key("app"), standin.new_key("alipay")
    (work / "app_private.pem").write_text(standin.private_pem(app_key))
    (work / "alipay_public.pem").write_text(standin.public_pem(alipay_key))
    gateway = standin.StandInGateway.__new__(standin.StandInGateway)  # the signing half only: no HTTP server
    gateway.app_id, gateway.key = APP_ID, alipay_key
    bodies = []
    expires = now + datetime.timedelta(days=2)
    with override_settings(ALIPAY_APP_ID=APP_ID, ALIPAY_APP_PRIVATE_KEY_PATH=str(work / "app_private.pem"),
                           ALIPAY_PUBLIC_KEY_PATH=str(work / "alipay_public.pem")):
        provider = get_provider("alipay")
        for candidate in Candidate.objects.filter(user_id__in=candidate_ids).select_related("user"):
            order = services.create_order(
                candidate=candidate, kind=Order.Kind.THEORY_REGISTRATION, title="理论课报名（基准测试）",
                purpose=("bench.notify", str(candidate.pk)), lines=[("00015 英语（二）", 3500, "00015")],
                expires_at=expires, now=timezone.now(),
            )
            payment = services.start_payment(order=order, provider=provider, actor=candidate.user)
            bodies.append(urlencode(gateway.notification(out_trade_no=payment.out_trade_no, total_amount="35.00")))
    return {"notify_bodies": bodies}


def check(cursor):
    """Orders of the scenario paid, confirmed payments per order (must be at most one), refusals logged."""
    cursor.execute(
        "SELECT count(*), count(*) FILTER (WHERE status = 'paid') FROM payments_order "
        "WHERE purpose_type = 'bench.notify'"
    )
    orders, paid = cursor.fetchone()
    cursor.execute(
        "SELECT count(*) FROM (SELECT p.order_id FROM payments_payment p JOIN payments_order o ON o.id = p.order_id "
        "WHERE o.purpose_type = 'bench.notify' AND p.state = 'confirmed' GROUP BY p.order_id "
        "HAVING count(*) > 1) AS twice"
    )
    twice = cursor.fetchone()[0]
    return {"notify_orders": orders, "notify_paid": paid, "notify_confirmed_twice": twice}
