"""订单查询 and paying, as the candidate sees it; only their own orders."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from payments import services
from payments.models import Order, Payment
from tests.factories import CandidateFactory, county
from tests.payments.conftest import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of():
    def make(candidate):
        client = Client()
        client.force_login(candidate.user)
        return client
    return make


def test_order_list_shows_number_content_amount_status_channel(candidate, client_of, demo):
    paid = make_order(candidate)
    services.confirm_payment(payment=services.start_payment(order=paid, provider=demo, actor=candidate.user),
                             money_received=False)
    pending = make_order(candidate)
    closed = make_order(candidate)
    services.cancel_order(order=closed, actor=candidate.user)
    html = client_of(candidate).get("/orders/").content.decode()
    for order in (paid, pending, closed):
        assert order.number in html
    assert "2026年10月考次 理论课报名" in html and "70.00" in html
    assert html.count("待支付") >= 1 and "已支付" in html and "已关闭" in html and "演示支付" in html


def test_order_detail_has_lines_total_print_and_pay(order, candidate, client_of):
    html = client_of(candidate).get(f"/orders/{order.number}/").content.decode()
    assert "00015 英语（二）" in html and "35.00" in html and "70.00" in html
    assert "打印" in html and f"/orders/{order.number}/pay/" in html
    assert candidate.id_number not in html and candidate.masked_id_number in html


def test_another_candidates_order_is_not_found(order, client_of, demo, candidate):
    other = client_of(CandidateFactory(approved=True))
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user)
    assert other.get(f"/orders/{order.number}/").status_code == 404
    assert other.get(f"/orders/{order.number}/pay/").status_code == 404
    assert other.post(f"/orders/{order.number}/pay/", {"provider": "demo"}).status_code == 404
    assert other.post(f"/orders/{order.number}/refresh/").status_code == 404
    assert other.post("/payments/demo/return/", {"payment": payment.out_trade_no}).status_code == 404
    assert order.number not in other.get("/orders/").content.decode()
    assert Order.objects.get(pk=order.pk).status == "pending"
    assert Payment.objects.filter(order=order).count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(order):
    response = Client().get(f"/orders/{order.number}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_paying_with_the_demo_provider(order, candidate, client_of):
    client = client_of(candidate)
    page = client.get(f"/orders/{order.number}/pay/").content.decode()
    assert "演示支付" in page and "线下缴费" in page and "支付宝" not in page  # 支付宝 is not configured
    cashier = client.post(f"/orders/{order.number}/pay/", {"provider": "demo"})
    assert cashier.status_code == 200 and "确认支付 70.00 元" in cashier.content.decode()
    payment = Payment.objects.get(order=order)
    response = client.post("/payments/demo/return/", {"payment": payment.out_trade_no}, follow=True)
    assert response.redirect_chain[-1][0] == f"/orders/{order.number}/"
    html = response.content.decode()
    assert f"订单 {order.number} 已支付" in html and "去支付" not in html
    # A second click on the old cashier page changes nothing.
    client.post("/payments/demo/return/", {"payment": payment.out_trade_no})
    assert Payment.objects.filter(order=order, state="confirmed").count() == 1


def test_choosing_offline_explains_where_to_pay(order, candidate, client_of):
    response = client_of(candidate).post(f"/orders/{order.number}/pay/", {"provider": "offline"})
    html = response.content.decode()
    assert county("140105").full_name in html
    assert "打印" in html and Payment.objects.get(order=order).state == "pending"


def test_no_provider_chosen_is_a_message(order, candidate, client_of):
    response = client_of(candidate).post(f"/orders/{order.number}/pay/", {"provider": "paypal"})
    assert response.status_code == 400 and "请选择一种支付方式" in response.content.decode()
    assert not Payment.objects.exists()


def test_a_paid_or_closed_order_cannot_be_paid_again(order, candidate, client_of):
    services.cancel_order(order=order, actor=candidate.user)
    client = client_of(candidate)
    response = client.get(f"/orders/{order.number}/pay/", follow=True)
    assert "已关闭，不能再支付" in response.content.decode()
    response = client.post(f"/orders/{order.number}/pay/", {"provider": "demo"})
    assert response.status_code == 302 and not Payment.objects.exists()


def test_an_overdue_order_shows_closed_when_read(candidate, client_of):
    order = make_order(candidate, expires_at=timezone.now() + datetime.timedelta(minutes=5))
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    html = client_of(candidate).get("/orders/").content.decode()
    assert "已关闭" in html and "待支付</span>" not in html
    assert Order.objects.get(pk=order.pk).status == "expired"
    assert "支付截止时间前未支付" in client_of(candidate).get(f"/orders/{order.number}/").content.decode()


def test_notify_endpoints_are_post_only_and_per_known_provider(db):
    client = Client(enforce_csrf_checks=True)
    assert client.get("/payments/alipay/notify/").status_code == 405
    assert client.post("/payments/wechat/notify/").status_code == 404
    assert client.post("/payments/demo/notify/").status_code == 404  # the demo has no gateway


def test_the_query_centre_links_to_orders(candidate, client_of):
    html = client_of(candidate).get("/center/").content.decode()
    assert 'href="/orders/"' in html
