"""The officers' workbench, through the identity queue that declares itself on it: dashboard counts
per scope, oldest first, 超期, decide-and-next keeping the filters, claims, exports, my work today,
the in-person desk, Chinese admin whatever the browser says."""

import datetime
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from candidates.models import OfficerScope
from identity import services
from identity.models import IdentitySubmission
from tests.factories import CandidateFactory, OfficerFactory, city, county
from tests.identity.helpers import passed, photo_set, run_checks, uncertain
from zikao.models import AuditEvent, CaseClaim
from zikao.services import ClaimError, claim_case

pytestmark = pytest.mark.django_db
Status = IdentitySubmission.Status
CHANGELIST = reverse("admin:identity_identitysubmission_changelist")
INDEX = reverse("admin:index")


@pytest.fixture(autouse=True)
def _runtime(private_storage, monkeypatch):
    monkeypatch.setattr(services, "enqueue_checks", lambda pk: None)  # checks are run by hand below


def case(name, county_code="140105", days=0, kind="new"):
    """A submission waiting for an officer, submitted ``days`` ago."""
    candidate = CandidateFactory(name=name, county=county(county_code), kind=kind)
    submission = run_checks(services.submit_photos(candidate=candidate, photos=photo_set(kind)), [passed(), uncertain()])
    IdentitySubmission.objects.filter(pk=submission.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=days, hours=1))
    return submission


def officer(level, username=None, **scope):
    extra = {"username": username} if username else {}
    return OfficerFactory(scope__level=level, **{f"scope__{k}": v for k, v in scope.items()}, **extra)


def county_officer(code="140105", username=None):
    return officer(OfficerScope.Level.COUNTY, username, county=county(code))


def change_url(submission, filters=""):
    url = reverse("admin:identity_identitysubmission_change", args=[submission.pk])
    return f"{url}?_changelist_filters={filters}" if filters else url


def decide_url(submission, decision):
    return reverse("admin:identity_identitysubmission_decide", args=[submission.pk, decision])


def dashboard_row(html, label="身份验证人工审核"):
    match = re.search(rf'{label}</a></th>\s*<td><a [^>]*class="wb-count">(\d+) 件</a></td>\s*<td>([^<\s]+)', html)
    assert match, "the dashboard lists the queue"
    return int(match.group(1)), match.group(2)


# ------------------------------------------------------------------------- dashboard
def test_dashboard_counts_what_waits_for_each_county_and_city_officer(client):
    case("小店一", days=1)
    case("小店二", days=4)
    case("迎泽一", "140106", days=2)
    case("大同一", "140213", days=6)

    client.force_login(county_officer("140105"))
    html = client.get(INDEX).content.decode()
    assert dashboard_row(html) == (2, "4")  # two cases, the oldest waiting 4 days
    assert "1 件超期" in html  # 4 days > 3

    client.force_login(officer(OfficerScope.Level.CITY, city=city("1401")))
    assert dashboard_row(client.get(INDEX).content.decode()) == (3, "4")


def test_province_sees_the_figures_by_city_and_nothing_waits_for_it(client):
    case("小店一", days=1)
    case("迎泽一", "140106", days=2)
    case("大同一", "140213", days=6)
    client.force_login(officer(OfficerScope.Level.PROVINCE))
    html = client.get(INDEX).content.decode()
    assert dashboard_row(html) == (0, "—")  # county offices review; the province supervises
    by_city = re.findall(r'<tr><th scope="row">(\S+)</th><td>(\d+)</td><td>(\d+) 天</td>', html)
    assert ("太原市", "2", "2") in by_city and ("大同市", "1", "6") in by_city


@pytest.mark.parametrize("level", ["county", "province"])
def test_dashboard_queries_do_not_grow_with_the_cases(client, level):
    client.force_login(county_officer() if level == "county" else officer(OfficerScope.Level.PROVINCE))
    case("一", days=1)
    client.get(INDEX)  # the first request of a session also refreshes the session
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for index in range(6):
        case(f"更多{index}", ["140105", "140106", "140213"][index % 3], days=index)
    with CaptureQueriesContext(connection) as many:
        client.get(INDEX)
    assert len(many) == len(few)


def test_sidebar_shows_the_count_beside_the_queue(client):
    case("小店一", days=1)
    client.force_login(county_officer())
    html = client.get(change_url(IdentitySubmission.objects.get()), follow=True).content.decode()
    assert re.search(r'class="wb-badge"[^>]*title="待我处理 1 件">1</a>', html)


# ------------------------------------------------------------------------- the list
def test_the_queue_opens_on_waiting_for_me_oldest_first_with_the_age(client):
    case("新近", days=0)
    case("最早", days=5)
    case("中间", days=2)
    decided = case("已决定", days=9)
    services.approve_identity(submission=decided, actor=county_officer(username="other"))
    client.force_login(county_officer())
    response = client.get(CHANGELIST, follow=True)
    assert response.redirect_chain[-1][0].endswith("?wb=mine")
    html = response.content.decode()
    order = [name for name in re.findall(r">(最早|中间|新近|已决定)</a>", html)]
    assert order == ["最早", "中间", "新近"]  # oldest first, the decided case is not waiting
    assert '<span class="wb-overdue">5 天 超期</span>' in html and '<td class="field-wb_waiting">2 天</td>' in html

    overdue = client.get(CHANGELIST, {"wb": "mine", "overdue": "1"}).content.decode()
    assert re.findall(r">(最早|中间|新近)</a>", overdue) == ["最早"]


# ------------------------------------------------------------------------- decide and go on
def test_approve_and_next_opens_the_next_oldest_case_keeping_the_filters(client):
    first, second, third = case("甲", days=3), case("乙", days=2), case("丙", days=1)
    case("迎泽", "140106", days=9)  # another county: never offered
    client.force_login(county_officer())
    filters = "wb%3Dmine%26q%3D"  # the list's query, as admin preserves it
    response = client.post(f"{decide_url(first, 'approve')}?_changelist_filters={filters}", {"_next": "1"})
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == reverse("admin:identity_identitysubmission_change", args=[second.pk])
    assert parse_qs(target.query)["_changelist_filters"] == ["wb=mine&q="]
    first.refresh_from_db()
    assert first.status == Status.APPROVED

    page = client.get(response["Location"]).content.decode()
    assert "已通过：甲" in page and "不通过并下一条" in page

    response = client.post(
        f"{decide_url(second, 'reject')}?_changelist_filters={filters}",
        {"_next": "1", "reject-reason": "blurry", "reject-note": ""},
    )
    assert urlsplit(response["Location"]).path.endswith(f"/{third.pk}/change/")
    second.refresh_from_db()
    assert second.status == Status.REJECTED

    last = client.post(f"{decide_url(third, 'approve')}?_changelist_filters={filters}", {"_next": "1"})
    assert last["Location"] == f"{CHANGELIST}?wb=mine&q="  # the list is empty: back to it, filters kept
    assert "当前列表中已没有等待处理的案件" in client.get(last["Location"]).content.decode()


def test_next_case_follows_the_search_too(client):
    first = case("王一", days=3)
    case("李二", days=2)
    wanted = case("王三", days=1)
    client.force_login(county_officer())
    response = client.post(f"{decide_url(first, 'approve')}?_changelist_filters=wb%3Dmine%26q%3D%E7%8E%8B", {"_next": "1"})
    assert urlsplit(response["Location"]).path.endswith(f"/{wanted.pk}/change/")


def test_a_refused_decision_comes_back_to_the_case(client):
    submission = case("甲", days=1)
    client.force_login(county_officer())
    response = client.post(
        f"{decide_url(submission, 'reject')}?_changelist_filters=wb%3Dmine", {"_next": "1", "reject-reason": "other"}
    )
    assert urlsplit(response["Location"]).path == reverse("admin:identity_identitysubmission_change", args=[submission.pk])
    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW


# ------------------------------------------------------------------------- claims
def test_claiming_shows_the_holder_to_others_and_filters_mine_and_unassigned(client, settings):
    held, free = case("甲", days=2), case("乙", days=1)
    me, colleague = county_officer(username="wang"), county_officer(username="li")
    client.force_login(me)
    claim = client.post(reverse("admin:identity_identitysubmission_wb_claim", args=[held.pk]))
    assert claim.status_code == 302
    assert "由我处理（" in client.get(change_url(held)).content.decode()

    client.force_login(colleague)
    assert "由 wang 处理中" in client.get(change_url(held)).content.decode()
    listing = client.get(CHANGELIST, {"wb": "mine"}).content.decode()
    assert '<span class="wb-holder">wang</span>' in listing
    unassigned = client.get(CHANGELIST, {"wb": "mine", "claim": "unassigned"}).content.decode()
    assert ">乙</a>" in unassigned and ">甲</a>" not in unassigned
    client.force_login(me)
    mine = client.get(CHANGELIST, {"wb": "mine", "claim": "mine"}).content.decode()
    assert ">甲</a>" in mine and ">乙</a>" not in mine
    assert free.pk  # (unclaimed)


def test_deciding_a_case_someone_else_holds_asks_first(client):
    submission = case("甲", days=1)
    holder, other = county_officer(username="wang"), county_officer(username="li")
    claim_case(officer=holder, queue="identity_review", obj=submission)
    client.force_login(other)
    asked = client.post(decide_url(submission, "approve"), {"_next": "1"})
    assert asked.status_code == 200 and "已由 <strong>wang</strong>" in asked.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW  # nothing decided yet
    client.post(decide_url(submission, "approve"), {"_next": "1", "take_over": "1"})
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED and submission.decided_by == other


def test_next_case_skips_cases_held_by_others(client):
    first, held, free = case("甲", days=3), case("乙", days=2), case("丙", days=1)
    claim_case(officer=county_officer(username="wang"), queue="identity_review", obj=held)
    client.force_login(county_officer())
    response = client.post(f"{decide_url(first, 'approve')}?_changelist_filters=wb%3Dmine", {"_next": "1"})
    assert urlsplit(response["Location"]).path.endswith(f"/{free.pk}/change/")


def test_a_claim_lapses_after_the_set_time(settings):
    submission = case("甲")
    holder, other = county_officer(username="wang"), county_officer(username="li")
    claim_case(officer=holder, queue="identity_review", obj=submission)
    with pytest.raises(ClaimError) as refused:
        claim_case(officer=other, queue="identity_review", obj=submission)
    assert refused.value.code == "claimed_by_other"
    CaseClaim.objects.update(claimed_at=timezone.now() - datetime.timedelta(minutes=settings.WORKBENCH_CLAIM_MINUTES + 1))
    claim = claim_case(officer=other, queue="identity_review", obj=submission)
    assert claim.holder == other
    assert AuditEvent.objects.filter(action="case_claimed", object_id=str(submission.pk)).count() == 2


# ------------------------------------------------------------------------- exports
def test_exports_follow_the_list_filters_as_xlsx_and_csv(client):
    case("超期考生", days=5)
    case("新近考生", days=0)
    client.force_login(county_officer())
    listing = client.get(CHANGELIST, {"wb": "mine", "overdue": "1"}).content.decode()
    xlsx_link = re.search(r'href="([^"]+format=xlsx)"', listing).group(1).replace("&amp;", "&")
    response = client.get(xlsx_link)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == 2 and rows[1][0] == "超期考生"
    assert rows[1][1].count("*") >= 8  # ID numbers masked
    csv_text = client.get(xlsx_link.replace("format=xlsx", "format=csv")).content.decode("utf-8-sig")
    assert "超期考生" in csv_text and "新近考生" not in csv_text


# ------------------------------------------------------------------------- in person
def test_in_person_verification_of_a_candidate_who_never_uploaded():
    candidate = CandidateFactory(name="未上传", county=county("140105"))
    desk = county_officer()
    submission = services.verify_in_person(candidate=candidate, officer=desk, note="已核对身份证原件")
    candidate.refresh_from_db()
    assert candidate.is_approved and candidate.ticket_number
    assert submission.decision_method == "in_person" and not submission.photos.exists()
    actions = list(AuditEvent.objects.filter(object_id=str(submission.pk)).values_list("action", flat=True))
    assert "identity_in_person_without_photos" in actions and "identity_approved" in actions


def test_in_person_needs_scope_permission_and_a_note():
    candidate = CandidateFactory(name="他县", county=county("140106"))
    with pytest.raises(services.IdentityError) as refused:
        services.verify_in_person(candidate=candidate, officer=county_officer(), note="已核对")
    assert refused.value.code == "out_of_scope"
    with pytest.raises(services.IdentityError) as refused:
        services.verify_in_person(candidate=candidate, officer=county_officer("140106"), note=" ")
    assert refused.value.code == "note_required"
    province = officer(OfficerScope.Level.PROVINCE)  # reviews, but does not verify in person
    with pytest.raises(services.IdentityError) as refused:
        services.verify_in_person(candidate=candidate, officer=province, note="已核对")
    assert refused.value.code == "no_permission"
    candidate.refresh_from_db()
    assert not candidate.is_approved


def test_the_desk_takes_the_id_number_by_post_and_verifies(client):
    candidate = CandidateFactory(name="到场考生", county=county("140105"))
    client.force_login(county_officer())
    desk = reverse("admin:identity_in_person_desk")
    page = client.post(desk, {"id_number": candidate.id_number.lower()}).content.decode()
    assert "到场考生" in page and "未认证" in page and "考生还没有上传过照片" in page
    assert candidate.id_number not in page  # masked on screen too
    response = client.post(
        reverse("admin:identity_in_person_verify", args=[candidate.pk]), {"note": "已核对身份证原件"}, follow=True
    )
    assert candidate.id_number not in response.redirect_chain[-1][0]
    assert "已现场核验通过：到场考生" in response.content.decode()
    other = CandidateFactory(name="外县考生", county=county("140213"))
    assert "没有找到该身份证号的考生" in client.post(desk, {"id_number": other.id_number}).content.decode()


def test_the_candidate_page_links_to_their_work(client):
    submission = case("甲")
    client.force_login(county_officer())
    page = client.get(reverse("admin:candidates_candidate_change", args=[submission.candidate_id])).content.decode()
    assert f"identitysubmission/?candidate__id__exact={submission.candidate_id}" in page
    assert f"transferapplication/?candidate__id__exact={submission.candidate_id}" in page
    assert f"desk/?candidate={submission.candidate_id}" in page


def test_daily_list_prints_the_days_reviews_and_in_person_verifications(client):
    reviewed = case("审核考生")
    desk = county_officer(username="desk")
    services.approve_identity(submission=reviewed, actor=desk)
    services.verify_in_person(candidate=CandidateFactory(name="现场考生"), officer=desk, note="已核对")
    client.force_login(desk)
    page = client.get(reverse("admin:identity_daily_list")).content.decode()
    assert "人工审核 1 件，现场核验 1 件" in page and "审核考生" in page and "现场考生" in page
    assert "data-print" in page


# ------------------------------------------------------------------------- my work today
@pytest.mark.parametrize("level", ["county", "city", "province"])
def test_my_work_today_lists_my_decisions_in_chinese_with_links(client, level):
    submission = case("甲")
    scope = {"county": {"county": county("140105")}, "city": {"city": city("1401")}, "province": {}}[level]
    me = officer(level, **scope)
    services.reject_identity(submission=submission, actor=me, reason_code="blurry")
    client.force_login(me)
    page = client.get(reverse("admin:zikao_auditevent_my_work")).content.decode()
    assert "<td>不通过</td>" in page
    assert f'href="{change_url(submission)}"' in page
    index = client.get(INDEX).content.decode()
    assert "我的今日工作" in index and f'href="{change_url(submission)}"' in index
    log = client.get(reverse("admin:zikao_auditevent_changelist"))
    assert log.status_code == 200  # no 403 for county and city officers: they read their own actions


def test_audit_log_is_own_actions_below_the_province_with_labels_and_links(client):
    submission = case("甲")
    county_one, county_two = county_officer(username="one"), county_officer(username="two")
    services.approve_identity(submission=submission, actor=county_one)
    client.force_login(county_two)
    own = client.get(reverse("admin:zikao_auditevent_changelist")).content.decode()
    assert "0 条操作记录" in own or "0 操作记录" in own, own.split('id="changelist"')[1][:1500]
    client.force_login(officer(OfficerScope.Level.PROVINCE))
    page = client.get(reverse("admin:zikao_auditevent_changelist")).content.decode()
    assert '<td class="field-action_text">通过</td>' in page
    assert f'<a href="{change_url(submission)}">身份验证申请 {submission.pk}</a>' in page
    assert "identity_approved" not in page.split('id="result_list"')[1].split("</table>")[0]


# ------------------------------------------------------------------------- Chinese, 403
def test_admin_speaks_chinese_to_an_english_browser(client):
    client.force_login(county_officer())
    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "注销" in page or "退出" in page
    assert "Log out" not in page and "Welcome" not in page


def test_a_denied_admin_page_is_chinese_in_the_admin_layout(client):
    client.force_login(county_officer())
    response = client.get(reverse("admin:zikao_notice_add"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "没有权限" in page and "返回工作台首页" in page and "403 Forbidden" not in page
