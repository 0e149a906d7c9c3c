"""当次成绩查询 on a phone: the page says when the scores come; the operator publishes them; the
candidate reads them, asks for a re-check; the 小店区 office corrects the score in admin; the
candidate sees the answer on the page and in the personal centre."""

import datetime

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from records.models import PassedCourse
from tests.e2e.exam_day_steps import correct_score_in_admin
from tests.e2e.helpers import assert_accessible, fits_the_phone, screenshot
from tests.e2e.test_transfers_apply import sign_in
from tests.factories import CandidateFactory, OfficerFactory, county
from tests.records.scores_support import give, past_sitting

pytestmark = pytest.mark.django_db(transaction=True)


def test_scores_published_read_rechecked_and_answered(browser, phone_page, live_server, artifacts_dir):
    sitting = past_sitting("202604", publish_in=datetime.timedelta(days=1))
    candidate = CandidateFactory(approved=True, name="王芳", county=county("140105"))
    give(candidate, sitting, {"03708": 72, "03709": 58, "00015": "缺考", "00054": 81})
    OfficerFactory(username="xiaodian-e2e", scope__level="county", scope__county=county("140105"))

    page = phone_page
    sign_in(page, live_server, candidate)
    page.get_by_role("link", name="当次成绩查询").first.click()
    page.wait_for_url(f"{live_server.url}/records/scores/")
    expect(page.get_by_role("status")).to_contain_text("2026年4月考次的成绩将于")
    expect(page.get_by_text("马克思主义基本原理概论")).to_have_count(0)
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "scores-before-phone")
    assert_accessible(page)

    call_command("publish_scores", "202604", "--early")  # the operator, ahead of the announced time

    page.reload()
    table = page.get_by_role("table")
    for text in ["03708", "72", "合格", "58", "不合格", "缺考", "81"]:
        expect(table.get_by_text(text, exact=True).first).to_be_visible()
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "scores-published-phone")
    assert_accessible(page)
    page.emulate_media(media="print")
    screenshot(page, artifacts_dir, "scores-print")
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="申请成绩复核").click()
    page.wait_for_url(f"{live_server.url}/records/scores/recheck/")
    page.get_by_role("button", name="提交复核申请").click()
    expect(page.get_by_text("请至少勾选一门需要复核的课程。")).to_be_visible()
    page.get_by_label("03709 马克思主义基本原理概论（58）").check()
    page.get_by_label("申请理由").fill("论述题疑似漏评")
    assert fits_the_phone(page)
    screenshot(page, artifacts_dir, "scores-recheck-form-phone")
    assert_accessible(page)
    page.get_by_role("button", name="提交复核申请").click()
    page.wait_for_url(f"{live_server.url}/records/scores/")
    expect(page.get_by_text("已提交 1 门课程的成绩复核申请")).to_be_visible()
    expect(page.get_by_text("成绩复核：待复核")).to_be_visible()

    correct_score_in_admin(browser, live_server, "xiaodian-e2e", candidate_name="王芳", reason="论述题疑似漏评",
                           score=63, remark="经复核，第二题漏评，已补评", artifacts_dir=artifacts_dir)

    page.reload()
    expect(page.get_by_text("成绩复核：成绩已更正为 63（原成绩 58）。经复核，第二题漏评，已补评")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="03709")
    expect(row.get_by_role("cell", name="63", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="合格", exact=True)).to_be_visible()
    screenshot(page, artifacts_dir, "scores-answered-phone")
    assert PassedCourse.objects.filter(candidate=candidate, course__code="03709", score=63).exists()

    page.get_by_role("link", name="返回个人中心").click()
    expect(page.get_by_text("成绩复核结果：03709 马克思主义基本原理概论")).to_be_visible()
