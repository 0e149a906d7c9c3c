"""Officers in Django admin: 太原 releases, 大同 accepts with 平城区; the candidate sees it; a printout is verified."""

import io
import re
import uuid

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from candidates.models import OfficerScope
from tests.e2e.helpers import admin_page, assert_accessible, screenshot
from tests.e2e.test_transfers_apply import sign_in
from tests.factories import (
    BusinessWindowFactory,
    CandidateFactory,
    OfficerFactory,
    city,
    county,
)
from transfers import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def application():
    BusinessWindowFactory()
    candidate = CandidateFactory(approved=True, name="王芳", county=county("140105"))
    application, _ = services.submit_transfer(candidate=candidate, to_city=city("1402"), token=uuid.uuid4())
    return application


@pytest.fixture
def officers():
    return {
        "taiyuan": OfficerFactory(username="taiyuan-e2e", scope__level=OfficerScope.Level.CITY, scope__city=city("1401")),
        "datong": OfficerFactory(username="datong-e2e", scope__level=OfficerScope.Level.CITY, scope__city=city("1402")),
    }


def test_two_step_review_in_admin_then_the_candidate_sees_it(
    browser, live_server, application, officers, phone_page, artifacts_dir
):
    number = application.number

    # 太原市招考办: the queue, the application, 同意转出 (confirmed).
    page = admin_page(browser, live_server, "taiyuan-e2e")
    page.goto(f"{live_server.url}/admin/transfers/transferapplication/")
    expect(page.get_by_role("link", name=number)).to_be_visible()
    screenshot(page, artifacts_dir, "transfers-admin-queue-taiyuan")
    page.get_by_role("link", name=number).click()
    screenshot(page, artifacts_dir, "transfers-admin-application-taiyuan")
    expect(page.locator(".field-state_text .readonly")).to_have_text("待原属地市审核")
    assert page.get_by_role("button", name="同意转入并下一条").count() == 0
    assert_accessible(page)
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", answer)
    page.get_by_role("button", name="同意转出并下一条").click()
    expect(page.get_by_text(f"已同意转出 {number}")).to_be_visible()
    assert "同意后，申请将交由大同市招考办审核转入。" in asked[0]
    screenshot(page, artifacts_dir, "transfers-admin-released")
    page.goto(f"{live_server.url}/admin/transfers/transferapplication/{application.pk}/change/")
    expect(page.locator(".field-state_text .readonly")).to_have_text("待转入市审核")
    page.context.close()

    # 大同市招考办: 同意转入, choosing 平城区.
    page = admin_page(browser, live_server, "datong-e2e")
    page.goto(f"{live_server.url}/admin/transfers/transferapplication/")
    page.get_by_role("link", name=number).click()
    page.get_by_text("同意转入…", exact=True).click()
    page.get_by_label("转入后的报名区县").select_option(label="平城区")
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfers-admin-accept-datong")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="同意转入并下一条").click()
    expect(page.get_by_text(f"已同意转入 {number}，考生报名区县已变更为大同市平城区。")).to_be_visible()
    page.goto(f"{live_server.url}/admin/transfers/transferapplication/{application.pk}/change/")
    expect(page.locator(".field-state_text .readonly")).to_have_text("已转入 大同市平城区")
    screenshot(page, artifacts_dir, "transfers-admin-accepted")

    # The candidate, on a phone: 备注 and 报名区县 changed; the ticket number did not.
    candidate = application.candidate
    sign_in(phone_page, live_server, candidate)
    expect(phone_page.get_by_text("大同市平城区").first).to_be_visible()
    phone_page.goto(f"{live_server.url}/transfers/{number}/")
    expect(phone_page.locator("td[data-label='备注']")).to_have_text("已转入 大同市平城区")
    expect(phone_page.get_by_text(candidate.ticket_number).first).to_be_visible()
    assert_accessible(phone_page)
    screenshot(phone_page, artifacts_dir, "transfers-detail-accepted-360")

    # The printout's verification code checks out in admin.
    pdf = phone_page.request.get(f"{live_server.url}/transfers/{number}/pdf/").body()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    printed_at = re.search(r"打印时间：(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", text).group(1)
    code = re.search(r"核验码：\s*([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})", text).group(1)
    page.goto(f"{live_server.url}/admin/transfers/transferapplication/")
    page.get_by_role("link", name="打印件核验").click()
    page.get_by_label("申请编号").fill(number)
    page.get_by_label("打印时间").fill(printed_at)
    page.get_by_label("核验码").fill(code)
    page.get_by_role("button", name="核验").click()
    result = page.locator("#verify-result").inner_text()
    assert "核验通过" in result and "已转入" in result and "与打印时一致" in result
    screenshot(page, artifacts_dir, "transfers-admin-verify")
    page.context.close()
