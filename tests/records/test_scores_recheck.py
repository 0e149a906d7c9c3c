import datetime

import pytest
import time_machine

from candidates.models import CandidateMessage
from records import scores
from records.models import PassedCourse
from records.score_models import Score, ScoreRecheck
from tests.factories import CandidateFactory, OfficerFactory, county
from tests.records.scores_support import give, past_sitting
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting():
    return past_sitting("202604", recheck_days=5)


@pytest.fixture
def wang(sitting):
    candidate = CandidateFactory(approved=True, name="王芳")  # 140105 小店区
    give(candidate, sitting, {"03708": 72, "03709": 55, "00015": "缺考"})
    scores.publish_scores(sitting=sitting, actor_label="test")
    return candidate


def score_of(candidate, code):
    return Score.objects.get(candidate=candidate, course__code=code)


@pytest.fixture
def xiaodian():
    return OfficerFactory(scope__level="county", scope__county=county("140105"))


def ask(candidate, *codes, reason="主观题疑似漏评"):
    return scores.submit_rechecks(candidate=candidate, scores=[score_of(candidate, c) for c in codes], reason=reason)


def test_candidate_asks_for_two_courses_and_sees_them_waiting(client, wang):
    client.force_login(wang.user)
    form = client.get("/records/scores/recheck/").content.decode()
    assert "03708 中国近现代史纲要（72）" in form and "00015 英语（二）（缺考）" in form
    ids = [str(score_of(wang, c).pk) for c in ("03709", "00015")]
    response = client.post("/records/scores/recheck/", {"scores": ids, "reason": "第三题没有给分"})
    assert response.status_code == 302 and response["Location"] == "/records/scores/"
    assert ScoreRecheck.objects.filter(candidate=wang, status="pending").count() == 2
    page = client.get("/records/scores/").content.decode()
    assert page.count("成绩复核：待复核") == 2
    assert AuditEvent.objects.filter(action="score_recheck_submit").count() == 2
    # The third course can still be asked for; the two others are no longer offered.
    form = client.get("/records/scores/recheck/").content.decode()
    assert "03708 中国近现代史纲要" in form and "03709 马克思主义" not in form


def test_form_errors_reason_and_courses_required(client, wang):
    client.force_login(wang.user)
    page = client.post("/records/scores/recheck/", {"scores": [], "reason": ""}).content.decode()
    assert "请至少勾选一门需要复核的课程。" in page and "请填写申请复核的理由。" in page
    assert not ScoreRecheck.objects.exists()


def test_one_request_per_course(wang):
    ask(wang, "03709")
    with pytest.raises(scores.ScoreError) as refused:
        ask(wang, "03708", "03709")
    assert refused.value.code == "already_requested"
    assert ScoreRecheck.objects.count() == 1  # all or nothing: 03708 was not requested either


def test_after_the_deadline_nothing_can_be_asked(client, sitting, wang):
    after = datetime.datetime.combine(sitting.recheck_deadline + datetime.timedelta(days=1), datetime.time(9),
                                      tzinfo=datetime.UTC)
    with time_machine.travel(after, tick=False):
        with pytest.raises(scores.ScoreError) as refused:
            ask(wang, "03709")
        assert refused.value.code == "recheck_closed"
        client.force_login(wang.user)
        page = client.get("/records/scores/").content.decode()
        assert 'href="/records/scores/recheck/"' not in page and "成绩复核申请已于" in page
        response = client.get("/records/scores/recheck/", follow=True)
        assert "已过复核截止日期" in response.content.decode()


def test_another_candidates_score_is_404_and_nothing_is_written(client, sitting, wang):
    other = CandidateFactory(approved=True, name="李娜")
    give(other, past_sitting("202510"), {"00054": 40})
    scores.publish_scores(sitting=past_sitting("202510"), actor_label="test")
    client.force_login(other.user)
    response = client.post("/records/scores/recheck/", {"scores": [score_of(wang, "03709").pk], "reason": "想看看"})
    assert response.status_code == 404
    response = client.post("/records/scores/recheck/", {"scores": ["abc"], "reason": "想看看"})
    assert response.status_code == 404
    with pytest.raises(scores.ScoreError) as refused:
        scores.submit_rechecks(candidate=other, scores=[score_of(wang, "03709")], reason="x")
    assert refused.value.code == "not_yours"
    assert not ScoreRecheck.objects.exists()


def test_unpublished_scores_cannot_be_rechecked(wang):
    later = past_sitting("202610")
    give(wang, later, {"00054": 50})
    with pytest.raises(scores.ScoreError) as refused:
        scores.submit_rechecks(candidate=wang, scores=[score_of(wang, "00054")], reason="x")
    assert refused.value.code == "not_yours"


def test_kept_score_is_told_to_the_candidate(client, wang, xiaodian):
    recheck, = ask(wang, "03709")
    scores.keep_score(officer=xiaodian, recheck=recheck, remark="经复核，合分无误")
    recheck.refresh_from_db()
    assert recheck.status == "unchanged" and recheck.decided_by == xiaodian
    message = CandidateMessage.objects.filter(candidate=wang).latest("id")
    assert message.title == "成绩复核结果：03709 马克思主义基本原理概论" and "维持原成绩" in message.body
    client.force_login(wang.user)
    assert "成绩复核：维持原成绩。经复核，合分无误" in client.get("/records/scores/").content.decode()
    with pytest.raises(scores.ScoreError) as refused:
        scores.keep_score(officer=xiaodian, recheck=recheck)
    assert refused.value.code == "already_decided"


def test_a_correction_to_a_pass_enters_the_ledger(client, wang, xiaodian):
    recheck, = ask(wang, "03709")
    scores.correct_score(officer=xiaodian, recheck=recheck, corrected_score="65", remark="合分有误")
    assert score_of(wang, "03709").score == 65
    entry = PassedCourse.objects.get(candidate=wang, course__code="03709")
    assert (entry.score, entry.source, entry.sitting.code) == (65, "exam", "202604")
    client.force_login(wang.user)
    page = client.get("/records/scores/").content.decode()
    assert "成绩复核：成绩已更正为 65（原成绩 55）。合分有误" in page


def test_an_absent_mark_corrected_to_a_fail_and_a_pass_corrected_upwards(wang, xiaodian):
    absent, passed = ask(wang, "00015", "03708")
    scores.correct_score(officer=xiaodian, recheck=absent, corrected_score="41")
    assert score_of(wang, "00015").result_text == "41" and not PassedCourse.objects.filter(course__code="00015").exists()
    scores.correct_score(officer=xiaodian, recheck=passed, corrected_score="78")
    assert PassedCourse.objects.get(candidate=wang, course__code="03708").score == 78
    assert AuditEvent.objects.filter(action="passed_course_correct").count() == 1


def test_a_pass_is_never_turned_into_a_fail_here(wang, xiaodian):
    recheck, = ask(wang, "03708")
    with pytest.raises(scores.ScoreError) as refused:
        scores.correct_score(officer=xiaodian, recheck=recheck, corrected_score="52")
    assert refused.value.code == "would_revoke_pass"
    with pytest.raises(scores.ScoreError) as refused:
        scores.correct_score(officer=xiaodian, recheck=recheck, corrected_score="72")
    assert refused.value.code == "same_score"
    with pytest.raises(scores.ScoreError) as refused:
        scores.correct_score(officer=xiaodian, recheck=recheck, corrected_score="120")
    assert refused.value.code == "bad_score"
    assert score_of(wang, "03708").score == 72 and ScoreRecheck.objects.get().status == "pending"


def test_only_the_candidates_county_office_decides(wang):
    recheck, = ask(wang, "03709")
    for officer in (OfficerFactory(scope__level="county", scope__county=county("140106")),
                    OfficerFactory(scope__level="city", scope__city=county("140105").city),
                    OfficerFactory(scope__level="province")):
        with pytest.raises(scores.ScoreError) as refused:
            scores.keep_score(officer=officer, recheck=recheck)
        assert refused.value.code == "out_of_scope"


def test_admin_scope_another_county_sees_nothing(client, wang, xiaodian):
    recheck, = ask(wang, "03709")
    client.force_login(xiaodian)
    listing = client.get("/admin/records/scorerecheck/?wb=mine").content.decode()
    assert "王芳" in listing
    assert client.get(f"/admin/records/scorerecheck/{recheck.pk}/change/").status_code == 200
    other = OfficerFactory(scope__level="county", scope__county=county("140106"))
    client.force_login(other)
    assert "王芳" not in client.get("/admin/records/scorerecheck/?wb=all").content.decode()
    assert client.get(f"/admin/records/scorerecheck/{recheck.pk}/change/").status_code in (302, 404)
    response = client.post(f"/admin/records/scorerecheck/{recheck.pk}/keep/", {"remark": "x"})
    assert response.status_code == 404
    assert "王芳" not in client.get("/admin/records/score/").content.decode()
    assert ScoreRecheck.objects.get().status == "pending"


def test_admin_decision_through_the_workbench(client, wang, xiaodian):
    recheck, = ask(wang, "03709")
    client.force_login(xiaodian)
    page = client.get(f"/admin/records/scorerecheck/{recheck.pk}/change/").content.decode()
    assert "更正成绩" in page and "维持原成绩" in page
    confirm = client.get(f"/admin/records/scorerecheck/{recheck.pk}/correct/").content.decode()  # without JavaScript
    assert "王芳" in confirm and "申请理由" in confirm and 'name="corrected_score"' in confirm
    assert "/admin/records/scorerecheck/" in confirm  # the breadcrumb back to the queue
    response = client.post(f"/admin/records/scorerecheck/{recheck.pk}/correct/",
                           {"corrected_score": "61", "remark": "登分有误"})
    assert response.status_code == 302
    assert ScoreRecheck.objects.get().status == "corrected" and score_of(wang, "03709").score == 61
    city = OfficerFactory(scope__level="city", scope__city=county("140105").city)
    client.force_login(city)
    assert "王芳" in client.get("/admin/records/scorerecheck/?wb=all").content.decode()  # the city reads
    assert client.post(f"/admin/records/scorerecheck/{recheck.pk}/keep/", {}).status_code == 403
