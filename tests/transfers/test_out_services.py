"""省际转出 at the service level: each eligibility rule with its code, every transition and its
refusals, the closed record refusing every business, and the lapse of unconfirmed applications."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from candidates.models import Candidate, CandidateMessage
from exams import practical
from exams import registration as theory
from records import exemptions, graduation
from records.models import PassedCourse
from tests.catalogue import course
from tests.factories import BusinessWindowFactory, CandidateFactory, county
from tests.transfers.out_fixtures import (
    AFTER,
    CLOSES,
    DURING,
    candidate,
    confirmed,
    eligible_candidate,
    frozen,
    officers,
    out_window,
    pass_courses,
    signed_photo,
    submit,
    window,
)
from transfers import out
from transfers import services as in_province
from transfers.out_models import TransferOut
from zikao.models import AuditEvent, BusinessWindow

pytestmark = pytest.mark.django_db
__all__ = ["candidate", "frozen", "officers", "window"]  # fixtures
Status = TransferOut.Status


def refusal(candidate, now=DURING):
    result = out.check_out_eligibility(candidate=Candidate.objects.get(pk=candidate.pk), now=now)
    return result.refusal.code if result.refusal else None


# --------------------------------------------------------------------------- eligibility, rule by rule


def test_an_eligible_candidate_may_apply_and_sees_the_transferable_courses(window, candidate):
    result = out.check_out_eligibility(candidate=candidate, now=DURING)
    assert result.allowed and result.window == window
    assert [entry.course.code for entry in result.courses] == ["03708", "03709"]  # 00015 exempted: not listed


def test_without_a_course_passed_by_examination_the_rule_says_so(window):
    candidate = CandidateFactory(approved=True, major=eligible_candidate().major)
    pass_courses(candidate, ("03708",), source="exemption")
    pass_courses(candidate, ("03709",), source="transfer_in", now=DURING - datetime.timedelta(days=800))
    result = out.check_out_eligibility(candidate=candidate, now=DURING)
    assert result.refusal.code == "no_exam_pass"
    assert "至少有一门课程在我省考试合格" in result.refusal.message


def test_within_a_year_of_transferring_in_the_page_says_from_when(window, candidate):
    arrived = DURING - datetime.timedelta(days=200)
    pass_courses(candidate, ("00054",), source="transfer_in", now=arrived)
    result = out.check_out_eligibility(candidate=candidate, now=DURING)
    assert result.refusal.code == "recent_transfer_in"
    assert "2027年" in result.refusal.message and "转入未满一年" in result.refusal.message
    # A year and a day after arriving, the rule no longer applies.
    assert refusal(candidate, now=arrived + datetime.timedelta(days=366)) != "recent_transfer_in"


def test_a_transfer_in_more_than_a_year_ago_does_not_block(window, candidate):
    pass_courses(candidate, ("00054",), source="transfer_in", now=DURING - datetime.timedelta(days=400))
    assert refusal(candidate) is None


def test_every_course_of_the_major_passed_means_graduating_in_shanxi(window, candidate):
    pass_courses(candidate, ("00054", "00067", "07998"))
    result = out.check_out_eligibility(candidate=candidate, now=DURING)
    assert result.refusal.code == "all_passed"
    assert "毕业申请" in result.refusal.message


def test_the_window_must_be_open(db):
    candidate = eligible_candidate()
    out_window(opens_at=DURING + datetime.timedelta(days=3), closes_at=DURING + datetime.timedelta(days=9))
    assert refusal(candidate) == "window_not_open"
    assert refusal(candidate, now=DURING + datetime.timedelta(days=10)) == "window_closed"


def test_identity_and_ticket_number_are_required(window):
    unverified = CandidateFactory()
    assert refusal(unverified) == "not_approved"
    no_ticket = CandidateFactory(approved=True, ticket_number=None)
    assert refusal(no_ticket) == "no_ticket_number"


# --------------------------------------------------------------------------- candidate steps


def test_submit_saves_the_snapshot_audits_and_tells_the_candidate(window, candidate):
    application, created = submit(candidate)
    assert created and application.status == Status.UNCONFIRMED
    assert application.target_province_name == "河北省" and application.from_city_id == "1401"
    assert [row["code"] for row in application.courses] == ["03708", "03709"]
    assert all(row["source"] == "考试" for row in application.courses)
    assert AuditEvent.objects.filter(action="transfer_out_submit", object_id=str(application.pk)).exists()
    assert CandidateMessage.objects.filter(candidate=candidate, title__contains="网上确认").exists()
    # Later passes do not change what the form prints.
    pass_courses(candidate, ("00054",))
    application.refresh_from_db()
    assert len(application.courses) == 2


def test_the_same_form_posted_twice_is_one_application_and_a_second_form_is_refused(window, candidate):
    token = uuid.uuid4()
    first, _ = submit(candidate, token=token)
    again, created = submit(candidate, token=token)
    assert again.pk == first.pk and not created
    with pytest.raises(out.TransferOutError) as caught:
        submit(candidate)
    assert caught.value.code == "already_applied" and caught.value.application.pk == first.pk


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("province", "14", "bad_province"),
        ("province", "81", "bad_province"),
        ("province", "", "bad_province"),
        ("ticket", "12", "bad_ticket_number"),
        ("ticket", "1301-0112", "bad_ticket_number"),
        ("reason", " ", "no_reason"),
        ("reason", "长" * 201, "reason_too_long"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(window, candidate, field, value, code):
    with pytest.raises(out.TransferOutError) as caught:
        submit(candidate, **{field: value})
    assert caught.value.code == code
    assert not TransferOut.objects.exists()


def test_the_database_refuses_shanxi_and_a_second_active_application(window, candidate):
    application, _ = submit(candidate)
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferOut.objects.filter(pk=application.pk).update(target_province="14")
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferOut.objects.create(
            candidate=candidate,
            window=window,
            from_city=application.from_city,
            from_county=application.from_county,
            target_province="11",
            target_ticket_number="110101000001",
            reason="x",
            idempotency_token=uuid.uuid4(),
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # confirmed without a signed form
        TransferOut.objects.filter(pk=application.pk).update(status=Status.PENDING_CITY)


def test_confirm_stores_the_photo_privately_and_goes_to_the_city(window, candidate, settings):
    application = confirmed(candidate)
    assert application.status == Status.PENDING_CITY and application.confirmed_at == DURING
    assert (
        application.signed_form.name.startswith("transfers/out/")
        and candidate.id_number not in application.signed_form.name
    )
    with application.signed_form.open("rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"  # re-encoded JPEG
    with pytest.raises(ValueError):
        application.signed_form.url  # noqa: B018 — private storage has no public address
    with pytest.raises(out.TransferOutError) as caught:
        out.confirm_transfer_out(
            candidate=candidate, application=application, photo=signed_photo(), now=DURING
        )
    assert caught.value.code == "not_unconfirmed"


def test_a_confirmation_that_fails_leaves_no_file_behind(window, candidate, private_storage, monkeypatch):
    application, _ = submit(candidate)

    def broken(**kwargs):
        raise RuntimeError("the message could not be written")

    monkeypatch.setattr(out, "send_candidate_message", broken)
    with pytest.raises(RuntimeError):
        out.confirm_transfer_out(candidate=candidate, application=application, photo=signed_photo(), now=DURING)
    application.refresh_from_db()
    assert application.status == Status.UNCONFIRMED and not application.signed_form
    assert not [path for path in private_storage.rglob("*") if path.is_file()]  # the photo was removed too


def test_another_candidate_cannot_confirm_or_correct(window, candidate):
    application, _ = submit(candidate)
    other = eligible_candidate()
    with pytest.raises(out.TransferOutError) as caught:
        out.confirm_transfer_out(candidate=other, application=application, photo=signed_photo(), now=DURING)
    assert caught.value.code == "not_owner"


def test_confirming_after_the_window_closed_is_refused(window, candidate):
    application, _ = submit(candidate)
    with pytest.raises(out.TransferOutError) as caught:
        out.confirm_transfer_out(
            candidate=candidate, application=application, photo=signed_photo(), now=AFTER
        )
    assert caught.value.code == "window_closed"


# --------------------------------------------------------------------------- officers


def test_city_then_province_then_sent_then_transferred_closes_the_record(window, candidate, officers):
    application = confirmed(candidate)
    assert out.allowed_decisions(officer=officers["taiyuan"], application=application) == [
        "city_pass",
        "return",
    ]
    assert out.allowed_decisions(officer=officers["datong"], application=application) == []
    assert out.allowed_decisions(officer=officers["province"], application=application) == []
    assert out.allowed_decisions(officer=officers["xiaodian"], application=application) == []
    out.pass_city_check(officer=officers["taiyuan"], application=application, now=DURING)
    application.refresh_from_db()
    assert out.allowed_decisions(officer=officers["province"], application=application) == ["send", "return"]
    out.send_transfer_out(officer=officers["province"], application=application, now=DURING)
    application.refresh_from_db()
    assert application.status == Status.SENT
    out.close_transfer_out(officer=officers["province"], application=application, now=DURING)
    application.refresh_from_db()
    assert application.status == Status.TRANSFERRED and application.state_text == "已转出至河北省"
    actions = list(
        AuditEvent.objects.filter(object_id=str(application.pk), object_type="transfers.transferout")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "transfer_out_submit",
        "transfer_out_confirm",
        "transfer_out_city_pass",
        "transfer_out_send",
        "transfer_out_close",
    ]
    assert Candidate.objects.get(pk=candidate.pk).record_closed


def test_another_city_and_a_county_office_cannot_decide(window, candidate, officers):
    application = confirmed(candidate)
    for officer in (officers["datong"], officers["xiaodian"], officers["province"]):
        with pytest.raises(out.TransferOutError) as caught:
            out.pass_city_check(officer=officer, application=application)
        assert caught.value.code == "out_of_scope"


def test_a_step_decided_twice_is_refused(window, candidate, officers):
    application = confirmed(candidate)
    out.pass_city_check(officer=officers["taiyuan"], application=application, now=DURING)
    with pytest.raises(out.TransferOutError) as caught:
        out.return_transfer_out(
            officer=officers["taiyuan"],
            application=application,
            reason="照片不清晰",
            expected_status=Status.PENDING_CITY,
        )
    assert caught.value.code == "already_decided"


def test_returned_the_candidate_corrects_and_confirms_again_while_the_window_is_open(
    window, candidate, officers
):
    application = confirmed(candidate)
    with pytest.raises(out.TransferOutError) as caught:
        out.return_transfer_out(officer=officers["taiyuan"], application=application, reason="  ")
    assert caught.value.code == "reason_required"
    out.return_transfer_out(
        officer=officers["taiyuan"], application=application, reason="签字登记表照片不清晰", now=DURING
    )
    application.refresh_from_db()
    assert application.status == Status.RETURNED and application.state_text == "已退回：签字登记表照片不清晰"
    assert out.can_correct(application, now=DURING) and not out.can_confirm(application, now=DURING)
    assert refusal(candidate) == "already_applied"  # the same application is corrected, not a second one
    out.correct_transfer_out(
        candidate=candidate,
        application=application,
        target_province="11",
        target_ticket_number="110105000123",
        reason="随迁",
        now=DURING,
    )
    application.refresh_from_db()
    assert application.status == Status.UNCONFIRMED and not application.signed_form
    out.confirm_transfer_out(candidate=candidate, application=application, photo=signed_photo(), now=DURING)
    application.refresh_from_db()
    assert application.status == Status.PENDING_CITY and application.target_province_name == "北京市"


def test_a_returned_application_cannot_be_corrected_after_the_window(window, candidate, officers):
    application = confirmed(candidate)
    out.return_transfer_out(
        officer=officers["taiyuan"], application=application, reason="转入省准考证号有误", now=AFTER
    )
    application.refresh_from_db()
    assert not out.can_correct(application, now=AFTER)
    with pytest.raises(out.TransferOutError) as caught:
        out.correct_transfer_out(
            candidate=candidate,
            application=application,
            target_province="13",
            target_ticket_number="130101000001",
            reason="工作调动",
            now=AFTER,
        )
    assert caught.value.code == "window_closed"
    assert "下次开放时重新申请" in CandidateMessage.objects.filter(candidate=candidate).first().body


# --------------------------------------------------------------------------- the closed record


def close_record(application, officers):
    """The city checks, the province sends and closes: 已转出."""
    for step in (out.pass_city_check, out.send_transfer_out, out.close_transfer_out):
        step(
            officer=officers["province"] if step is not out.pass_city_check else officers["taiyuan"],
            application=application,
            now=DURING,
        )


def test_a_closed_record_refuses_every_business(window, candidate, officers, frozen):
    application = confirmed(candidate)
    close_record(application, officers)
    closed = Candidate.objects.get(pk=candidate.pk)
    BusinessWindowFactory(kind=BusinessWindow.Kind.IN_PROVINCE_TRANSFER)
    assert out.check_out_eligibility(candidate=closed).refusal.code == "record_closed"
    assert in_province.check_eligibility(candidate=closed).refusal.code == "record_closed"
    with pytest.raises(theory.RegistrationError) as caught:
        theory.check_access(candidate=closed)
    assert caught.value.code == "record_closed"
    assert practical.eligibility(closed).message == Candidate.RECORD_CLOSED_MESSAGE
    assert not practical.eligibility(closed).eligible
    BusinessWindowFactory(kind=BusinessWindow.Kind.GRADUATION)
    assert graduation.check_eligibility(candidate=closed).refusal.code == "record_closed"
    BusinessWindowFactory(kind=BusinessWindow.Kind.EXEMPTION)
    assert exemptions.check_eligibility(candidate=closed).refusal.code == "record_closed"


def test_closing_the_record_cancels_the_orders_left_unpaid(window, candidate, officers, frozen):
    from django.utils import timezone

    from payments import services as payments
    from payments.models import Order

    unpaid = payments.create_order(
        candidate=candidate, kind=Order.Kind.GRADUATION, title="毕业申请费", purpose=("test.unpaid", "1"),
        lines=[("毕业申请费", 4000)], expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    application = confirmed(candidate)
    out.pass_city_check(officer=officers["taiyuan"], application=application, now=DURING)
    out.send_transfer_out(officer=officers["province"], application=application, now=DURING)
    unpaid.refresh_from_db()
    assert unpaid.status == Order.Status.PENDING  # only 已转出 closes the record
    out.close_transfer_out(officer=officers["province"], application=application, now=DURING)
    unpaid.refresh_from_db()
    assert unpaid.status == Order.Status.CANCELED
    cancel = AuditEvent.objects.get(action="order_cancel", object_id=str(unpaid.pk))
    assert cancel.actor == officers["province"] and "考籍已转出" in cancel.reason


# --------------------------------------------------------------------------- lapse


def test_unconfirmed_applications_lapse_when_the_window_closes_and_the_candidate_is_told(
    window, candidate, officers
):
    unconfirmed, _ = submit(candidate)
    other = eligible_candidate()
    waiting = confirmed(other)
    assert out.lapse_unconfirmed(now=CLOSES - datetime.timedelta(seconds=1)) == 0
    assert out.lapse_unconfirmed(now=AFTER) == 1
    assert out.lapse_unconfirmed(now=AFTER) == 0  # safe to run twice
    unconfirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert unconfirmed.status == Status.LAPSED and unconfirmed.lapsed_at == AFTER
    assert waiting.status == Status.PENDING_CITY
    message = CandidateMessage.objects.filter(candidate=candidate).first()
    assert message.title == "省际转出申请已失效" and "未完成网上确认" in message.body
    assert AuditEvent.objects.get(action="transfer_out_lapse").actor_label == "system:transfer-out-lapse"


def test_the_task_and_the_command_lapse_the_same_applications(window, candidate, time_machine):
    from django.core.management import call_command

    from transfers.tasks import lapse_transfer_out_applications

    submit(candidate)
    time_machine.move_to(AFTER)
    out_text = __import__("io").StringIO()
    call_command("lapse_transfers_out", "--dry-run", stdout=out_text)
    assert "将有 1 份" in out_text.getvalue()
    assert TransferOut.objects.get().status == Status.UNCONFIRMED
    assert lapse_transfer_out_applications() == 1
    assert TransferOut.objects.get().status == Status.LAPSED


def test_reading_an_unconfirmed_application_after_the_close_lapses_it_without_a_scheduler(window, candidate):
    application, _ = submit(candidate)
    assert out.lapse_if_due(application, now=AFTER).status == Status.LAPSED
    # A lapsed application does not block a new one in a later window.
    later = out_window(
        opens_at=AFTER + datetime.timedelta(days=30), closes_at=AFTER + datetime.timedelta(days=40)
    )
    again, created = submit(candidate, now=later.opens_at + datetime.timedelta(hours=1))
    assert created and again.window == later


def test_exemption_only_courses_never_transfer(window):
    candidate = CandidateFactory(approved=True, county=county("140106"), major=eligible_candidate().major)
    pass_courses(candidate, ("03708",))
    pass_courses(candidate, ("00015", "00054"), source="exemption")
    application, _ = submit(candidate)
    assert [row["code"] for row in application.courses] == ["03708"]
    assert PassedCourse.objects.filter(candidate=candidate, source="exemption").count() == 2
    assert course("00015").name not in str(application.courses)


def test_the_centre_says_the_record_is_closed_on_the_next_page(client, window, candidate, officers, frozen, settings):
    settings.SIGNED_IN_USER_CACHE_SECONDS = 120  # the signed-in user is cached, as with Redis
    client.force_login(candidate.user)
    assert "record-closed" not in client.get(reverse("center")).content.decode()  # the user is cached now
    application = confirmed(candidate)
    close_record(application, officers)
    assert Candidate.RECORD_CLOSED_MESSAGE in client.get(reverse("center")).content.decode()
