"""理论课报名 on a phone: four courses, a slot clash refused, 演示支付, 订单查询 and the centre."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, fits_the_phone, screenshot
from tests.e2e.test_transfers_apply import sign_in
from tests.exams.registration_fixtures import make_registration_setup
from tests.factories import CandidateFactory, county

pytestmark = pytest.mark.django_db(transaction=True)


def test_register_four_courses_refused_a_clash_and_pay(phone_page, live_server, artifacts_dir):
    now = timezone.now()
    make_registration_setup(opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=7))
    candidate = CandidateFactory(approved=True, name="赵磊", county=county("140105"), mobile="13800000031")
    page = phone_page
    sign_in(page, live_server, candidate)
    entry = page.locator("[data-kind='theory_registration']")
    entry.get_by_role("link", name="立即办理").click()
    expect(page.get_by_role("heading", name="理论课报名")).to_be_visible()
    page.get_by_label("通讯地址").fill("山西省太原市小店区长治路1号")

    # Two courses of day 1 morning: refused, naming both.
    page.get_by_label("00054 管理学原理").check()
    page.get_by_label("00067 财务管理学").check()
    page.get_by_role("button", name="下一步：确认报考信息").click()
    expect(page.locator("#courses-error")).to_contain_text("“00054 管理学原理”和“00067 财务管理学”")
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "theory-registration-clash-phone")
    assert_accessible(page)

    page.get_by_label("00067 财务管理学").uncheck()
    for label in ("03709 马克思主义基本原理概论", "00015 英语（二）", "00149 国际贸易理论与实务"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="下一步：确认报考信息").click()
    expect(page.get_by_role("heading", name="确认本次报考信息")).to_be_visible()
    expect(page.locator("tfoot")).to_contain_text("140.00")
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "theory-registration-confirm-phone")
    assert_accessible(page)

    page.get_by_role("button", name="保存并支付").click()
    page.get_by_label("演示支付").check()
    page.get_by_role("button", name="确认支付").click()
    page.get_by_role("button", name="确认支付 140.00 元").click()
    expect(page.locator(".order-status-paid")).to_have_text("已支付")

    page.get_by_role("link", name="订单查询").click()
    expect(page.locator("td[data-label=状态]")).to_have_text("已支付")
    screenshot(page, artifacts_dir, "theory-registration-orders-phone")

    page.goto(f"{live_server.url}/center/")
    expect(page.locator("#theory-registration")).to_contain_text("报名成功（已支付）")
    expect(page.locator("#theory-registration")).to_contain_text("00149 国际贸易理论与实务")
    expect(page.get_by_text("2027年4月考次理论课报名成功")).to_be_visible()
    screenshot(page, artifacts_dir, "theory-registration-centre-phone")

    page.goto(f"{live_server.url}/exams/register/")
    expect(page.locator("#registration-status")).to_have_text("报名成功（已支付）")
    expect(page.get_by_role("link", name="修改报名")).to_have_count(0)
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "theory-registration-summary-phone")
    assert_accessible(page)
