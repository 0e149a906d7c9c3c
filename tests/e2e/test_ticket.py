"""准考证打印 on a phone: a seated candidate opens it from the centre, sees the seats, downloads the
PDF; an officer finds the room list in admin and checks the printed ticket by scanning its QR code
(准考证核验 opens filled in; the officer presses 核验)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.exam_day_steps import download_ticket, pdf_text
from tests.e2e.helpers import admin_page, assert_accessible, fits_the_phone, screenshot
from tests.e2e.test_transfers_apply import sign_in
from tests.exams.seat_fixtures import make_sitting, seated_candidate
from tests.exams.test_ticket import read_qr
from tests.factories import OfficerFactory, county

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seated(private_storage):
    return seated_candidate("03708", "03709", "00015", "00149", name="钱进")


def test_a_seated_candidate_prints_the_ticket_and_an_officer_verifies_it(
    phone_page, browser, live_server, seated, artifacts_dir, settings, tmp_path,
):
    settings.PORTAL_PUBLIC_URL = live_server.url  # where the QR code points
    page = phone_page
    sign_in(page, live_server, seated)
    page.get_by_role("link", name="准考证打印").first.click()
    page.wait_for_url(f"{live_server.url}/exams/ticket/")
    expect(page.get_by_role("heading", name="准考证打印")).to_be_visible()
    cards = page.locator("#ticket-seats li")
    expect(cards).to_have_count(4)
    expect(cards.first).to_contain_text("03708 中国近现代史纲要")
    expect(cards.first).to_contain_text("太原市第五中学校（小店校区）")
    expect(cards.first).to_contain_text("考场号：01")
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "ticket-360")

    filename, pdf_path = download_ticket(page, artifacts_dir)
    flat = pdf_text(pdf_path)
    assert filename == f"准考证-202704-{seated.ticket_number}.pdf"
    for expected in [seated.ticket_number, "钱进", seated.id_number, "中国近现代史纲要", "国际贸易理论与实务", "考生须知"]:
        assert expected in flat, expected
    code = re.search(r"核验码：([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})", flat).group(1)

    officer = OfficerFactory(username="xiaodian-e2e", scope__level="county", scope__county=county("140105"))
    admin = admin_page(browser, live_server, officer.username)
    admin.goto(f"{live_server.url}/admin/exams/ticketseat/?q={seated.ticket_number}")
    expect(admin.locator("#result_list tbody tr")).to_have_count(4)
    screenshot(admin, artifacts_dir, "ticket-seats-admin")
    expect(admin.get_by_role("link", name="准考证核验")).to_be_visible()
    admin.goto(read_qr(pdf_path.read_bytes(), tmp_path))  # the invigilator scans the printed ticket
    expect(admin.get_by_label("准考证号")).to_have_value(seated.ticket_number)
    expect(admin.get_by_label("核验码")).to_have_value(code)
    expect(admin.locator("#verify-result")).to_have_count(0)
    screenshot(admin, artifacts_dir, "ticket-verify-scanned-admin")
    admin.get_by_role("button", name="核验").click()
    expect(admin.locator("#verify-result")).to_contain_text("核验通过")
    expect(admin.locator("#verify-seats")).to_contain_text("国际贸易理论与实务")
    screenshot(admin, artifacts_dir, "ticket-verify-admin")
    admin.context.close()


def test_before_the_print_date_the_page_says_when(phone_page, live_server, seated, artifacts_dir):
    sitting = make_sitting()
    sitting.ticket_print_from = timezone.now() + datetime.timedelta(days=3)
    sitting.save(update_fields=["ticket_print_from"])
    sign_in(phone_page, live_server, seated)
    phone_page.goto(f"{live_server.url}/exams/ticket/")
    expect(phone_page.locator("#ticket-refusal")).to_contain_text("起开放打印，请届时再来")
    expect(phone_page.get_by_role("link", name="下载准考证（PDF）")).to_have_count(0)
    assert fits_the_phone(phone_page)
    assert_accessible(phone_page)
    screenshot(phone_page, artifacts_dir, "ticket-not-yet-360")
