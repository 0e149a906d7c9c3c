"""On a phone: find a major's plan from the home page, read the timetable, then a demo candidate
one course from finishing opens their passed courses and prints the transcript."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from candidates.demo import CANDIDATE_PASSWORD
from exams import demo as exams_demo
from records import demo as records_demo
from tests.e2e.helpers import assert_accessible, fits_the_phone, screenshot, solve_captcha

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    exams_demo.seed()
    records_demo.seed()




def test_plan_from_the_home_page_and_the_timetable(phone_page, live_server, demo, artifacts_dir):
    page = phone_page
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="专业计划", exact=True).click()
    page.wait_for_url(f"{live_server.url}/plans/")
    expect(page.get_by_text("停止新生报名").first).to_be_visible()
    page.get_by_label("层次").select_option(label="专升本")
    page.get_by_label("专业代码或名称").fill("工商")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("link", name="工商管理")).to_be_visible()
    expect(page.get_by_role("link", name="行政管理")).to_have_count(0)
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "plans-list-360")

    page.get_by_role("link", name="工商管理").click()
    page.wait_for_url(f"{live_server.url}/plans/120201K/")
    expect(page.get_by_role("heading", name="120201K 工商管理")).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("row").filter(has_text="00015")).to_contain_text("英语（二）")
    expect(table.get_by_role("row").filter(has_text="06999")).to_contain_text("必做，不计学分")
    expect(table).to_contain_text("最低毕业学分 70")
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "plan-detail-360")

    page.get_by_role("link", name="课程考试安排").first.click()
    page.wait_for_url(f"{live_server.url}/timetable/")
    expect(page.get_by_role("heading", name="课程考试安排（2027年4月）")).to_be_visible()
    expect(page.get_by_role("heading", name="2027年4月10日（星期六）")).to_be_visible()
    expect(page.get_by_text("管理会计（一）")).to_be_visible()
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "timetable-360")


def test_demo_candidate_opens_their_passed_courses_and_prints_them(phone_page, live_server, demo, artifacts_dir):
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("身份证号或准考证号").fill("021324100033")
    page.get_by_label("登录密码").fill(CANDIDATE_PASSWORD)
    solve_captcha(page, "main form")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/center/")

    page.get_by_role("link", name="合格成绩查询").click()
    page.wait_for_url(f"{live_server.url}/records/passed/")
    expect(page.get_by_role("heading", name="合格成绩查询")).to_be_visible()
    expect(page.get_by_text("已获学分 66 / 最低毕业学分 72")).to_be_visible()
    missing = page.get_by_role("region", name="报考专业进度")
    expect(missing).to_contain_text("尚未合格的必考课程（共 1 门）")
    expect(missing).to_contain_text("管理会计（一）")
    expect(page.get_by_role("table")).to_contain_text("转入")
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, "passed-courses-360")

    href = page.get_by_role("link", name="打印成绩单").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.body())).pages[0].extract_text()
    assert "孙悦" in text and "021324100033" in text and "核验码" in text
