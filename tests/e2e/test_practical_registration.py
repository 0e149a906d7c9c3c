"""实践性环节报名 on a phone: a candidate one course short is told which; an eligible one registers
with 山西大学, pays with the demo provider, and 山西大学's staff confirm it in admin."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import admin_page, assert_accessible, fits_the_phone, screenshot
from tests.e2e.test_transfers_apply import sign_in
from tests.exams.practical_setup import WRITTEN_PASSES, institution_officer, make_candidate, make_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    world = make_world()
    window = world["window"]
    window.opens_at = timezone.now() - datetime.timedelta(days=1)
    window.closes_at = timezone.now() + datetime.timedelta(days=6)
    window.save()
    return world


def test_one_course_short_is_told_which(phone_page, live_server, world, artifacts_dir):
    candidate = make_candidate(world["major"], passes=[c for c in WRITTEN_PASSES if c != "00054"], name="孙悦")
    page = phone_page
    sign_in(page, live_server, candidate)
    page.get_by_role("link", name="实践性环节报名").first.click()
    expect(page.get_by_role("heading", name="实践性环节报名")).to_be_visible()
    missing = page.get_by_role("list", name="未合格的理论课程")
    expect(missing.get_by_role("listitem")).to_have_count(1)
    expect(missing).to_contain_text("00054 管理学原理")
    expect(page.get_by_role("button", name="提交报名并缴费")).to_have_count(0)
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "practical-ineligible-phone")
    assert_accessible(page)


def test_eligible_candidate_registers_pays_and_the_institution_confirms(
    browser, phone_page, live_server, world, artifacts_dir,
):
    candidate = make_candidate(world["major"], name="周婷")
    institution_officer(world["sxu"])
    page = phone_page
    sign_in(page, live_server, candidate)
    page.get_by_role("link", name="实践性环节报名").first.click()
    page.wait_for_url(f"{live_server.url}/exams/practical/")
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "practical-form-phone")
    assert_accessible(page)

    page.get_by_role("button", name="提交报名并缴费").click()  # nothing chosen: told what is missing
    expect(page.get_by_text("请选择主考院校。")).to_be_visible()
    expect(page.get_by_text("请至少选择一门实践课程或毕业论文。")).to_be_visible()
    page.get_by_label("山西大学（每门 80.00 元）").check()
    page.get_by_label("06999 毕业论文").check()
    page.get_by_label("07998 毕业考核").check()
    page.get_by_label("邮寄地址").fill("太原市小店区坞城路92号")
    page.get_by_role("button", name="提交报名并缴费").click()

    expect(page.get_by_text("实践性环节报名已提交")).to_be_visible()
    expect(page.get_by_text("06999 毕业论文")).to_be_visible()
    page.get_by_role("link", name="去支付").click()
    page.get_by_label("演示支付").check()
    page.get_by_role("button", name="确认支付").click()
    page.get_by_role("button", name="确认支付 160.00 元").click()
    expect(page.locator(".order-status-paid")).to_have_text("已支付")

    page.goto(f"{live_server.url}/exams/practical/")
    expect(page.get_by_role("status")).to_contain_text("已提交，已缴费，等待院校确认")
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "practical-paid-phone")
    assert_accessible(page)

    admin = admin_page(browser, live_server, "sxu", password="Zhaokao2026office")
    admin.goto(f"{live_server.url}/admin/")
    admin.get_by_role("link", name="实践性环节报名确认").first.click()
    admin.get_by_role("link", name="SJ", exact=False).first.click()
    screenshot(admin, artifacts_dir, "practical-admin-case")
    admin.goto(admin.url.split("/change/")[0] + "/accept/")
    expect(admin.get_by_role("button", name="确认报名")).to_be_visible()
    screenshot(admin, artifacts_dir, "practical-admin-confirm")
    admin.get_by_role("button", name="确认报名").click()
    expect(admin.get_by_text("已确认 SJ")).to_be_visible()

    page.goto(f"{live_server.url}/exams/practical/")
    expect(page.get_by_role("status")).to_contain_text("院校确认")
