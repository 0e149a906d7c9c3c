"""Every state change of identity verification, at the service level against the database."""

import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.models import Candidate, CandidateMessage, OfficerScope
from identity import services
from identity.models import CheckResult, IdentityPhoto, IdentitySubmission, TicketSequence
from tests.factories import CandidateFactory, EnrolledRecordFactory, OfficerFactory, city, county
from tests.identity.helpers import failed, passed, photo_set, run_checks, stored_files, submitted, uncertain
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db
Status = IdentitySubmission.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def candidate():
    return CandidateFactory(county=county("140105"))


@pytest.fixture
def xiaodian_officer():
    return OfficerFactory(scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105"))


@pytest.fixture
def needs_review(candidate, django_capture_on_commit_callbacks):
    submission = submitted(candidate, django_capture_on_commit_callbacks)
    return run_checks(submission, [passed(), uncertain()])


# --- submitting --------------------------------------------------------------------------------
def test_submit_stores_photos_and_puts_the_candidate_in_checking(candidate, private_storage, django_capture_on_commit_callbacks):
    submission = submitted(candidate, django_capture_on_commit_callbacks)
    candidate.refresh_from_db()
    assert submission.attempt == 1 and submission.status == Status.SUBMITTED
    assert candidate.identity_status == Candidate.IdentityStatus.CHECKING
    assert sorted(submission.photos.values_list("slot", flat=True)) == ["handheld", "headshot", "id_card"]
    assert len(stored_files(private_storage)) == 3
    event = AuditEvent.objects.get(action="identity_submit")
    assert event.actor == candidate.user and event.to_state == "submitted"


def test_enrolled_candidate_submits_two_photos(django_capture_on_commit_callbacks):
    enrolled = CandidateFactory(kind=Candidate.Kind.ENROLLED, ticket_number="010519100007")
    submission = submitted(enrolled, django_capture_on_commit_callbacks)
    assert sorted(submission.photos.values_list("slot", flat=True)) == ["handheld", "id_card"]


def test_missing_photo_is_refused(candidate):
    photos = photo_set()
    del photos["handheld"]
    with pytest.raises(services.IdentityError, match="请上传全部照片：手持身份证照") as raised:
        services.submit_photos(candidate=candidate, photos=photos)
    assert raised.value.code == "photos_missing"
    assert not IdentitySubmission.objects.exists()


def test_second_submission_while_one_is_active_is_refused(candidate, private_storage, django_capture_on_commit_callbacks):
    submitted(candidate, django_capture_on_commit_callbacks)
    with pytest.raises(services.IdentityError, match="正在检查或等待人工审核") as raised:
        services.submit_photos(candidate=candidate, photos=photo_set())
    assert raised.value.code == "submission_pending"
    assert IdentitySubmission.objects.count() == 1
    assert len(stored_files(private_storage)) == 3  # nothing left behind by the refused one


def test_database_allows_only_one_active_submission(candidate):
    IdentitySubmission.objects.create(candidate=candidate, attempt=1, status=Status.NEEDS_REVIEW)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdentitySubmission.objects.create(candidate=candidate, attempt=2, status=Status.SUBMITTED)


def test_files_are_removed_when_the_transaction_fails(candidate, private_storage, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.submit_photos(candidate=candidate, photos=photo_set())
    assert not IdentitySubmission.objects.exists() and not IdentityPhoto.objects.exists()
    assert stored_files(private_storage) == []


# --- automatic decisions --------------------------------------------------------------------------
def test_clean_checks_approve_and_issue_a_ticket_number(candidate, django_capture_on_commit_callbacks):
    submission = submitted(candidate, django_capture_on_commit_callbacks)
    decided = run_checks(submission, [passed(), passed("background")])
    candidate.refresh_from_db()
    assert decided.status == Status.APPROVED and decided.decided_automatically and decided.decided_by is None
    assert decided.decision_method == IdentitySubmission.Method.AUTOMATIC
    assert candidate.is_approved and candidate.identity_approved_at is not None
    year, sitting = services.exam_sitting(candidate.identity_approved_at)
    assert candidate.ticket_number == f"0105{year % 100:02d}{sitting}00001"
    message = CandidateMessage.objects.get(candidate=candidate)
    assert message.title == "身份验证已通过" and candidate.ticket_number in message.body
    assert AuditEvent.objects.filter(action="identity_approved", actor_label="system:identity-checks").count() == 1
    assert AuditEvent.objects.get(action="ticket_number_issued").to_state == candidate.ticket_number
    assert CheckResult.objects.filter(submission=submission).count() == 2


def test_a_failed_check_rejects_with_the_reason_and_allows_a_new_attempt(candidate, django_capture_on_commit_callbacks):
    submission = submitted(candidate, django_capture_on_commit_callbacks)
    decided = run_checks(submission, [passed(), failed()])
    candidate.refresh_from_db()
    assert decided.status == Status.REJECTED
    assert decided.reasons == ["免冠照中未检测到人脸，请在光线充足处正面拍摄。"]
    assert candidate.identity_status == Candidate.IdentityStatus.REJECTED and candidate.ticket_number is None
    message = CandidateMessage.objects.get(candidate=candidate)
    assert message.title == "身份验证未通过" and "未检测到人脸" in message.body
    again = submitted(candidate, django_capture_on_commit_callbacks)
    assert again.attempt == 2


def test_an_uncertain_check_goes_to_an_officer(candidate, needs_review):
    candidate.refresh_from_db()
    assert needs_review.status == Status.NEEDS_REVIEW and needs_review.decided_at is None
    assert candidate.identity_status == Candidate.IdentityStatus.NEEDS_REVIEW
    assert CandidateMessage.objects.get(candidate=candidate).title == "照片已转人工审核"


def test_results_of_a_second_run_never_make_a_second_decision(candidate, django_capture_on_commit_callbacks):
    submission = submitted(candidate, django_capture_on_commit_callbacks)
    services.start_checks(submission_id=submission.pk, stale_after=timedelta(minutes=5))
    first = services.finish_checks(submission_id=submission.pk, checks=[passed()])
    second = services.finish_checks(submission_id=submission.pk, checks=[failed()])
    assert first.status == Status.APPROVED and second is None
    assert CheckResult.objects.filter(submission=submission).count() == 1
    assert AuditEvent.objects.filter(action__in=["identity_approved", "identity_rejected"]).count() == 1
    assert CandidateMessage.objects.filter(candidate=candidate).count() == 1


def test_a_fresh_run_is_not_claimed_twice_but_a_stale_one_is(candidate, django_capture_on_commit_callbacks):
    submission = submitted(candidate, django_capture_on_commit_callbacks)
    stale = timedelta(minutes=5)
    assert services.start_checks(submission_id=submission.pk, stale_after=stale) is not None
    assert services.start_checks(submission_id=submission.pk, stale_after=stale) is None
    IdentitySubmission.objects.filter(pk=submission.pk).update(check_started_at=timezone.now() - timedelta(minutes=6))
    again = services.start_checks(submission_id=submission.pk, stale_after=stale)
    assert again is not None and again.check_runs == 2


def test_approved_photos_are_locked(candidate, django_capture_on_commit_callbacks):
    run_checks(submitted(candidate, django_capture_on_commit_callbacks), [passed()])
    with pytest.raises(services.IdentityError, match="照片已锁定") as raised:
        services.submit_photos(candidate=candidate, photos=photo_set())
    assert raised.value.code == "already_approved"


# --- officers ---------------------------------------------------------------------------------------
def test_officer_approves_a_case_in_review(candidate, needs_review, xiaodian_officer):
    decided = services.approve_identity(submission=needs_review, actor=xiaodian_officer, note="照片清晰，同一人")
    candidate.refresh_from_db()
    assert decided.status == Status.APPROVED and decided.decided_by == xiaodian_officer
    assert decided.decision_method == IdentitySubmission.Method.OFFICER and not decided.decided_automatically
    assert candidate.is_approved and candidate.ticket_number.startswith("0105")
    event = AuditEvent.objects.get(action="identity_approved")
    assert event.actor == xiaodian_officer and event.from_state == "needs_review" and "同一人" in event.reason


def test_officer_rejects_with_a_listed_reason_and_free_text(candidate, needs_review, xiaodian_officer):
    decided = services.reject_identity(
        submission=needs_review, actor=xiaodian_officer, reason_code="blurry", note="身份证号码看不清"
    )
    assert decided.reasons == [services.REJECTION_REASONS["blurry"][1], "身份证号码看不清"]
    assert "身份证号码看不清" in CandidateMessage.objects.filter(candidate=candidate).first().body
    assert AuditEvent.objects.get(action="identity_rejected").data["reason_code"] == "blurry"


def test_other_reason_needs_a_written_explanation(needs_review, xiaodian_officer):
    with pytest.raises(services.IdentityError, match="请在说明中写明原因") as raised:
        services.reject_identity(submission=needs_review, actor=xiaodian_officer, reason_code="other", note=" ")
    assert raised.value.code == "note_required"
    with pytest.raises(services.IdentityError, match="请选择不通过的原因") as raised:
        services.reject_identity(submission=needs_review, actor=xiaodian_officer, reason_code="made-up")
    assert raised.value.code == "reason_required"


def test_second_officer_gets_a_clear_message_and_nothing_changes(candidate, needs_review, xiaodian_officer):
    colleague = OfficerFactory(scope__level=OfficerScope.Level.CITY, scope__city=city("1401"))
    services.approve_identity(submission=needs_review, actor=xiaodian_officer)
    with pytest.raises(services.IdentityError) as caught:
        services.reject_identity(submission=needs_review, actor=colleague, reason_code="blurry")
    assert f"已由{xiaodian_officer.username}处理为“已通过”" in caught.value.message
    assert "您的操作没有执行" in caught.value.message
    assert caught.value.code == "already_decided"
    needs_review.refresh_from_db()
    assert needs_review.status == Status.APPROVED and needs_review.decided_by == xiaodian_officer
    assert AuditEvent.objects.filter(action__in=["identity_approved", "identity_rejected"]).count() == 1


def test_officer_of_another_county_cannot_decide(needs_review):
    outsider = OfficerFactory(scope__level=OfficerScope.Level.COUNTY, scope__county=county("140106"))
    with pytest.raises(services.IdentityError, match="不属于您管辖") as raised:
        services.approve_identity(submission=needs_review, actor=outsider)
    assert raised.value.code == "out_of_scope"
    needs_review.refresh_from_db()
    assert needs_review.status == Status.NEEDS_REVIEW


def test_staff_without_the_permission_cannot_decide(needs_review):
    from tests.factories import UserFactory

    clerk = UserFactory(is_staff=True)
    OfficerScope.objects.create(user=clerk, level=OfficerScope.Level.PROVINCE)
    with pytest.raises(services.IdentityError, match="没有办理") as raised:
        services.approve_identity(submission=needs_review, actor=clerk)
    assert raised.value.code == "no_permission"


def test_in_person_verification_after_rejections(candidate, xiaodian_officer, django_capture_on_commit_callbacks):
    for _ in range(3):
        last = run_checks(submitted(candidate, django_capture_on_commit_callbacks), [failed()])
    first = IdentitySubmission.objects.get(candidate=candidate, attempt=1)
    with pytest.raises(services.IdentityError) as raised:
        services.approve_identity(submission=first, actor=xiaodian_officer, in_person=True)  # not the latest
    assert raised.value.code == "already_decided"
    decided = services.approve_identity(submission=last, actor=xiaodian_officer, in_person=True, note="核对身份证原件")
    candidate.refresh_from_db()
    assert decided.decision_method == IdentitySubmission.Method.IN_PERSON
    assert candidate.is_approved and candidate.ticket_number
    assert "报名点现场核验" in CandidateMessage.objects.filter(candidate=candidate).first().body


def test_plain_approval_of_a_rejected_submission_is_refused(candidate, xiaodian_officer, django_capture_on_commit_callbacks):
    rejected = run_checks(submitted(candidate, django_capture_on_commit_callbacks), [failed()])
    with pytest.raises(services.IdentityError, match="处理为“未通过”") as raised:
        services.approve_identity(submission=rejected, actor=xiaodian_officer)
    assert raised.value.code == "already_decided"


def test_enrolled_candidate_keeps_their_ticket_number(django_capture_on_commit_callbacks):
    enrolled = CandidateFactory(kind=Candidate.Kind.ENROLLED, ticket_number="010519100007")
    run_checks(submitted(enrolled, django_capture_on_commit_callbacks), [passed()])
    enrolled.refresh_from_db()
    assert enrolled.is_approved and enrolled.ticket_number == "010519100007"
    assert not TicketSequence.objects.exists()


# --- ticket numbers ------------------------------------------------------------------------------------
def test_ticket_prefix_follows_the_design_example():
    assert services.ticket_prefix(county("140105"), 2021, 1) == "0105211"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime.datetime(2021, 4, 15, 10, 0, tzinfo=SHANGHAI), (2021, 1)),
        (datetime.datetime(2021, 6, 30, 23, 59, tzinfo=SHANGHAI), (2021, 1)),
        # 1 July 00:30 in Shanghai is still 30 June in UTC: the sitting follows Shanghai.
        (datetime.datetime(2021, 7, 1, 0, 30, tzinfo=SHANGHAI), (2021, 2)),
        (datetime.datetime(2021, 12, 31, 23, 0, tzinfo=SHANGHAI), (2021, 2)),
        (datetime.datetime(2021, 12, 31, 16, 30, tzinfo=datetime.UTC), (2022, 1)),
    ],
)
def test_exam_sitting_is_judged_in_shanghai(moment, expected):
    assert services.exam_sitting(moment) == expected


def test_ticket_numbers_count_up_per_county_and_sitting():
    april = datetime.datetime(2021, 4, 15, 10, 0, tzinfo=SHANGHAI)
    issued = [services.issue_ticket_number(county=county("140105"), moment=april) for _ in range(3)]
    assert issued == ["010521100001", "010521100002", "010521100003"]
    assert services.issue_ticket_number(county=county("140106"), moment=april) == "010621100001"
    october = datetime.datetime(2021, 10, 1, 10, 0, tzinfo=SHANGHAI)
    assert services.issue_ticket_number(county=county("140105"), moment=october) == "010521200001"
    assert services.issue_ticket_number(county=county("140213"), moment=october) == "021321200001"


def test_numbers_already_held_are_skipped():
    april = datetime.datetime(2021, 4, 15, 10, 0, tzinfo=SHANGHAI)
    CandidateFactory(approved=True, ticket_number="010521100001")
    EnrolledRecordFactory(ticket_number="010521100002", county=county("140105"))
    assert services.issue_ticket_number(county=county("140105"), moment=april) == "010521100003"


def test_at_most_ten_submissions_a_day(candidate, django_capture_on_commit_callbacks):
    for _ in range(services.MAX_SUBMISSIONS_PER_DAY):
        run_checks(submitted(candidate, django_capture_on_commit_callbacks), [failed()])
    with pytest.raises(services.IdentityError, match="24 小时内最多提交 10 次") as raised:
        services.submit_photos(candidate=candidate, photos=photo_set())
    assert raised.value.code == "daily_limit"
    IdentitySubmission.objects.update(submitted_at=timezone.now() - timedelta(days=1, minutes=1))
    assert submitted(candidate, django_capture_on_commit_callbacks).attempt == 11
