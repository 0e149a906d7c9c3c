"""支付宝 against a local stand-in of its gateway; the signature checks are the SDK's own code."""

import datetime
import json
import logging
from urllib.parse import parse_qsl, urlsplit
from urllib.request import urlopen

import pytest
from django.test import Client
from django.utils import timezone

from payments import services
from payments.models import Order, Payment
from tests.payments.alipay_standin import new_key, private_pem, public_pem
from tests.payments.conftest import APP_ID
from zikao.audit import events_of

pytestmark = pytest.mark.django_db
NOTIFY = "/payments/alipay/notify/"


@pytest.fixture
def payment(order, alipay, gateway, candidate):
    return services.start_payment(order=order, provider=alipay, actor=candidate.user)


def notify(params):
    return Client().post(NOTIFY, params)


def _state(payment):
    payment.refresh_from_db()
    payment.order.refresh_from_db()
    return payment.state, payment.order.status


# --------------------------------------------------------------------------- configuration


def test_disabled_until_app_id_and_both_keys_are_set(settings, alipay, app_key, tmp_path):
    settings.ALIPAY_APP_ID = ""
    assert not alipay.is_enabled
    settings.ALIPAY_APP_ID = APP_ID
    (tmp_path / "app.pem").write_text(private_pem(app_key))
    settings.ALIPAY_APP_PRIVATE_KEY_PATH = str(tmp_path / "app.pem")
    assert not alipay.is_enabled
    settings.ALIPAY_PUBLIC_KEY = public_pem(new_key())
    assert alipay.is_enabled
    assert alipay.client().appid == APP_ID  # the key file is read


def test_notify_for_a_disabled_provider_is_not_found(db, settings):
    settings.ALIPAY_APP_ID = ""
    assert Client().post(NOTIFY, {"out_trade_no": "x"}).status_code == 404


# --------------------------------------------------------------------------- page pay


def test_page_pay_url_is_signed_for_this_payment(rf, payment, alipay, gateway, candidate):
    request = rf.post("/")
    request.user = candidate.user
    url = alipay.start(payment, request)
    assert url.startswith(gateway.url + "?")
    params = dict(parse_qsl(urlsplit(url).query))
    biz = json.loads(params["biz_content"])
    assert params["method"] == "alipay.trade.page.pay" and params["app_id"] == APP_ID and params["sign_type"] == "RSA2"
    assert biz["out_trade_no"] == payment.out_trade_no and biz["total_amount"] == "70.00"
    assert biz["product_code"] == "FAST_INSTANT_TRADE_PAY"
    assert biz["time_expire"] == f"{timezone.localtime(payment.order.expires_at):%Y-%m-%d %H:%M:%S}"
    assert params["notify_url"] == "https://zikao.sxkszx.cn/payments/alipay/notify/"
    assert params["return_url"] == "https://zikao.sxkszx.cn/payments/alipay/return/"
    # The stand-in cashier accepts it: the app's signature verifies with the app's public key.
    assert "收银台" in urlopen(url, timeout=5).read().decode()  # noqa: S310 — 127.0.0.1 stand-in
    assert gateway.requests[-1][2] is True


# --------------------------------------------------------------------------- notifications


def test_a_signed_notification_pays_the_order_and_answers_success(payment, gateway):
    response = notify(gateway.notification(out_trade_no=payment.out_trade_no, total_amount="70.00"))
    assert response.status_code == 200 and response.content == b"success"
    assert _state(payment) == ("confirmed", "paid")
    assert payment.gateway_txn_id == "2026113022001404070200176844"
    order = payment.order
    assert order.paid_provider == "alipay"
    assert timezone.localtime(order.paid_at).strftime("%Y-%m-%d %H:%M:%S") == "2026-11-30 18:00:00"


def test_a_replayed_notification_changes_nothing(payment, gateway):
    params = gateway.notification(out_trade_no=payment.out_trade_no, total_amount="70.00")
    assert notify(params).content == b"success"
    events = [e.pk for e in events_of(payment)] + [e.pk for e in events_of(payment.order)]
    paid_at = Order.objects.get(pk=payment.order_id).paid_at
    for _ in range(7):  # Alipay sends up to eight times
        assert notify(params).content == b"success"
    assert [e.pk for e in events_of(payment)] + [e.pk for e in events_of(payment.order)] == events
    assert Order.objects.get(pk=payment.order_id).paid_at == paid_at
    assert Payment.objects.filter(order=payment.order, state="confirmed").count() == 1


def test_a_forged_notification_is_refused(payment, gateway, caplog):
    forged = gateway.notification(out_trade_no=payment.out_trade_no, total_amount="70.00", key=new_key())
    with caplog.at_level(logging.WARNING, logger="payments.alipay"):
        response = notify(forged)
    assert response.status_code == 400 and response.content == b"fail"
    assert _state(payment) == ("created", "pending")
    assert "bad signature" in caplog.text


@pytest.mark.parametrize(("field", "value"), [
    ("total_amount", "0.01"), ("out_trade_no", "20261130000009P01"), ("trade_status", "TRADE_SUCCESS "),
    ("app_id", "2021000000000002"),
])
def test_an_altered_notification_is_refused(payment, gateway, field, value):
    params = gateway.notification(out_trade_no=payment.out_trade_no, total_amount="70.00")
    params[field] = value
    response = notify(params)
    assert response.status_code == 400 and response.content == b"fail"
    assert _state(payment) == ("created", "pending")


def test_a_notification_without_signature_is_refused(payment, gateway):
    params = gateway.notification(out_trade_no=payment.out_trade_no, total_amount="70.00")
    del params["sign"]
    assert notify(params).status_code == 400
    params["sign"] = "not base64 at all!"
    assert notify(params).status_code == 400
    assert _state(payment) == ("created", "pending")


def test_a_signed_notification_with_the_wrong_amount_is_refused_and_logged(payment, gateway, caplog):
    with caplog.at_level(logging.WARNING, logger="payments"):
        response = notify(gateway.notification(out_trade_no=payment.out_trade_no, total_amount="35.00"))
    assert response.status_code == 400 and response.content == b"fail"
    assert _state(payment) == ("created", "pending")
    refused = events_of(payment).last()
    assert refused.action == "payment_notify_refused" and "金额不符" in refused.reason
    assert refused.data["total_amount"] == "35.00"
    assert "refused" in caplog.text


def test_a_signed_notification_for_another_app_is_refused(payment, gateway):
    response = notify(gateway.notification(out_trade_no=payment.out_trade_no, total_amount="70.00",
                                           app_id="2021000000009999"))
    assert response.status_code == 400
    assert _state(payment) == ("created", "pending")
    assert "app_id 不符" in events_of(payment).last().reason


def test_a_notification_for_an_unknown_trade_is_refused(db, gateway):
    response = notify(gateway.notification(out_trade_no="20261130999999P01", total_amount="70.00"))
    assert response.status_code == 400


def test_wait_buyer_pay_is_acknowledged_without_paying(payment, gateway):
    response = notify(gateway.notification(out_trade_no=payment.out_trade_no, total_amount="70.00",
                                           trade_status="WAIT_BUYER_PAY"))
    assert response.content == b"success"
    assert _state(payment) == ("created", "pending")


def test_a_notification_after_expiry_is_kept_for_refund(payment, gateway):
    order = payment.order
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    services.expire_orders()
    response = notify(gateway.notification(out_trade_no=payment.out_trade_no, total_amount="70.00"))
    assert response.content == b"success"  # recorded: the gateway need not repeat it
    assert _state(payment) == ("refund_due", "expired")
    assert "逾期" in payment.refund_reason


# --------------------------------------------------------------------------- 我已支付，刷新状态


def test_query_confirms_a_paid_trade(payment, alipay, gateway):
    gateway.trades[payment.out_trade_no] = {
        "trade_no": "2026113022001", "trade_status": "TRADE_SUCCESS", "total_amount": "70.00",
        "send_pay_date": "2026-11-30 18:01:00",
    }
    alipay.query(payment)
    assert _state(payment) == ("confirmed", "paid")
    method, params, valid = gateway.requests[-1]
    assert method == "alipay.trade.query" and valid


def test_query_of_an_unpaid_trade_changes_nothing(payment, alipay, gateway):
    alipay.query(payment)  # ACQ.TRADE_NOT_EXIST
    gateway.trades[payment.out_trade_no] = {"trade_status": "WAIT_BUYER_PAY", "total_amount": "70.00"}
    alipay.query(payment)
    assert _state(payment) == ("created", "pending")


def test_a_query_answer_with_a_bad_signature_is_refused(payment, alipay, gateway):
    gateway.trades[payment.out_trade_no] = {"trade_status": "TRADE_SUCCESS", "total_amount": "70.00"}
    gateway.sign_answers_with = new_key()
    with pytest.raises(services.PaymentError) as refused:
        alipay.query(payment)
    assert refused.value.code == "query_unverified"
    assert _state(payment) == ("created", "pending")


def test_a_query_answer_with_the_wrong_amount_is_refused(payment, alipay, gateway):
    gateway.trades[payment.out_trade_no] = {"trade_status": "TRADE_SUCCESS", "total_amount": "0.70"}
    with pytest.raises(services.PaymentError) as refused:
        alipay.query(payment)
    assert refused.value.code == "query_mismatch"
    assert _state(payment) == ("created", "pending")


def test_an_unreachable_gateway_is_a_clear_message(payment, alipay, settings):
    settings.ALIPAY_GATEWAY = "http://127.0.0.1:9/gateway.do"
    with pytest.raises(services.PaymentError) as refused:
        alipay.query(payment)
    assert refused.value.code == "gateway_unreachable"


def test_refresh_button_and_return_page_query_the_gateway(payment, gateway, candidate):
    client = Client()
    client.force_login(candidate.user)
    page = client.get(f"/orders/{payment.order.number}/")
    assert "我已支付，刷新状态" in page.content.decode()
    response = client.post(f"/orders/{payment.order.number}/refresh/", follow=True)
    assert "暂未查询到付款" in response.content.decode()
    gateway.trades[payment.out_trade_no] = {"trade_status": "TRADE_SUCCESS", "total_amount": "70.00"}
    response = client.get(f"/payments/alipay/return/?out_trade_no={payment.out_trade_no}", follow=True)
    assert response.redirect_chain[-1][0] == f"/orders/{payment.order.number}/"
    assert _state(payment) == ("confirmed", "paid")
    assert "已支付" in response.content.decode()


def test_the_return_page_does_not_query_another_candidates_payment(payment, gateway):
    from tests.factories import CandidateFactory

    other = CandidateFactory(approved=True)
    client = Client()
    client.force_login(other.user)
    gateway.trades[payment.out_trade_no] = {"trade_status": "TRADE_SUCCESS", "total_amount": "70.00"}
    response = client.get(f"/payments/alipay/return/?out_trade_no={payment.out_trade_no}")
    assert response["Location"] == "/orders/"
    assert not [r for r in gateway.requests if r[0] == "alipay.trade.query"]


def test_paying_through_the_pages_redirects_to_the_cashier(order, gateway, candidate):
    client = Client()
    client.force_login(candidate.user)
    assert "支付宝" in client.get(f"/orders/{order.number}/pay/").content.decode()
    response = client.post(f"/orders/{order.number}/pay/", {"provider": "alipay"})
    assert response.status_code == 302 and response["Location"].startswith(gateway.url)
    assert Payment.objects.get(order=order).provider == "alipay"
