"""免考申请 on a phone: CET-4 for 00015 英语（二） with a photo of the certificate; the county, city and
province offices approve in admin; the results are published; the candidate sees the result and
the transcript lists 00015 with source 免考."""

import pytest
from playwright.sync_api import expect

from candidates.models import OfficerScope
from records.exemption_models import ExemptionApplication
from tests.e2e.helpers import admin_page, assert_accessible, fits_the_phone, screenshot
from tests.e2e.test_transfers_apply import sign_in
from tests.factories import CandidateFactory, OfficerFactory, city, county
from tests.records.exemption_setup import certificate_jpeg, eligible_candidate, exemption_window, make_rules

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(private_storage):
    window = exemption_window()
    candidate = eligible_candidate(name="吴昊")
    make_rules()
    OfficerFactory(username="xiaodian-e2e", scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105"))
    OfficerFactory(username="taiyuan-e2e", scope__level=OfficerScope.Level.CITY, scope__city=city("1401"))
    OfficerFactory(username="province-e2e", scope__level=OfficerScope.Level.PROVINCE)
    return {"window": window, "candidate": candidate}


def look(page, artifacts_dir, name):
    assert fits_the_phone(page), name
    screenshot(page, artifacts_dir, name)
    assert_accessible(page)


def test_apply_with_cet4_three_offices_approve_published_and_on_the_transcript(
    browser, phone_page, live_server, world, artifacts_dir, tmp_path,
):
    candidate = world["candidate"]
    page = phone_page
    sign_in(page, live_server, candidate)
    page.get_by_role("link", name="免考申请").first.click()
    page.wait_for_url(f"{live_server.url}/records/exemptions/apply/")
    expect(page.get_by_role("heading", name="免考申请")).to_be_visible()
    look(page, artifacts_dir, "exemption-basis-360")

    page.get_by_role("link", name="全国大学英语四级").click()
    expect(page.get_by_role("heading", name="免考申请信息填报")).to_be_visible()
    page.get_by_role("button", name="下一步：核对信息").click()  # nothing filled: told what is missing
    expect(page.get_by_text("请填写证书编号。")).to_be_visible()
    expect(page.get_by_text("请至少勾选一门申请免考的课程。")).to_be_visible()
    look(page, artifacts_dir, "exemption-form-errors-360")

    photo = tmp_path / "cet4.jpg"
    photo.write_bytes(certificate_jpeg())
    page.get_by_label("证书编号").fill("192134012345678")
    page.get_by_label("发证单位").fill("全国大学英语四、六级考试委员会")
    page.get_by_label("发证日期").fill("2019-08-20")
    page.get_by_label("证书原件照片（1至3张）").set_input_files(str(photo))
    page.get_by_label("00015 英语（二）（14 学分）").check()
    look(page, artifacts_dir, "exemption-form-360")
    page.get_by_role("button", name="下一步：核对信息").click()

    expect(page.get_by_role("heading", name="确认免考申请信息")).to_be_visible()
    expect(page.get_by_text("192134012345678")).to_be_visible()
    expect(page.get_by_role("img", name="证书原件照片 1")).to_be_visible()
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    look(page, artifacts_dir, "exemption-confirm-360")
    page.get_by_role("button", name="确认无误，提交申请").click()

    page.wait_for_url(f"{live_server.url}/records/exemptions/")
    expect(page.get_by_text("免考申请已提交")).to_be_visible()
    expect(page.get_by_role("cell", name="待发布")).to_be_visible()
    look(page, artifacts_dir, "exemption-results-pending-360")
    application = ExemptionApplication.objects.get(candidate=candidate)
    number = application.number

    # The three offices, each in its own admin, each approving its step.
    for username, shot in (("xiaodian-e2e", "county"), ("taiyuan-e2e", "city"), ("province-e2e", "province")):
        admin = admin_page(browser, live_server, username)
        admin.goto(f"{live_server.url}/admin/records/exemptionapplication/")
        admin.get_by_role("link", name=number).click()
        expect(admin.get_by_role("img", name="证书原件照片 1")).to_be_visible()
        expect(admin.locator(".exemption-review")).to_contain_text("00015 英语（二）")
        admin.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
        screenshot(admin, artifacts_dir, f"exemption-admin-{shot}")
        assert_accessible(admin)
        admin.once("dialog", lambda dialog: dialog.accept())
        admin.get_by_role("button", name="全部同意并下一条").click()
        expect(admin.get_by_text(f"已审核 {number}：全部同意。")).to_be_visible()
        admin.context.close()
    application.refresh_from_db()
    assert application.status == "decided"

    # Before publication the candidate still sees 待发布; then the province publishes.
    page.goto(f"{live_server.url}/records/exemptions/")
    expect(page.get_by_role("cell", name="待发布")).to_be_visible()
    admin = admin_page(browser, live_server, "province-e2e")
    admin.goto(f"{live_server.url}/admin/records/exemptionapplication/")
    admin.get_by_role("link", name="发布审核结果").click()
    expect(admin.get_by_role("cell", name=world["window"].title)).to_be_visible()
    screenshot(admin, artifacts_dir, "exemption-admin-publish")
    assert_accessible(admin)
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="发布审核结果").click()
    expect(admin.get_by_text(f"{world['window'].title}：已发布审核结果 1 份。")).to_be_visible()
    admin.context.close()

    page.goto(f"{live_server.url}/center/")
    expect(page.get_by_text("免考审核结果已发布").first).to_be_visible()
    page.get_by_role("link", name="当次免考审核结果查询").first.click()
    page.wait_for_url(f"{live_server.url}/records/exemptions/")
    expect(page.locator(".exemption-result-approved")).to_have_text("同意免考")
    look(page, artifacts_dir, "exemption-results-published-360")

    page.goto(f"{live_server.url}/records/passed/")
    row = page.locator("tr", has_text="00015")
    expect(row).to_contain_text("英语（二）")
    expect(row).to_contain_text("免考")
    look(page, artifacts_dir, "exemption-transcript-360")


def test_why_not_without_a_course_passed_by_examination(phone_page, live_server, world, artifacts_dir):
    candidate = CandidateFactory(approved=True, major=world["candidate"].major, name="赵磊")
    sign_in(phone_page, live_server, candidate)
    phone_page.goto(f"{live_server.url}/records/exemptions/apply/")
    expect(phone_page.get_by_role("alert")).to_contain_text("至少有一门课程在山西省通过考试取得合格成绩")
    look(phone_page, artifacts_dir, "exemption-refused-360")


def test_the_county_refuses_a_course_with_a_reason_in_the_decision_bar(
    browser, phone_page, live_server, world, artifacts_dir,
):
    from records import exemptions
    from tests.records.exemption_setup import answers, photo

    candidate = world["candidate"]
    from exams.exemption_models import ExemptionRule

    draft = exemptions.save_draft(candidate=candidate, answers=answers(ExemptionRule.objects.get(code="CET4"), "00015"),
                                  photos=[photo()])
    application, _ = exemptions.submit_exemption(candidate=candidate, draft=draft)
    admin = admin_page(browser, live_server, "xiaodian-e2e")
    admin.goto(f"{live_server.url}/admin/records/exemptionapplication/{application.pk}/change/")
    admin.get_by_text("逐门审核（县区）…", exact=True).click()
    bar = admin.locator(".wb-decision-form")
    bar.get_by_role("radio", name="不同意").check()
    bar.get_by_role("textbox").fill("成绩报告单照片不清晰，无法核对")
    screenshot(admin, artifacts_dir, "exemption-admin-per-course")
    assert_accessible(admin)
    admin.once("dialog", lambda dialog: dialog.accept())
    bar.get_by_role("button", name="逐门审核（县区）并下一条").click()
    expect(admin.get_by_text(f"已提交 {application.number} 的审核意见。")).to_be_visible()
    admin.context.close()
    application.refresh_from_db()
    assert application.status == "decided"  # nothing left for the city and the province

    exemptions.publish_results(window=world["window"])
    sign_in(phone_page, live_server, candidate)
    phone_page.goto(f"{live_server.url}/records/exemptions/")
    expect(phone_page.locator(".exemption-result-refused")).to_have_text("不同意")
    expect(phone_page.get_by_text("成绩报告单照片不清晰，无法核对（县区招考办）")).to_be_visible()
    look(phone_page, artifacts_dir, "exemption-results-refused-360")
