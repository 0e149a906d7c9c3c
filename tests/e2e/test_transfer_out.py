"""省际转出 in Chromium: on a 360 px phone the candidate applies to transfer out to 河北省, downloads
the 转出登记表 (read back: 河北省, the transferable courses, no exemption), confirms with a photo of
the signed form; 太原市招考办 and the province move it to sent and transferred in admin; the
candidate signs in again and sees the closed record, with no business offered."""

import datetime
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import OfficerScope
from tests.e2e.helpers import admin_page, assert_accessible, fits_the_phone, screenshot
from tests.e2e.test_transfers_apply import sign_in
from tests.factories import BusinessWindowFactory, CandidateFactory, OfficerFactory, city, county
from tests.transfers.out_fixtures import mentions_course, pass_courses, photo_bytes
from transfers.out_models import TransferOut
from zikao.models import BusinessWindow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def candidate():
    from tests.catalogue import make_catalogue

    now = timezone.now()
    BusinessWindowFactory(
        kind=BusinessWindow.Kind.INTER_PROVINCE_TRANSFER_OUT, title="2026年下半年省际转出",
        opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=10),
    )
    candidate = CandidateFactory(approved=True, name="吴静", county=county("140105"), major=make_catalogue())
    pass_courses(candidate, ("03708", "03709"))
    pass_courses(candidate, ("00015",), source="exemption")
    OfficerFactory(username="taiyuan-out-e2e", scope__level=OfficerScope.Level.CITY, scope__city=city("1401"))
    OfficerFactory(username="province-out-e2e", scope__level=OfficerScope.Level.PROVINCE)
    return candidate


def decide(page, button, expected_message):
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text(expected_message).first).to_be_visible()


def test_transfer_out_to_hebei_from_form_to_closed_record(
    browser, phone_page, live_server, candidate, artifacts_dir, tmp_path
):
    page = phone_page
    sign_in(page, live_server, candidate)

    # 快捷入口 → 省际转出申请.
    page.get_by_role("link", name="省际转出申请").first.click()
    page.wait_for_url(f"{live_server.url}/transfers/out/apply/")
    expect(page.get_by_role("heading", name="省际转出申请")).to_be_visible()
    expect(page.get_by_text("中国近现代史纲要")).to_be_visible()
    assert page.get_by_text("英语（二）").count() == 0  # exempted: does not transfer
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfer-out-apply-360")

    page.get_by_label("转入省份").select_option(label="河北省")
    page.get_by_label("转入省准考证号").fill("130101123456")
    page.get_by_label("转出原因").fill("工作调动到石家庄")
    page.get_by_role("button", name="保存并生成转出登记表").click()
    application = TransferOut.objects.get()
    page.wait_for_url(f"{live_server.url}/transfers/out/{application.number}/")
    expect(page.locator("[data-status]")).to_contain_text("待网上确认")
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfer-out-detail-unconfirmed-360")

    # The 转出登记表, read back.
    href = page.get_by_role("link", name="下载转出登记表（PDF）").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf_path = artifacts_dir / "transfer-out-form.pdf"
    pdf_path.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ["省际转出登记表", "河北省", "130101123456", "03708", "中国近现代史纲要", "03709", "吴静", "考生签名"]:
        assert expected in text, expected
    assert not mentions_course(text, "00015") and "英语（二）" not in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf_path), str(artifacts_dir / "transfer-out-form-pdf")],
        check=True,
    )

    # 网上确认: the photo of the signed form.
    signed = tmp_path / "signed.jpg"
    signed.write_bytes(photo_bytes())
    page.get_by_label("签字后的转出登记表照片").set_input_files(str(signed))
    page.get_by_role("button", name="上传并确认").click()
    expect(page.locator("[data-status]")).to_contain_text("待市招考办审核")
    expect(page.get_by_role("link", name="查看已上传的签字登记表")).to_be_visible()
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfer-out-detail-confirmed-360")

    # 太原市招考办: the case waits for them; 审核通过.
    admin = admin_page(browser, live_server, "taiyuan-out-e2e")
    admin.goto(f"{live_server.url}/admin/transfers/transferout/")
    admin.get_by_role("link", name=application.number).click()
    expect(admin.get_by_role("link", name="查看照片")).to_be_visible()
    screenshot(admin, artifacts_dir, "transfer-out-admin-city")
    decide(admin, "审核通过并下一条", f"已审核通过 {application.number}")
    admin.context.close()

    # 省招考中心: 初审通过并报送, then 已转出.
    admin = admin_page(browser, live_server, "province-out-e2e")
    change = f"{live_server.url}/admin/transfers/transferout/{application.pk}/change/"
    admin.goto(change)
    decide(admin, "初审通过，报送全国平台并下一条", "已初审通过并标记为已报送全国平台")
    admin.goto(change)
    expect(admin.locator(".field-state .readonly")).to_have_text("已报送全国平台")
    decide(admin, "确认已转出并下一条", "已确认转出")
    admin.goto(change)
    expect(admin.locator(".field-state .readonly")).to_have_text("已转出至河北省")
    screenshot(admin, artifacts_dir, "transfer-out-admin-transferred")
    admin.context.close()

    # The candidate signs in again: the record is closed, no business is offered.
    page.context.clear_cookies()
    sign_in(page, live_server, candidate)
    expect(page.locator("#record-closed")).to_contain_text("您的考籍已转出山西省")
    assert page.get_by_role("link", name="立即办理").count() == 0
    assert page.locator("#windows-heading ~ * a, [data-kind] a").count() == 0
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "transfer-out-centre-closed-360")
    page.goto(f"{live_server.url}/transfers/out/apply/")
    expect(page.get_by_role("alert")).to_contain_text("您的考籍已转出山西省")
    page.goto(f"{live_server.url}/transfers/in-province/apply/")
    expect(page.get_by_role("alert")).to_contain_text("您的考籍已转出山西省")
    page.goto(f"{live_server.url}/exams/register/")
    expect(page.get_by_text("您的考籍已转出山西省").first).to_be_visible()
    page.goto(f"{live_server.url}/transfers/out/{application.number}/")
    expect(page.locator("[data-status]")).to_contain_text("已转出至河北省")
    screenshot(page, artifacts_dir, "transfer-out-detail-transferred-360")
