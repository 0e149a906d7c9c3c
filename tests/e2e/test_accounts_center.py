"""Browser journeys: the personal centre on a phone, editing, the idle warning."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.accounts import no_sideways_scroll, sign_in
from tests.e2e.helpers import assert_accessible, screenshot
from tests.factories import BusinessWindowFactory, CandidateFactory, CandidateMessageFactory
from zikao.models import BusinessWindow

pytestmark = pytest.mark.django_db(transaction=True)
Kind = BusinessWindow.Kind


@pytest.fixture
def candidate():
    candidate = CandidateFactory(approved=True, email="zhangwei.candidate@example.com")
    now = timezone.now()
    BusinessWindowFactory(kind=Kind.IN_PROVINCE_TRANSFER, title="2026年下半年省内转考")
    BusinessWindowFactory(kind=Kind.THEORY_REGISTRATION, title="2027年上半年理论课报名",
                          opens_at=now + datetime.timedelta(days=20), closes_at=now + datetime.timedelta(days=30))
    BusinessWindowFactory(kind=Kind.EXEMPTION, title="2026年上半年免考申请",
                          opens_at=now - datetime.timedelta(days=90), closes_at=now - datetime.timedelta(days=80))
    CandidateMessageFactory(candidate=candidate, title="身份验证已通过", body="您的身份验证已通过，可以办理各项业务。")
    return candidate


def test_personal_centre_on_a_phone(phone_page, live_server, artifacts_dir, candidate):
    page = phone_page
    sign_in(page, live_server, candidate.ticket_number)
    expect(page).to_have_url(live_server.url + "/center/")
    expect(page.get_by_role("cell", name=candidate.masked_id_number)).to_be_visible()
    expect(page.get_by_role("link", name="省内转考申请")).to_be_visible()
    assert page.locator("[data-kind='in_province_transfer'] .window-state").inner_text() == "进行中"
    assert page.locator("[data-kind='theory_registration'] .window-state").inner_text() == "未开始"
    assert page.locator("[data-kind='exemption'] .window-state").inner_text() == "已结束"
    assert page.locator("[data-kind='graduation'] .window-state").inner_text() == "未开放"
    expect(page.get_by_role("link", name="当次免考审核结果查询")).to_be_visible()
    expect(page.get_by_text("身份验证已通过", exact=True)).to_be_visible()
    assert no_sideways_scroll(page, 360)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "center-360")

    page.get_by_role("link", name="省内转考申请").click()
    expect(page).to_have_url(live_server.url + "/transfers/in-province/apply/")


def test_personal_centre_at_desktop_width(browser, live_server, artifacts_dir, candidate):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    sign_in(page, live_server, candidate.id_number)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "center-1280")
    context.close()


def test_edit_profile_change_password_and_sign_out(phone_page, live_server, artifacts_dir, candidate):
    page = phone_page
    sign_in(page, live_server, candidate.id_number)
    page.get_by_role("link", name="修改个人信息").click()
    assert_accessible(page)
    page.get_by_label("手机号").fill("13700000009")
    page.get_by_label("职业").select_option(label="教师")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("个人信息已保存")).to_be_visible()
    expect(page.get_by_role("cell", name="13700000009")).to_be_visible()

    page.get_by_role("link", name="修改密码").click()
    assert_accessible(page)
    screenshot(page, artifacts_dir, "password-change-360")
    page.get_by_label("原密码").fill("Kaoshi2024abc")
    page.get_by_label("新密码", exact=True).fill("Yuncheng2026")
    page.get_by_label("确认新密码").fill("Yuncheng2026")
    page.get_by_role("button", name="确认修改").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()

    page.locator("main").get_by_role("button", name="退出登录").click()
    expect(page.get_by_text("您已安全退出登录")).to_be_visible()
    page.goto(live_server.url + "/center/")
    assert page.url.startswith(live_server.url + "/accounts/login/")


def test_idle_warning_appears_and_continue_keeps_what_was_typed(phone_page, live_server, artifacts_dir, candidate):
    page = phone_page
    sign_in(page, live_server, candidate.id_number)
    page.get_by_role("link", name="修改个人信息").click()
    expect(page.locator("body")).to_have_attribute("data-idle-seconds", "1740")
    assert page.locator("body").get_attribute("data-idle-warning-seconds") == "120"
    page.get_by_label("电子邮箱").fill("typed.but.not.saved@example.com")
    warning = page.locator("#idle-warning")
    assert warning.is_hidden()

    # Jump to 90 seconds before the session would end: the warning appears.
    page.evaluate("window.portalIdle.setDeadline(Date.now() + 90 * 1000)")
    warning.wait_for(state="visible", timeout=3000)
    assert "登录将在" in warning.inner_text()
    assert_accessible(page)
    screenshot(page, artifacts_dir, "idle-warning-360")

    with page.expect_response(lambda response: "/accounts/keepalive/" in response.url) as keepalive:
        page.get_by_role("button", name="继续").click()
    assert keepalive.value.status == 204
    warning.wait_for(state="hidden", timeout=3000)
    assert page.get_by_label("电子邮箱").input_value() == "typed.but.not.saved@example.com"
    # Still signed in: the typed change can be saved.
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("个人信息已保存")).to_be_visible()


def test_idle_timeout_tells_the_candidate_to_sign_in_again(phone_page, live_server, candidate):
    page = phone_page
    sign_in(page, live_server, candidate.id_number)
    page.evaluate("window.portalIdle.setDeadline(Date.now() - 1000)")
    page.get_by_text("登录已超时，请重新登录").wait_for(timeout=3000)
    assert page.get_by_role("button", name="继续").is_hidden()
