"""A county officer at 1280×800 clears three identity cases with 通过并下一条, never touching the filters.

Counts the clicks and page loads per decided case (the figures of the closing note): before the
workbench it took 5 clicks and 5 page loads per case (list → 待人工审核 filter → case → 通过 →
确认通过, then the filter was lost on the way back).
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from candidates.models import OfficerScope
from identity import services
from identity.models import IdentitySubmission
from tests.e2e.helpers import assert_accessible, screenshot
from tests.factories import DEFAULT_PASSWORD, CandidateFactory, OfficerFactory, county
from tests.identity.helpers import passed, photo_set, run_checks, uncertain

pytestmark = pytest.mark.django_db(transaction=True)
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(autouse=True)
def _runtime(private_storage, monkeypatch):
    monkeypatch.setattr(services, "enqueue_checks", lambda pk: None)  # checks are run by hand below


def waiting_case(name, county_code, days):
    candidate = CandidateFactory(name=name, county=county(county_code))
    submission = run_checks(services.submit_photos(candidate=candidate, photos=photo_set()), [passed(), uncertain()])
    IdentitySubmission.objects.filter(pk=submission.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days, hours=2)
    )
    return submission


def signed_in(browser, live_server, username):
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def test_county_officer_clears_three_cases_with_approve_and_next(browser, live_server, artifacts_dir):
    cases = [waiting_case("最早考生", "140105", 5), waiting_case("次早考生", "140105", 2), waiting_case("最新考生", "140105", 0)]
    waiting_case("迎泽考生", "140106", 9)  # another county's case never shows up
    OfficerFactory(username="xiaodian-e2e", scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105"))

    # An English-language browser still gets a Chinese admin.
    page = signed_in(browser, live_server, "xiaodian-e2e")
    expect(page.locator(".wb-dashboard")).to_contain_text("身份验证人工审核")
    expect(page.locator(".wb-dashboard .wb-count").first).to_have_text("3 件")
    expect(page.locator("#user-tools")).not_to_contain_text("Log out")
    screenshot(page, artifacts_dir, "workbench-dashboard-county")

    loads = []
    page.on("load", lambda: loads.append(page.url))
    clicks = 0

    def click(locator):
        nonlocal clicks
        clicks += 1
        locator.click()

    page.on("dialog", lambda dialog: dialog.accept())  # 确认通过？ — counted as a click below

    # The dashboard's count opens the queue: 待我处理, oldest first, the age column.
    click(page.locator(".wb-dashboard a.wb-count").first)
    page.wait_for_url("**/identitysubmission/?wb=mine")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("最早考生")
    expect(rows.nth(0).locator(".wb-overdue")).to_have_text("5 天 超期")
    screenshot(page, artifacts_dir, "workbench-identity-queue-1280")
    visible = page.locator("#changelist .results").bounding_box()
    assert rows.nth(0).locator("th a").first.bounding_box()["height"] < 30, "names stay on one line at 1280 px"
    for column in (".field-wb_waiting", ".field-submitted_short", ".field-decided_label"):
        cell = rows.nth(0).locator(column).first.bounding_box()
        assert cell["x"] + cell["width"] <= visible["x"] + visible["width"] + 1, f"{column} is not cut off at 1280 px"
    assert_accessible(page)

    click(rows.nth(0).locator("th a").first)
    page.wait_for_url(f"**/{cases[0].pk}/change/?_changelist_filters=wb%3Dmine")

    # 不通过 looks like a refusal and opens its reasons in the bar (looked at, then closed again).
    refuse = page.locator("summary", has_text="不通过…")
    refuse.click()
    expect(page.get_by_role("button", name="不通过并下一条")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "workbench-identity-refuse-open.png"))
    refuse.click()

    per_case = []
    for index, submission in enumerate(cases):
        start_clicks, start_loads = clicks, len(loads)
        expect(page.locator("#content h2, #content-main h2").first).to_be_visible()
        bar_button = page.get_by_role("button", name="通过并下一条")
        box = bar_button.bounding_box()
        assert box is not None and box["y"] + box["height"] <= VIEWPORT["height"], "the decision bar is in view"
        if index == 0:
            expect(page.locator(".wb-age")).to_contain_text("已等待 5 天（超期）")
            screenshot(page, artifacts_dir, "workbench-identity-review-1280")
            page.screenshot(path=str(artifacts_dir / "workbench-identity-review-viewport.png"))
            assert_accessible(page)
        click(bar_button)
        clicks += 1  # the confirmation dialog's OK
        if index < 2:
            page.wait_for_url(f"**/{cases[index + 1].pk}/change/?_changelist_filters=wb%3Dmine")
            expect(page.locator(".messagelist")).to_contain_text("已通过：")
        else:
            page.wait_for_url("**/identitysubmission/?wb=mine")
            expect(page.locator(".messagelist")).to_contain_text("当前列表中已没有等待处理的案件")
        per_case.append((clicks - start_clicks, len(loads) - start_loads))
        submission.refresh_from_db()
        assert submission.status == IdentitySubmission.Status.APPROVED
    screenshot(page, artifacts_dir, "workbench-identity-queue-cleared")
    print(f"\nclicks and page loads per decided case (after): {per_case}")
    assert per_case == [(2, 1)] * 3  # the button and its OK; one page load to the next case

    # 我的今日工作 lists the three decisions in Chinese with links.
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#my-work-module li", has_text="通过：身份验证申请")).to_have_count(3)
    page.goto(f"{live_server.url}/admin/zikao/auditevent/my-work/")
    expect(page.locator("#content-main tbody tr", has_text="发放准考证号")).to_have_count(3)  # new candidates
    expect(page.locator("#content-main tbody tr td:nth-child(2)", has_text="通过")).to_have_count(3)
    screenshot(page, artifacts_dir, "workbench-my-work-county")
    page.context.close()


def test_desk_verifies_a_candidate_who_never_uploaded(browser, live_server, artifacts_dir):
    candidate = CandidateFactory(name="到场考生", county=county("140105"))
    OfficerFactory(username="desk-e2e", scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105"))
    page = signed_in(browser, live_server, "desk-e2e")
    page.get_by_role("link", name="现场核验").first.click()
    page.locator("#id_id_number").fill(candidate.id_number)
    page.get_by_role("button", name="查找考生").click()
    expect(page.locator("#content-main")).to_contain_text("考生还没有上传过照片")
    assert candidate.id_number not in page.url
    screenshot(page, artifacts_dir, "workbench-desk-found")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="现场核验通过").click()
    expect(page.locator(".messagelist")).to_contain_text("已现场核验通过：到场考生")
    screenshot(page, artifacts_dir, "workbench-desk-verified")
    candidate.refresh_from_db()
    assert candidate.is_approved
    page.context.close()
