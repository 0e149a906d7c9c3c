"""Browser journeys: 考生注册 › 我是新考生 and 我是在籍考生."""

import datetime

import pytest
from playwright.sync_api import expect

from candidates.models import Candidate
from tests.e2e.accounts import no_sideways_scroll
from tests.e2e.helpers import assert_accessible, screenshot, solve_captcha
from tests.factories import EnrolledRecordFactory, make_id_number

pytestmark = pytest.mark.django_db(transaction=True)

NEW_ID = make_id_number(county_code="140105", birth=datetime.date(2000, 2, 29), sequence=7, gender="M")


def fill_new_candidate_form(page, *, gender_label):
    page.get_by_label("姓名", exact=True).fill("张伟")
    page.get_by_label("身份证号", exact=True).fill(NEW_ID)
    page.get_by_label(gender_label, exact=True).check()
    page.get_by_label("民族").select_option("汉族")
    page.get_by_label("户口性质").select_option(label="农业户口")
    page.get_by_label("文化程度").select_option(label="大专")
    page.get_by_label("职业").select_option(label="企业职员")
    page.get_by_label("政治面貌").select_option(label="共青团员")
    page.get_by_label("手机号").fill("13803510007")
    page.get_by_label("电子邮箱").fill("zhangwei@example.com")
    page.get_by_label("报名地市").select_option(label="太原市")
    page.get_by_label("报名区县", exact=True).select_option(label="小店区")
    page.get_by_label("登录密码", exact=True).fill("Shanxi2026ok")
    page.get_by_label("确认密码").fill("Shanxi2026ok")
    solve_captcha(page, "main form")


def test_new_candidate_registers_on_a_phone_and_lands_on_photo_upload(phone_page, live_server, artifacts_dir):
    page = phone_page
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="考生注册").first.click()
    expect(page.get_by_role("heading", name="我是新考生")).to_be_visible()
    expect(page.get_by_role("heading", name="我是在籍考生")).to_be_visible()
    assert page.locator("ol.steps").count() == 2
    assert no_sideways_scroll(page, 360)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "register-chooser-360")

    page.get_by_role("link", name="我是新生，点击开始注册").click()
    expect(page.get_by_role("heading", name="新考生注册：填写个人信息、设置登录密码")).to_be_visible()

    # The script narrows 报名区县 to the chosen city's counties.
    page.get_by_label("报名地市").select_option(label="大同市")
    counties = page.get_by_label("报名区县", exact=True).locator("option").all_inner_texts()
    assert "平城区" in counties and "小店区" not in counties

    # A gender that disagrees with the ID number: refused, everything else kept.
    fill_new_candidate_form(page, gender_label="女")
    page.get_by_role("button", name="提交注册").click()
    # Under the field, and in the summary as a link to it.
    expect(page.locator("#id_gender_error").get_by_text("性别与身份证号不一致")).to_be_visible()
    expect(page.locator(".error-summary").get_by_role("link", name="性别：性别与身份证号不一致", exact=False)).to_be_visible()
    assert page.get_by_label("姓名", exact=True).input_value() == "张伟"
    assert page.get_by_label("身份证号", exact=True).input_value() == NEW_ID
    assert page.get_by_label("手机号").input_value() == "13803510007"
    assert page.get_by_label("报名区县", exact=True).input_value() == "140105"
    assert page.get_by_label("登录密码", exact=True).input_value() == ""
    assert_accessible(page)
    screenshot(page, artifacts_dir, "register-new-error-360")

    page.get_by_label("男", exact=True).check()
    page.get_by_label("登录密码", exact=True).fill("Shanxi2026ok")
    page.get_by_label("确认密码").fill("Shanxi2026ok")
    solve_captcha(page, "main form")
    page.get_by_role("button", name="提交注册").click()
    page.wait_for_url(live_server.url + "/identity/")

    candidate = Candidate.objects.get(id_number=NEW_ID)
    assert candidate.kind == Candidate.Kind.NEW and candidate.county_id == "140105"
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()  # signed in


def test_registration_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/register/new/")
    # Without the script every county is listed, grouped by city.
    assert page.locator("#id_county optgroup").count() == 11
    fill_new_candidate_form(page, gender_label="男")
    page.get_by_role("button", name="提交注册").click()
    page.wait_for_url(live_server.url + "/identity/")
    assert Candidate.objects.filter(id_number=NEW_ID, county_id="140105").exists()
    context.close()


def test_new_registration_form_at_desktop_width(browser, live_server, artifacts_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/register/")
    screenshot(page, artifacts_dir, "register-chooser-1280")
    page.goto(live_server.url + "/register/new/")
    assert_accessible(page)
    screenshot(page, artifacts_dir, "register-new-1280")
    context.close()


def test_enrolled_candidate_activates_and_lands_on_photo_upload(phone_page, live_server, artifacts_dir):
    record = EnrolledRecordFactory(name="赵敏")
    page = phone_page
    page.goto(live_server.url + "/register/")
    page.get_by_role("link", name="我是在籍考生，点击完成认证").click()
    assert_accessible(page)

    # A wrong name: a message that does not say which field was wrong.
    page.get_by_label("身份证号", exact=True).fill(record.id_number)
    page.get_by_label("姓名", exact=True).fill("赵小敏")
    solve_captcha(page, "main form")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text("未能完成核对")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("姓名", exact=True).fill("赵敏")
    solve_captcha(page, "main form")
    page.get_by_role("button", name="下一步").click()
    expect(page).to_have_url(live_server.url + "/register/enrolled/password/")
    assert record.id_number not in page.url
    expect(page.get_by_text(record.ticket_number)).to_be_visible()
    assert_accessible(page)
    screenshot(page, artifacts_dir, "register-enrolled-password-360")

    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("登录密码", exact=True).fill("Jinzhong2026")
    page.get_by_label("确认密码").fill("Jinzhong2026")
    page.get_by_role("button", name="设置密码").click()
    page.wait_for_url(live_server.url + "/identity/")
    candidate = Candidate.objects.get(id_number=record.id_number)
    assert candidate.kind == Candidate.Kind.ENROLLED
    assert candidate.ticket_number == record.ticket_number
    assert no_sideways_scroll(page, 360)
