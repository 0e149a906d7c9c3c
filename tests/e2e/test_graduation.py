"""毕业申请 on a phone: a candidate one course from graduating passes it, checks the conditions,
applies with photo and 思想品德鉴定 scan, pays with the demo provider, prints the 毕业生登记表;
the county office pre-checks and the province approves in admin; the candidate reads the
graduation date and certificate number."""

import subprocess

import pytest
from playwright.sync_api import expect

from records.graduation_models import GraduationApplication
from records.scores import import_scores_file, publish_scores
from tests.catalogue import sitting
from tests.e2e.helpers import admin_page, assert_accessible, fits_the_phone, screenshot
from tests.e2e.test_transfers_apply import sign_in
from tests.factories import CandidateFactory, OfficerFactory, county
from tests.records.graduation_setup import make_plan, open_window, pass_courses, photo_bytes, scan_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _runtime(private_storage):
    return private_storage


def test_one_course_from_graduating_to_a_certificate(
    browser, phone_page, live_server, artifacts_dir, tmp_path
):
    open_window()
    candidate = CandidateFactory(approved=True, major=make_plan(), name="孙悦", county=county("140105"))
    pass_courses(candidate, ["00101", "00201", "00409", "00501", "07999"])  # 00102 必考乙 still missing
    OfficerFactory(username="xiaodian-grad", scope__level="county", scope__county=county("140105"))
    OfficerFactory(username="province-grad", scope__level="province")
    page = phone_page
    sign_in(page, live_server, candidate)

    # 1. 查询中心 → 毕业合格条件查询: exactly the missing course.
    page.get_by_role("link", name="毕业合格条件查询").click()
    page.wait_for_url(f"{live_server.url}/records/graduation/")
    verdict = page.get_by_role("status")
    expect(verdict).to_contain_text("您尚不符合毕业条件")
    expect(verdict.get_by_role("listitem")).to_have_count(2)
    expect(verdict).to_contain_text("必考课程 00102 必考乙 尚未合格")
    expect(verdict).to_contain_text("学分还差 6 分")
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "graduation-conditions-missing-360")
    assert_accessible(page)

    # 2. The marking centre's file is imported and the operator publishes the sitting: the pass
    # enters the ledger through the publication, as on the real score morning.
    april = sitting("202704")
    report = import_scores_file(
        f"准考证号,课程代码,成绩\n{candidate.ticket_number},00102,68\n".encode(), sitting_code="202704",
        actor_label="test",
    )
    assert not report.errors
    publish_scores(sitting=april, actor_label="test", early=True)
    page.reload()
    expect(page.get_by_role("status")).to_contain_text("您已符合毕业条件")
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "graduation-conditions-met-360")
    assert_accessible(page)

    # 3. 毕业申请: confirm, photo, scan.
    page.get_by_role("link", name="去申请毕业").click()
    page.wait_for_url(f"{live_server.url}/records/graduation/apply/")
    expect(page.get_by_role("cell", name=candidate.masked_id_number)).to_be_visible()
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "graduation-apply-360")
    assert_accessible(page)
    page.get_by_role("button", name="提交申请并缴费").click()  # nothing chosen: told what is missing
    expect(page.get_by_text("请选择毕业照片。")).to_be_visible()
    expect(page.get_by_text("请确认个人信息和合格课程无误。")).to_be_visible()
    photo, scan = tmp_path / "photo.jpg", tmp_path / "scan.jpg"
    photo.write_bytes(photo_bytes())
    scan.write_bytes(scan_bytes())
    page.get_by_label("毕业照片").set_input_files(str(photo))
    page.get_by_label("思想品德鉴定表").set_input_files(str(scan))
    page.get_by_label("本人确认以上个人信息和合格课程无误").check()
    page.get_by_role("button", name="提交申请并缴费").click()

    # 4. Pay 40 元 with the demo provider.
    expect(page.get_by_text("毕业申请已提交")).to_be_visible()
    page.get_by_role("link", name="去支付").click()
    page.get_by_label("演示支付").check()
    page.get_by_role("button", name="确认支付").click()
    page.get_by_role("button", name="确认支付 40.00 元").click()
    expect(page.locator(".order-status-paid")).to_have_text("已支付")

    # 5. Print the 毕业生登记表.
    page.goto(f"{live_server.url}/records/graduation/apply/")
    expect(page.get_by_role("status")).to_contain_text("已缴费，待县区初审")
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "graduation-paid-360")
    assert_accessible(page)
    href = page.get_by_role("link", name="打印毕业生登记表").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf_path = artifacts_dir / "graduation-form.pdf"
    pdf_path.write_bytes(response.body())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    application = GraduationApplication.objects.get(candidate=candidate)
    for expected in [
        "山西省高等教育自学考试毕业生登记表",
        application.number,
        "孙悦",
        candidate.ticket_number,
        "00102",
        "必考乙",
        "由 00409 顶替",
        "已获学分 21，最低毕业学分 21",
        "核验码",
    ]:
        assert expected in text, expected
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf_path)], capture_output=True, text=True, check=True
    ).stdout
    assert len(images.splitlines()) == 3  # header, rule, the photo
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-singlefile",
            str(pdf_path),
            str(artifacts_dir / "graduation-form-pdf"),
        ],
        check=True,
    )

    # 6. The county office pre-checks, the province approves.
    change = f"{live_server.url}/admin/records/graduationapplication/{application.pk}"
    county_admin = admin_page(browser, live_server, "xiaodian-grad")
    county_admin.goto(f"{live_server.url}/admin/")
    county_admin.get_by_role("link", name="毕业申请审核").first.click()
    expect(county_admin.get_by_role("link", name=application.number)).to_be_visible()
    county_admin.goto(f"{change}/change/")
    expect(county_admin.get_by_alt_text("毕业照片")).to_be_visible()
    screenshot(county_admin, artifacts_dir, "graduation-admin-county")
    county_admin.goto(f"{change}/precheck/")
    county_admin.get_by_role("button", name="确认初审通过").click()
    expect(county_admin.get_by_text(f"已初审通过 {application.number}")).to_be_visible()

    province_admin = admin_page(browser, live_server, "province-grad")
    province_admin.goto(f"{change}/approve/")
    province_admin.get_by_role("button", name="确认批准毕业").click()
    expect(province_admin.get_by_text(f"已批准 {application.number} 毕业")).to_be_visible()

    # 7. The candidate reads the graduation date and the certificate number.
    application.refresh_from_db()
    page.goto(f"{live_server.url}/records/graduation/apply/")
    result = page.get_by_role("status")
    expect(result).to_contain_text("已批准毕业")
    expect(result).to_contain_text(application.graduation_date.strftime("%Y年%m月%d日"))
    expect(result).to_contain_text(application.certificate_number)
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "graduation-approved-360")
    assert_accessible(page)
    page.goto(f"{live_server.url}/center/")
    expect(page.get_by_text("毕业申请已批准")).to_be_visible()


def test_the_demo_shows_the_missing_course_and_an_application_possible(
    phone_page, live_server, artifacts_dir
):
    from candidates import demo as candidates_demo
    from candidates.demo import CANDIDATE_PASSWORD
    from exams import demo as exams_demo
    from records import demo as records_demo
    from records import graduation_demo
    from tests.e2e.helpers import solve_captcha
    from zikao import demo as zikao_demo

    for module in (zikao_demo, candidates_demo, exams_demo, records_demo, graduation_demo):
        module.seed()
    page = phone_page

    def sign_in_demo(ticket):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("身份证号或准考证号").fill(ticket)
        page.get_by_label("登录密码").fill(CANDIDATE_PASSWORD)
        solve_captcha(page, "main form")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/center/")

    sign_in_demo("021324100033")  # 孙悦
    page.get_by_role("link", name="毕业合格条件查询").click()
    verdict = page.get_by_role("status")
    expect(verdict).to_contain_text("必考课程 00157 管理会计（一） 尚未合格")
    expect(verdict.get_by_role("listitem")).to_have_count(2)  # the course, and the 6 credits it carries
    screenshot(page, artifacts_dir, "graduation-demo-sunyue-360")
    page.context.clear_cookies()

    sign_in_demo(graduation_demo.READY_TICKET)  # 吴昊
    page.get_by_role("link", name="毕业申请").first.click()
    page.wait_for_url(f"{live_server.url}/records/graduation/apply/")
    expect(page.get_by_role("button", name="提交申请并缴费")).to_be_visible()
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "graduation-demo-wuhao-apply-360")
