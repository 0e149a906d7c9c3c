"""Browser journeys: sign-in with the captcha, lock-out, recovery pages."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in
from tests.e2e.helpers import assert_accessible, screenshot, solve_captcha
from tests.factories import DEFAULT_PASSWORD, CandidateFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_from_the_home_page_box_with_the_captcha(phone_page, live_server, artifacts_dir):
    candidate = CandidateFactory(approved=True)
    page = phone_page
    page.goto(live_server.url + "/")
    box = "section[aria-labelledby='login-heading'] form"

    # [换] fetches another challenge in place.
    old_key = page.locator(f"{box} input[name='captcha_0']").input_value()
    page.locator(box).get_by_role("button", name="换一张验证码图片").click()
    # A function, not a bare expression: Playwright compiles a bare expression with eval, which the
    # portal's CSP (no unsafe-eval) refuses.
    page.wait_for_function(
        f"() => document.querySelector(\"{box} input[name='captcha_0']\").value !== '{old_key}'"
    )

    # A wrong captcha: the password is not even checked.
    page.get_by_label("身份证号或准考证号").fill(candidate.ticket_number)
    page.get_by_label("登录密码").fill(DEFAULT_PASSWORD)
    page.locator(f"{box} input[name='captcha_1']").fill("zzzz")
    page.locator(box).get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_text("验证码不正确，请重新输入。")).to_be_visible()
    assert page.get_by_label("身份证号或准考证号").input_value() == candidate.ticket_number
    assert_accessible(page)
    screenshot(page, artifacts_dir, "login-error-360")

    page.get_by_label("登录密码").fill(DEFAULT_PASSWORD)
    solve_captcha(page, "main form")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(live_server.url + "/center/")
    expect(page.get_by_role("heading", name="个人中心")).to_be_visible()


def test_unapproved_candidate_signs_in_to_the_identity_page(phone_page, live_server):
    candidate = CandidateFactory(identity_status="needs_review")
    sign_in(phone_page, live_server, candidate.id_number)
    assert phone_page.url == live_server.url + "/identity/"
    phone_page.goto(live_server.url + "/center/")
    assert phone_page.url == live_server.url + "/identity/"


def test_lockout_page_says_how_long_to_wait(phone_page, live_server, artifacts_dir):
    candidate = CandidateFactory(approved=True)
    for _ in range(5):
        sign_in(phone_page, live_server, candidate.id_number, "Wrong2026pass")
    sign_in(phone_page, live_server, candidate.id_number)
    expect(phone_page.get_by_role("heading", name="登录已暂时锁定")).to_be_visible()
    expect(phone_page.get_by_text("请在 15 分钟后")).to_be_visible()
    assert_accessible(phone_page)
    screenshot(phone_page, artifacts_dir, "locked-out-360")


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password/reset/?county=140105",
                                  "/accounts/ticket-number/"])
def test_public_account_pages_pass_axe(phone_page, live_server, artifacts_dir, path):
    phone_page.goto(live_server.url + path)
    assert_accessible(phone_page)
    name = path.split("?")[0].strip("/").replace("/", "-")
    screenshot(phone_page, artifacts_dir, f"{name}-360")


def test_ticket_number_lookup(phone_page, live_server):
    candidate = CandidateFactory(approved=True)
    page = phone_page
    page.goto(live_server.url + "/accounts/ticket-number/")
    page.get_by_label("身份证号", exact=True).fill(candidate.id_number)
    page.get_by_label("姓名", exact=True).fill(candidate.name)
    solve_captcha(page, "main form")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text(candidate.ticket_number)).to_be_visible()
    assert_accessible(page)


def test_forgotten_password_by_email(phone_page, live_server):
    candidate = CandidateFactory(approved=True, email="reset@example.com")
    page = phone_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="忘记密码").click()
    page.get_by_label("身份证号", exact=True).fill(candidate.id_number)
    page.get_by_label("姓名", exact=True).fill(candidate.name)
    solve_captcha(page, "main form")
    page.get_by_role("button", name="发送重设链接").click()
    expect(page.get_by_role("heading", name="请查收电子邮件")).to_be_visible()
    assert_accessible(page)

    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line)
    assert link.strip().startswith(live_server.url)
    page.goto(link.strip())
    page.get_by_label("新密码", exact=True).fill("Linfen2026new")
    page.get_by_label("确认新密码").fill("Linfen2026new")
    assert_accessible(page)
    page.get_by_role("button", name="设置新密码").click()
    expect(page.get_by_role("heading", name="密码已重设")).to_be_visible()
    assert_accessible(page)
    sign_in(page, live_server, candidate.id_number, "Linfen2026new")
    expect(page).to_have_url(live_server.url + "/center/")
