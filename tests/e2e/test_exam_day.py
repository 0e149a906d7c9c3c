"""Exam day and results, one candidate on a phone from start to end: a paid 理论课报名 is seated by
assign_seats; on the print date the candidate prints the 准考证 from the 查询中心; the marking
centre's scores of the registered courses are imported and published; the candidate reads them,
asks for a 成绩复核 of the failed course; the county officer corrects it in admin; the candidate
sees the corrected score and the course in 合格成绩查询."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from exams.models import TicketSeat
from records.models import PassedCourse
from records.scores import import_scores_file, publish_scores
from tests.e2e.exam_day_steps import correct_score_in_admin, download_ticket, pdf_text
from tests.e2e.helpers import assert_accessible, fits_the_phone, screenshot
from tests.e2e.test_transfers_apply import sign_in
from tests.exams.seat_fixtures import seated_candidate
from tests.factories import OfficerFactory, county
from tests.records.scores_support import past_sitting

pytestmark = pytest.mark.django_db(transaction=True)

COURSES = ["03708", "03709", "00015", "00149"]
MARKS = {"03708": "72", "03709": "57", "00015": "缺考", "00149": "81"}  # what the marking centre sends


def check_phone_page(page, artifacts_dir, name):
    assert fits_the_phone(page)
    assert_accessible(page)
    screenshot(page, artifacts_dir, name)


def test_from_the_admission_ticket_to_a_corrected_score(
    browser, phone_page, live_server, artifacts_dir, private_storage
):
    candidate = seated_candidate(*COURSES, name="赵敏")
    OfficerFactory(username="xiaodian-examday", scope__level="county", scope__county=county("140105"))
    page = phone_page

    # 1. 查询中心 → 准考证打印: the seats, then the PDF.
    sign_in(page, live_server, candidate)
    expect(page.get_by_role("link", name="2027年4月考次理论课报名成功")).to_be_visible()
    check_phone_page(page, artifacts_dir, "exam-day-centre-360")
    page.get_by_role("link", name="准考证打印").first.click()
    page.wait_for_url(f"{live_server.url}/exams/ticket/")
    cards = page.locator("#ticket-seats li")
    expect(cards).to_have_count(4)
    failed = TicketSeat.objects.select_related("room__venue").get(candidate=candidate, course__code="03709")
    card = cards.filter(has_text="03709 马克思主义基本原理概论")
    expect(card).to_contain_text("太原市第五中学校（小店校区）")
    expect(card).to_contain_text(f"考场号：{failed.room.number}　座位号：{failed.seat_label}")
    check_phone_page(page, artifacts_dir, "exam-day-ticket-360")
    filename, pdf_path = download_ticket(page, artifacts_dir, "exam-day-ticket")
    assert filename == f"准考证-202704-{candidate.ticket_number}.pdf"
    flat = pdf_text(pdf_path)
    for expected in [
        "赵敏",
        f"准考证号：{candidate.ticket_number}",
        "太原市第五中学校（小店校区）",
        "考生须知",
    ]:
        assert expected in flat, expected
    row = rf"03709\s+马克思主义基本原理概论\s+\S+\s+{failed.room.number}\s+{failed.seat_label}\n"
    assert re.search(row, pdf_text(pdf_path, layout=True)), "the 03709 row with its room and seat"

    # 2. After marking: the centre's file (GBK, as exported from Excel) is imported, the operator
    # publishes the sitting; the candidate is told in the centre.
    sitting = past_sitting("202704", publish_in=datetime.timedelta(days=1))
    table = "考次,准考证号,课程代码,成绩\n" + "".join(
        f"202704,{candidate.ticket_number},{code},{MARKS[code]}\n" for code in COURSES
    )
    report = import_scores_file(table.encode("gbk"), sitting_code="202704", actor_label="test")
    assert (report.created, report.errors) == (4, [])
    publish_scores(sitting=sitting, actor_label="test", early=True)
    page.goto(f"{live_server.url}/center/")
    expect(page.get_by_role("link", name="2027年4月考次成绩已发布")).to_be_visible()
    check_phone_page(page, artifacts_dir, "exam-day-centre-published-360")

    # 3. 当次成绩查询: every registered course, 57 is 不合格.
    page.get_by_role("link", name="当次成绩查询").first.click()
    page.wait_for_url(f"{live_server.url}/records/scores/")
    for code, shown, verdict in [
        ("03708", "72", "合格"),
        ("03709", "57", "不合格"),
        ("00015", "缺考", "不合格"),
        ("00149", "81", "合格"),
    ]:
        row = page.get_by_role("row").filter(has_text=code)
        expect(row.get_by_role("cell", name=shown, exact=True)).to_be_visible()
        expect(row.get_by_role("cell", name=verdict, exact=True)).to_be_visible()
    check_phone_page(page, artifacts_dir, "exam-day-scores-360")

    # 4. 成绩复核 of the failed course, with a reason.
    page.get_by_role("link", name="申请成绩复核").click()
    page.wait_for_url(f"{live_server.url}/records/scores/recheck/")
    page.get_by_label("03709 马克思主义基本原理概论（57）").check()
    page.get_by_label("申请理由").fill("主观题得分明显偏低，申请复核")
    check_phone_page(page, artifacts_dir, "exam-day-recheck-360")
    page.get_by_role("button", name="提交复核申请").click()
    page.wait_for_url(f"{live_server.url}/records/scores/")
    expect(page.get_by_text("成绩复核：待复核")).to_be_visible()
    check_phone_page(page, artifacts_dir, "exam-day-recheck-sent-360")

    # 5. The 小店区 office answers in admin: the score was 62.
    correct_score_in_admin(
        browser,
        live_server,
        "xiaodian-examday",
        candidate_name="赵敏",
        reason="主观题得分明显偏低",
        score=62,
        remark="经复核，主观题漏计5分，已更正",
        artifacts_dir=artifacts_dir,
        prefix="exam-day",
    )

    # 6. The candidate reads the answer, the corrected score and the course among the passed ones.
    page.goto(f"{live_server.url}/center/")
    page.get_by_role("link", name="成绩复核结果：03709 马克思主义基本原理概论").click()
    page.wait_for_url(f"{live_server.url}/records/scores/")
    expect(
        page.get_by_text("成绩复核：成绩已更正为 62（原成绩 57）。经复核，主观题漏计5分，已更正")
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text="03709")
    expect(row.get_by_role("cell", name="62", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="合格", exact=True)).to_be_visible()
    check_phone_page(page, artifacts_dir, "exam-day-scores-corrected-360")

    page.goto(f"{live_server.url}/center/")
    page.get_by_role("link", name="合格成绩查询").first.click()
    page.wait_for_url(f"{live_server.url}/records/passed/")
    for code, shown in [("03708", "72"), ("03709", "62"), ("00149", "81")]:
        expect(
            page.get_by_role("row").filter(has_text=code).get_by_role("cell", name=shown, exact=True)
        ).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="00015")).to_have_count(0)
    check_phone_page(page, artifacts_dir, "exam-day-passed-360")
    assert PassedCourse.objects.get(candidate=candidate, course__code="03709").score == 62
