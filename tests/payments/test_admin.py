"""Officers: orders of their scope only; 确认线下收款 with a confirmation page, audited."""

import pytest
from django.test import Client

from candidates.models import OfficerScope
from payments import services
from payments.models import Order, Payment
from tests.factories import CandidateFactory, OfficerFactory, county
from tests.payments.conftest import make_order
from zikao.audit import events_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def xd_officer(db):  # 小店区, the candidate's county
    return OfficerFactory(scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105"))


@pytest.fixture
def yz_officer(db):  # 迎泽区, same city, another county
    return OfficerFactory(scope__level=OfficerScope.Level.COUNTY, scope__county=county("140106"))


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_county_officer_sees_only_orders_of_their_county(order, xd_officer, yz_officer):
    other = make_order(CandidateFactory(approved=True, county=county("140106")))
    mine = _client(xd_officer).get("/admin/payments/order/").content.decode()
    assert order.number in mine and other.number not in mine
    assert _client(yz_officer).get(f"/admin/payments/order/{order.pk}/change/").status_code == 302  # not found → index
    assert order.number not in _client(yz_officer).get("/admin/payments/payment/").content.decode()


def test_confirm_offline_asks_first_then_pays_and_audits(order, candidate, offline, xd_officer):
    services.start_payment(order=order, provider=offline, actor=candidate.user)
    client = _client(xd_officer)
    change = client.get(f"/admin/payments/order/{order.pk}/change/").content.decode()
    url = f"/admin/payments/order/{order.pk}/confirm-offline/"
    assert "确认线下收款" in change and url in change
    page = client.get(url).content.decode()
    assert "确认已收款 70.00 元" in page and candidate.masked_id_number in page
    assert Order.objects.get(pk=order.pk).status == "pending"  # nothing happens before the POST
    response = client.post(url)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "paid" and order.paid_provider == "offline"
    payment = Payment.objects.get(order=order, state="confirmed")
    event = events_of(payment).last()
    assert event.action == "payment_confirm" and event.actor == xd_officer
    assert "确认线下收款" not in client.get(f"/admin/payments/order/{order.pk}/change/").content.decode()


def test_another_countys_officer_cannot_confirm(order, yz_officer):
    response = _client(yz_officer).post(f"/admin/payments/order/{order.pk}/confirm-offline/")
    assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_a_city_officer_follows_but_cannot_take_cash(order):
    city_officer = OfficerFactory(scope__level=OfficerScope.Level.CITY, scope__city=county("140105").city)
    client = _client(city_officer)
    assert order.number in client.get("/admin/payments/order/").content.decode()
    assert client.post(f"/admin/payments/order/{order.pk}/confirm-offline/").status_code == 403
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_money_kept_for_refund_is_listed(order, candidate, demo, xd_officer):
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user)
    services.cancel_order(order=order, actor=candidate.user)
    services.confirm_payment(payment=payment, money_received=True)
    client = _client(xd_officer)
    listed = client.get("/admin/payments/order/?refund_due=yes").content.decode()
    assert order.number in listed
    payments = client.get("/admin/payments/payment/?state=refund_due").content.decode()
    assert payment.out_trade_no in payments and "订单已关闭（已取消）后到账" in payments


def test_the_province_marks_late_money_refunded_after_confirming(order, candidate, demo, xd_officer):
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user)
    services.cancel_order(order=order, actor=candidate.user)
    services.confirm_payment(payment=payment, money_received=True, gateway_txn_id="2026113022001")
    candidate_client = _client(candidate.user)
    assert "将在核对后原路退回" in candidate_client.get(f"/orders/{order.number}/").content.decode()

    url = f"/admin/payments/payment/{payment.pk}/refunded/"
    assert _client(xd_officer).post(url).status_code == 403  # counties do not refund
    assert "标记已退款" not in _client(xd_officer).get(f"/admin/payments/payment/{payment.pk}/change/").content.decode()
    province = _client(OfficerFactory(scope__level=OfficerScope.Level.PROVINCE))
    assert url in province.get(f"/admin/payments/payment/{payment.pk}/change/").content.decode()
    assert "确认已退款 70.00 元" in province.get(url).content.decode()
    payment.refresh_from_db()
    assert payment.state == "refund_due"
    province.post(url, {"reason": "退款流水 R1"})
    payment.refresh_from_db()
    assert payment.state == "refunded"
    assert events_of(payment).last().reason == "退款流水 R1"
    assert "已原路退回" in candidate_client.get(f"/orders/{order.number}/").content.decode()
