"""A candidate on a phone: sign in → 省内转考申请 → check answers → details → PDF; and withdraw."""

import io
import re
import subprocess

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.helpers import assert_accessible, fits_the_phone, screenshot, solve_captcha
from tests.factories import DEFAULT_PASSWORD, BusinessWindowFactory, CandidateFactory, county
from transfers.models import TransferApplication

pytestmark = pytest.mark.django_db(transaction=True)
DETAILS = re.compile(r"/transfers/SNZK\d{13}/$")


@pytest.fixture
def candidate():
    BusinessWindowFactory(title="2026年下半年省内转考")
    return CandidateFactory(approved=True, name="张伟", county=county("140105"))


def sign_in(page, live_server, candidate):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("身份证号或准考证号").fill(candidate.ticket_number)
    page.get_by_label("登录密码").fill(DEFAULT_PASSWORD)
    solve_captcha(page, "main form")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/center/")




def test_apply_check_answers_details_and_pdf_on_a_phone(phone_page, live_server, candidate, artifacts_dir, tmp_path):
    page = phone_page
    sign_in(page, live_server, candidate)
    page.get_by_role("link", name="省内转考申请").first.click()

    # 1. 省内转考申请信息填报
    page.wait_for_url(f"{live_server.url}/transfers/in-province/apply/")
    expect(page.get_by_role("heading", name="省内转考申请信息填报")).to_be_visible()
    for text in ["张伟", candidate.masked_id_number, candidate.ticket_number, "太原市"]:
        expect(page.get_by_text(text, exact=True).first).to_be_visible()
    select = page.get_by_label("转入市")
    assert select.locator("option").first.inner_text() == "请选择地市"
    assert select.locator("option").count() == 11
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfers-apply-360")

    # Nothing chosen: told so, nothing created.
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("alert").filter(has_text="请选择转入市。")).to_be_visible()
    assert_accessible(page)

    # 2. Check answers, go back to change, then submit.
    page.get_by_label("转入市").select_option(label="长治市")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("确认转考信息无误后提交申请")).to_be_visible()
    expect(page.get_by_text("长治市", exact=True)).to_be_visible()
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfers-confirm-360")
    page.get_by_role("button", name="返回修改").click()
    expect(page.get_by_label("转入市")).to_have_value("1404")
    page.get_by_label("转入市").select_option(label="大同市")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("大同市", exact=True)).to_be_visible()
    page.get_by_role("button", name="确认无误，提交申请").click()

    # 3. Details.
    page.wait_for_url(DETAILS)
    application = TransferApplication.objects.get()
    expect(page).to_have_url(f"{live_server.url}/transfers/{application.number}/")
    expect(page.get_by_role("heading", name="山西省高等教育自学考试省内转考申请信息详情")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text=f"申请编号 {application.number}")).to_be_visible()
    remark = page.locator("td[data-label='备注']")
    expect(remark).to_have_text("待原属地市审核")
    expect(page.locator("td[data-label='转入市']")).to_have_text("大同市")
    expect(page.locator("td[data-label='原属地市']")).to_have_text("太原市")
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfers-detail-360")

    # The personal centre's entry now leads to the details page.
    page.goto(f"{live_server.url}/center/")
    page.get_by_role("link", name="省内转考申请").first.click()
    page.wait_for_url(f"{live_server.url}/transfers/{application.number}/")

    # 4. 打印: the PDF, with the same facts.
    href = page.get_by_role("link", name="打印").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    body = response.body()
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    for expected in ["山西省高等教育自学考试省内转考申请信息详情", application.number, "待原属地市审核", "核验码"]:
        assert expected in text
    pdf_path = artifacts_dir / "transfers-application.pdf"
    pdf_path.write_bytes(body)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-singlefile", str(pdf_path), str(artifacts_dir / "transfers-application-pdf")],
        check=True,
    )


def test_withdraw_then_apply_again(phone_page, live_server, candidate, artifacts_dir):
    page = phone_page
    sign_in(page, live_server, candidate)
    page.goto(f"{live_server.url}/transfers/in-province/apply/")
    page.get_by_label("转入市").select_option(label="晋中市")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("button", name="确认无误，提交申请").click()
    page.wait_for_url(DETAILS)
    number = TransferApplication.objects.get().number

    page.get_by_role("link", name="撤销申请").click()
    expect(page.get_by_role("heading", name="撤销省内转考申请")).to_be_visible()
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfers-withdraw-360")
    page.get_by_role("button", name="确认撤销").click()
    page.wait_for_url(f"{live_server.url}/transfers/{number}/")
    expect(page.locator("td[data-label='备注']")).to_have_text("已撤销")
    assert page.get_by_role("link", name="撤销申请").count() == 0

    page.goto(f"{live_server.url}/transfers/in-province/apply/")
    expect(page.get_by_role("heading", name="省内转考申请信息填报")).to_be_visible()


def test_the_whole_application_works_without_javascript(browser, live_server, candidate, artifacts_dir):
    context = browser.new_context(
        viewport={"width": 360, "height": 780}, locale="zh-CN", timezone_id="Asia/Shanghai", java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, live_server, candidate)
    page.goto(f"{live_server.url}/transfers/in-province/apply/")
    page.get_by_label("转入市").select_option(label="吕梁市")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("button", name="返回修改").click()
    expect(page.get_by_label("转入市")).to_have_value("1411")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("button", name="确认无误，提交申请").click()
    page.wait_for_url(DETAILS)
    expect(page.locator("td[data-label='转入市']")).to_have_text("吕梁市")
    assert TransferApplication.objects.get().to_city.name == "吕梁市"
    context.close()


def test_why_not_is_shown_before_filling_anything(phone_page, live_server, artifacts_dir):
    BusinessWindowFactory()
    candidate = CandidateFactory(approved=True, ticket_number=None, county=county("140105"))
    sign_in_by_id = candidate.id_number
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("身份证号或准考证号").fill(sign_in_by_id)
    page.get_by_label("登录密码").fill(DEFAULT_PASSWORD)
    solve_captcha(page, "main form")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/center/")
    page.goto(f"{live_server.url}/transfers/in-province/apply/")
    expect(page.get_by_role("alert")).to_contain_text("您还没有准考证号")
    assert page.locator("select").count() == 0
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfers-refused-360")
