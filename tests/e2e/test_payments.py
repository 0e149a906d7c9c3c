"""订单查询 and paying on a phone: 演示支付, and 线下缴费 confirmed by the county officer in admin."""

import pytest
from playwright.sync_api import expect

from candidates.models import OfficerScope
from tests.e2e.helpers import admin_page, assert_accessible, fits_the_phone, screenshot
from tests.e2e.test_transfers_apply import sign_in
from tests.factories import CandidateFactory, OfficerFactory, county
from tests.payments.conftest import make_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_candidate_pays_with_the_demo_provider_on_a_phone(phone_page, live_server, artifacts_dir):
    candidate = CandidateFactory(approved=True, name="李娜", county=county("140105"))
    order = make_order(candidate)
    page = phone_page
    sign_in(page, live_server, candidate)
    page.get_by_role("link", name="订单查询").click()
    expect(page.get_by_role("link", name=order.number)).to_be_visible()
    expect(page.locator("td[data-label=状态]")).to_have_text("待支付")
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "payments-orders-phone")
    assert_accessible(page)

    page.get_by_role("link", name=order.number).click()
    expect(page.get_by_text("00015 英语（二）")).to_be_visible()
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "payments-order-phone")
    page.get_by_role("link", name="去支付").click()
    page.get_by_label("演示支付").check()
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "payments-choose-phone")
    assert_accessible(page)
    page.get_by_role("button", name="确认支付").click()
    page.get_by_role("button", name="确认支付 70.00 元").click()
    expect(page.get_by_text(f"订单 {order.number} 已支付。")).to_be_visible()
    expect(page.locator(".order-status-paid")).to_have_text("已支付")
    assert page.get_by_role("link", name="去支付").count() == 0
    screenshot(page, artifacts_dir, "payments-paid-phone")

    page.emulate_media(media="print")  # 打印: the order without the portal's header and buttons
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    expect(page.locator(".order-facts .order-number")).to_have_text(order.number)
    screenshot(page, artifacts_dir, "payments-print")


def test_offline_payment_confirmed_by_the_county_officer(browser, phone_page, live_server, artifacts_dir):
    candidate = CandidateFactory(approved=True, name="陈静", county=county("140105"))
    OfficerFactory(username="xd-cashier", scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105"))
    order = make_order(candidate)
    page = phone_page
    sign_in(page, live_server, candidate)
    page.goto(f"{live_server.url}/orders/{order.number}/pay/")
    page.get_by_label("线下缴费").check()
    page.get_by_role("button", name="确认支付").click()
    expect(page.get_by_text("招考办缴纳")).to_be_visible()
    screenshot(page, artifacts_dir, "payments-offline-phone")

    admin = admin_page(browser, live_server, "xd-cashier")
    admin.goto(f"{live_server.url}/admin/payments/order/")
    admin.get_by_role("link", name=order.number).click()
    admin.get_by_role("link", name="确认线下收款").click()
    expect(admin.get_by_text("应收合计：70.00 元")).to_be_visible()
    screenshot(admin, artifacts_dir, "payments-admin-confirm-offline")
    admin.get_by_role("button", name="确认已收款 70.00 元").click()
    expect(admin.get_by_text(f"已确认订单 {order.number} 线下收款 70.00 元。")).to_be_visible()

    page.goto(f"{live_server.url}/orders/")
    expect(page.locator("td[data-label=状态]")).to_have_text("已支付")
    expect(page.locator("td[data-label=支付方式]")).to_have_text("线下缴费")
