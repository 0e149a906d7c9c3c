"""免考申请 rules and transitions at the service level, each refusal with its code."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.models import CandidateMessage
from exams import services as catalogue
from exams.exemption_models import ExemptionRuleCourse
from records import exemptions
from records.exemption_models import ExemptionApplication, ExemptionItem
from records.models import PassedCourse
from records.services import add_passed_course
from tests.catalogue import course, sitting
from tests.factories import CandidateFactory, OfficerFactory, city, county
from tests.records.exemption_setup import (
    answers,
    closed_window,
    eligible_candidate,
    exemption_window,
    make_rules,
    officers,
    photo,
    submitted,
)
from zikao.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]
Status = ExemptionApplication.Status


@pytest.fixture
def world():
    window = exemption_window()
    candidate = eligible_candidate()
    cet4, xueli = make_rules()
    return {"window": window, "cet4": cet4, "xueli": xueli, "candidate": candidate, **officers()}


def refusal(call):
    with pytest.raises(exemptions.ExemptionError) as caught:
        call()
    return caught.value


# --------------------------------------------------------------------------- rules


def test_a_practical_or_graduation_assessment_cannot_be_put_in_a_rule(world):
    with pytest.raises(catalogue.CatalogueError) as caught:
        catalogue.save_catalogue_object(
            actor=None, actor_label="t", obj=ExemptionRuleCourse(rule=world["cet4"], course=course("07998")),
        )
    error = caught.value
    assert error.code == "invalid" and "不能免考" in error.message
    assert not ExemptionRuleCourse.objects.filter(course=course("07998")).exists()


def test_offered_courses_follow_the_rule_the_plan_and_the_ledger(world):
    candidate = world["candidate"]
    cet4 = exemptions.offered_courses(candidate=candidate, rule=world["cet4"])
    assert [pc.course.code for pc in cet4] == ["00015"]
    transcript = [pc.course.code for pc in exemptions.offered_courses(candidate=candidate, rule=world["xueli"])]
    assert "00054" in transcript and "00015" in transcript
    assert "03708" not in transcript  # passed already
    assert "07998" not in transcript  # 毕业考核 never


# --------------------------------------------------------------------------- eligibility


def test_eligibility_refusals(world):
    assert exemptions.check_eligibility(candidate=world["candidate"]).allowed
    new = CandidateFactory(approved=True, major=world["candidate"].major)
    assert exemptions.check_eligibility(candidate=new).refusal.code == "no_exam_pass"
    add_passed_course(candidate=new, course=course("00054"), source="transfer_in")
    assert exemptions.check_eligibility(candidate=new).refusal.code == "no_exam_pass"  # passed in Shanxi by exam only
    unverified = CandidateFactory(major=world["candidate"].major)
    assert exemptions.check_eligibility(candidate=unverified).refusal.code == "not_approved"
    no_major = CandidateFactory(approved=True)
    add_passed_course(candidate=no_major, course=course("00054"), source="exam", score=70, sitting=sitting())
    assert exemptions.check_eligibility(candidate=no_major).refusal.code == "no_major"


def test_outside_the_window_says_when(world):
    later = timezone.now() + datetime.timedelta(days=30)
    assert exemptions.check_eligibility(candidate=world["candidate"], now=later).refusal.code == "window_closed"
    world["window"].delete()
    future = exemption_window(opens_at=timezone.now() + datetime.timedelta(days=2),
                              closes_at=timezone.now() + datetime.timedelta(days=9))
    result = exemptions.check_eligibility(candidate=world["candidate"])
    assert result.refusal.code == "window_not_open"
    assert f"{timezone.localtime(future.opens_at):%Y年%m月%d日}" in result.refusal.message


# --------------------------------------------------------------------------- what the candidate enters


@pytest.mark.parametrize(("rule", "codes", "prior", "code"), [
    ("cet4", [], None, "no_courses"),
    ("cet4", ["00054"], None, "course_not_covered"),
    ("cet4", ["03708"], None, "already_passed"),
    ("xueli", ["07998"], {"07998": ("毕业考核", 2)}, "practical_never"),
    ("xueli", ["00054"], {"00054": ("", 6)}, "prior_name_missing"),
    ("xueli", ["00054"], {"00054": ("管理学", 6)}, "name_differs"),
    ("xueli", ["00054"], {"00054": ("管理学原理", 4)}, "credits_too_few"),
    ("cet4", ["00012"], None, "course_not_in_plan"),
])
def test_course_rules(world, rule, codes, prior, code):
    error = refusal(lambda: exemptions.save_draft(
        candidate=world["candidate"], answers=answers(world[rule], *codes, prior=prior), photos=[photo()]))
    assert error.code == code
    assert not ExemptionApplication.objects.exists()


def test_transcript_basis_accepts_same_name_and_enough_credits(world):
    draft = exemptions.save_draft(candidate=world["candidate"], photos=[photo()], answers=answers(
        world["xueli"], "00054", "00015", prior={"00054": ("管理学原理", 6), "00015": ("英语(二)", 16)}))
    items = {item.course.code: item for item in draft.items.all()}
    assert items["00015"].prior_course_name == "英语(二)" and items["00015"].prior_credits == 16
    assert items["00054"].plan_credits == 6


@pytest.mark.parametrize(("change", "code"), [
    ({"certificate_number": " "}, "certificate_number_missing"),
    ({"issuer": ""}, "issuer_missing"),
    ({"issued_on": None}, "issued_on_missing"),
    ({"issued_on": datetime.date.today() + datetime.timedelta(days=3)}, "issued_in_future"),
    ({"rule": None}, "no_basis"),
])
def test_certificate_details_are_required(world, change, code):
    entered = answers(world["cet4"], "00015")
    for name, value in change.items():
        setattr(entered, name, value)
    assert refusal(lambda: exemptions.save_draft(candidate=world["candidate"], answers=entered, photos=[photo()])).code == code


def test_photos_are_required_and_at_most_three(world, private_storage):
    entered = answers(world["cet4"], "00015")
    assert refusal(lambda: exemptions.save_draft(candidate=world["candidate"], answers=entered, photos=[])).code == "photos_missing"
    many = [photo((10 * i, 100, 100)) for i in range(4)]
    assert refusal(lambda: exemptions.save_draft(candidate=world["candidate"], answers=entered, photos=many)).code == "too_many_photos"
    assert not [p for p in private_storage.rglob("*") if p.is_file()] if private_storage.exists() else True


# --------------------------------------------------------------------------- submit / withdraw


def test_submit_once_audited_and_told(world):
    candidate = world["candidate"]
    draft = exemptions.save_draft(candidate=candidate, answers=answers(world["cet4"], "00015"), photos=[photo()])
    assert draft.status == Status.DRAFT
    assert exemptions.active_application(candidate=candidate, window=world["window"]) is None
    application, created = exemptions.submit_exemption(candidate=candidate, draft=draft)
    assert created and application.status == Status.PENDING_COUNTY and application.county == candidate.county
    again, created = exemptions.submit_exemption(candidate=candidate, draft=draft)
    assert not created and again.pk == application.pk
    assert AuditEvent.objects.filter(action="exemption_submit", object_id=str(application.pk)).count() == 1
    assert CandidateMessage.objects.filter(candidate=candidate, title="免考申请已提交").count() == 1
    error = refusal(lambda: exemptions.save_draft(candidate=candidate, answers=answers(world["cet4"], "00015"),
                                                  photos=[photo()]))
    assert error.code == "already_applied" and error.application == application


def test_a_new_draft_replaces_the_old_one_and_its_photo_files(world, private_storage,
                                                             django_capture_on_commit_callbacks):
    candidate = world["candidate"]
    first = exemptions.save_draft(candidate=candidate, answers=answers(world["cet4"], "00015"), photos=[photo()])
    first_file = private_storage / first.photos.get().file.name
    assert first_file.exists()
    with django_capture_on_commit_callbacks(execute=True):
        second = exemptions.save_draft(candidate=candidate, answers=answers(world["cet4"], "00015"), photos=[photo()])
    assert list(ExemptionApplication.objects.values_list("pk", flat=True)) == [second.pk]
    assert not first_file.exists()


def test_the_database_keeps_one_active_application_per_window(world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExemptionApplication.objects.create(
            candidate=application.candidate, window=application.window, county=application.county,
            rule=application.rule, certificate_number="x", issuer="y", issued_on=datetime.date(2020, 1, 1),
            status=Status.PENDING_CITY, submitted_at=timezone.now(),
        )


def test_withdraw_then_apply_again(world):
    candidate = world["candidate"]
    application = submitted(candidate, world["cet4"], "00015")
    exemptions.withdraw_exemption(candidate=candidate, application=application)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert AuditEvent.objects.filter(action="exemption_withdraw", object_id=str(application.pk)).exists()
    again = submitted(candidate, world["cet4"], "00015")
    assert again.status == Status.PENDING_COUNTY


def test_no_withdrawal_once_an_office_decided_or_the_window_closed(world):
    candidate = world["candidate"]
    application = submitted(candidate, world["cet4"], "00015")
    later = timezone.now() + datetime.timedelta(days=30)
    assert refusal(lambda: exemptions.withdraw_exemption(candidate=candidate, application=application, now=later)).code == "window_closed"
    other = CandidateFactory(approved=True)
    assert refusal(lambda: exemptions.withdraw_exemption(candidate=other, application=application)).code == "not_owner"
    exemptions.approve_all(officer=world["county"], application=application)
    assert refusal(lambda: exemptions.withdraw_exemption(candidate=candidate, application=application)).code == "cannot_withdraw"


def test_a_draft_posted_after_closing_time_is_refused(world):
    candidate = world["candidate"]
    draft = exemptions.save_draft(candidate=candidate, answers=answers(world["cet4"], "00015"), photos=[photo()])
    later = timezone.now() + datetime.timedelta(days=30)
    assert refusal(lambda: exemptions.submit_exemption(candidate=candidate, draft=draft, now=later)).code == "window_closed"


def test_a_course_passed_since_the_draft_is_refused_at_submission(world):
    candidate = world["candidate"]
    draft = exemptions.save_draft(candidate=candidate, answers=answers(world["cet4"], "00015"), photos=[photo()])
    add_passed_course(candidate=candidate, course=course("00015"), source="exam", score=66, sitting=sitting())
    assert refusal(lambda: exemptions.submit_exemption(candidate=candidate, draft=draft)).code == "already_passed"


# --------------------------------------------------------------------------- review


def _verdicts(application, **by_code):
    """{item_pk: (approve, reason)} from code=True / code="reason"."""
    return {
        item.pk: (by_code[item.course.code] is True, "" if by_code[item.course.code] is True else by_code[item.course.code])
        for item in application.items.select_related("course") if item.course.code in by_code
    }


def test_three_steps_course_by_course_and_the_province_writes_the_ledger(world):
    candidate = world["candidate"]
    application = submitted(candidate, world["xueli"], "00054", "00015",
                            prior={"00054": ("管理学原理", 6), "00015": ("英语（二）", 14)})
    exemptions.decide_step(officer=world["county"], application=application,
                           verdicts=_verdicts(application, **{"00054": True, "00015": True}))
    application.refresh_from_db()
    assert application.status == Status.PENDING_CITY and application.county_decided_by == world["county"]
    exemptions.decide_step(officer=world["city"], application=application,
                           verdicts=_verdicts(application, **{"00054": "成绩单课程学时不足", "00015": True}))
    application.refresh_from_db()
    assert application.status == Status.PENDING_PROVINCE
    assert [i.pk for i in exemptions.items_to_decide(application)] == [
        ExemptionItem.objects.get(application=application, course__code="00015").pk]
    # The province decides only what is still open: a verdict on the refused course is refused.
    error = refusal(lambda: exemptions.decide_step(officer=world["province"], application=application,
                                                   verdicts=_verdicts(application, **{"00054": True, "00015": True})))
    assert error.code == "verdict_missing"
    exemptions.decide_step(officer=world["province"], application=application,
                           verdicts=_verdicts(application, **{"00015": True}))
    application.refresh_from_db()
    assert application.status == Status.DECIDED and application.province_decided_by == world["province"]
    entry = PassedCourse.objects.get(candidate=candidate, course__code="00015")
    assert entry.source == "exemption" and entry.recorded_by == world["province"]
    assert not PassedCourse.objects.filter(candidate=candidate, course__code="00054").exists()
    refused = ExemptionItem.objects.get(application=application, course__code="00054")
    assert (refused.result, refused.reason, refused.decided_step) == ("refused", "成绩单课程学时不足", "city")
    actions = list(AuditEvent.objects.filter(object_id=str(application.pk), object_type="records.exemptionapplication")
                   .values_list("action", flat=True).order_by("id"))
    assert actions == ["exemption_submit", "exemption_decide_county", "exemption_decide_city", "exemption_decide_province"]


def test_everything_refused_early_ends_the_review_without_the_ledger(world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    exemptions.decide_step(officer=world["county"], application=application,
                           verdicts=_verdicts(application, **{"00015": "证书照片不清晰，无法核对"}))
    application.refresh_from_db()
    assert application.status == Status.DECIDED
    assert not PassedCourse.objects.filter(candidate=world["candidate"], source="exemption").exists()


def test_a_refusal_needs_a_reason_and_every_course_a_verdict(world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    assert refusal(lambda: exemptions.decide_step(
        officer=world["county"], application=application, verdicts=_verdicts(application, **{"00015": " "}))
    ).code == "reason_required"
    assert refusal(lambda: exemptions.decide_step(
        officer=world["county"], application=application, verdicts={})).code == "verdict_missing"
    application.refresh_from_db()
    assert application.status == Status.PENDING_COUNTY


def test_each_office_decides_only_its_own_step(world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    other_county = OfficerFactory(scope__level="county", scope__county=county("140106"))
    other_city = OfficerFactory(scope__level="city", scope__city=city("1402"))
    for officer in (other_county, world["city"], world["province"]):
        assert refusal(lambda o=officer: exemptions.approve_all(officer=o, application=application)).code == "out_of_scope"
    exemptions.approve_all(officer=world["county"], application=application)
    application.refresh_from_db()
    for officer in (other_city, world["county"], world["province"]):
        assert refusal(lambda o=officer: exemptions.approve_all(officer=o, application=application)).code == "out_of_scope"
    assert not exemptions.may_decide(CandidateFactory().user, application)


def test_a_second_decision_of_the_same_step_is_refused(world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    second_county = OfficerFactory(scope__level="county", scope__county=county("140105"))
    exemptions.approve_all(officer=world["county"], application=application, expected_status=Status.PENDING_COUNTY)
    error = refusal(lambda: exemptions.approve_all(
        officer=second_county, application=application, expected_status=Status.PENDING_COUNTY))
    assert error.code == "already_decided"
    assert AuditEvent.objects.filter(action="exemption_decide_county").count() == 1


# --------------------------------------------------------------------------- publication


def _decided(world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    for step in ("county", "city", "province"):
        exemptions.approve_all(officer=world[step], application=application)
    application.refresh_from_db()
    return application


def test_results_are_hidden_until_published_then_the_candidate_is_told(world):
    application = _decided(world)
    assert application.state_text == "审核中（结果待省招考中心发布）"
    pending = submitted(eligible_candidate(), world["cet4"], "00015")
    published, still_pending = exemptions.publish_results(window=world["window"], actor_label="operator:test")
    assert (published, still_pending) == (1, 1)
    application.refresh_from_db()
    assert application.published_at is not None and application.state_text == "审核结果已发布"
    message = CandidateMessage.objects.get(candidate=world["candidate"], title="免考审核结果已发布")
    assert "同意免考 1 门" in message.body and message.link == "/records/exemptions/"
    assert exemptions.publish_results(window=world["window"])[0] == 0  # twice: nothing new
    pending.refresh_from_db()
    assert pending.published_at is None
    assert AuditEvent.objects.filter(action="exemption_publish").count() == 1


def test_only_exemption_windows_are_published(world):
    from tests.factories import BusinessWindowFactory

    assert refusal(lambda: exemptions.publish_results(window=BusinessWindowFactory())).code == "wrong_window"


def test_publish_command(world):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    _decided(world)
    out = StringIO()
    call_command("publish_exemptions", str(world["window"].pk), stdout=out)
    assert "发布审核结果 1 份" in out.getvalue()
    with pytest.raises(CommandError, match="找不到编号为 999999 的免考申请时段"):
        call_command("publish_exemptions", "999999")


def test_closed_window_refuses_new_drafts(world):
    world["window"].delete()
    closed_window()
    error = refusal(lambda: exemptions.save_draft(candidate=world["candidate"], answers=answers(world["cet4"], "00015"),
                                                  photos=[photo()]))
    assert error.code == "window_closed"
