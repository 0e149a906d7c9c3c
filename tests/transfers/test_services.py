"""Every rule and state change of the in-province transfer, at the service level."""

import datetime
import uuid

import pytest
from django.db import IntegrityError, transaction

from candidates.models import Candidate, CandidateMessage
from tests.factories import BusinessWindowFactory, CandidateFactory, city, county
from tests.transfers.conftest import CLOSES, DURING, OPENS, submit
from transfers import services
from transfers.models import TransferApplication
from zikao.models import AuditEvent

Status = TransferApplication.Status
pytestmark = pytest.mark.django_db
ONE_SECOND = datetime.timedelta(seconds=1)


def events(application):
    return list(
        AuditEvent.objects.filter(object_type="transfers.transferapplication", object_id=str(application.pk))
        .order_by("id")
        .values_list("action", "from_state", "to_state", "actor_label")
    )


# ----------------------------------------------------------------------------- eligibility


def test_approved_candidate_with_ticket_in_open_window_may_apply(window, candidate):
    eligibility = services.check_eligibility(candidate=candidate, now=DURING)
    assert eligibility.allowed
    assert eligibility.window == window


def test_unapproved_candidate_is_told_to_verify_identity(window):
    candidate = CandidateFactory(identity_status=Candidate.IdentityStatus.NEEDS_REVIEW)
    refusal = services.check_eligibility(candidate=candidate, now=DURING).refusal
    assert refusal.code == "not_approved"
    assert "身份验证尚未通过" in refusal.message


def test_candidate_without_ticket_number_cannot_apply(window):
    candidate = CandidateFactory(approved=True, ticket_number=None)
    refusal = services.check_eligibility(candidate=candidate, now=DURING).refusal
    assert refusal.code == "no_ticket_number"
    assert "准考证号" in refusal.message


def test_window_opens_exactly_at_opening_time(window, candidate):
    before = services.check_eligibility(candidate=candidate, now=OPENS - ONE_SECOND).refusal
    assert before.code == "window_not_open"
    assert "2026年03月01日 09:00" in before.message  # tells when to come back
    assert services.check_eligibility(candidate=candidate, now=OPENS).allowed


def test_window_is_closed_at_closing_time(window, candidate):
    assert services.check_eligibility(candidate=candidate, now=CLOSES - ONE_SECOND).allowed
    refusal = services.check_eligibility(candidate=candidate, now=CLOSES).refusal
    assert refusal.code == "window_closed"
    assert "2026年03月10日 17:00结束" in refusal.message


def test_window_edges_follow_the_frozen_server_clock(window, candidate):
    import time_machine

    with time_machine.travel(CLOSES - ONE_SECOND, tick=False):
        assert services.check_eligibility(candidate=candidate).allowed
    with time_machine.travel(CLOSES, tick=False):
        assert services.check_eligibility(candidate=candidate).refusal.code == "window_closed"


def test_no_window_ever_opened(candidate):
    refusal = services.check_eligibility(candidate=candidate, now=DURING).refusal
    assert refusal.code == "window_closed"
    assert "暂未开放" in refusal.message


def test_candidate_with_active_application_is_told_its_number(window, candidate, datong):
    application, _ = submit(candidate, datong)
    eligibility = services.check_eligibility(candidate=candidate, now=DURING)
    assert eligibility.refusal.code == "already_applied"
    assert eligibility.existing == application
    assert application.number in eligibility.refusal.message


def test_destination_must_differ_from_current_city(window, candidate):
    with pytest.raises(services.TransferError) as error:
        submit(candidate, city("1401"))
    assert error.value.code == "same_city"
    assert "太原市" in error.value.message
    assert not TransferApplication.objects.exists()


# ----------------------------------------------------------------------------- submit


def test_submit_creates_a_pending_application_with_a_readable_number(window, candidate, datong):
    application, created = submit(candidate, datong)
    assert created
    assert application.number == "SNZK2026030500001"
    assert application.status == Status.PENDING_ORIGIN
    assert application.remark_text == "待原属地市审核"
    assert (application.from_city.name, application.from_county.code, application.to_city.name) == (
        "太原市", "140105", "大同市",
    )
    assert application.window == window
    assert application.submitted_at == DURING
    assert events(application) == [("transfer_submit", "", "pending_origin", candidate.user.username)]
    message = CandidateMessage.objects.get(candidate=candidate)
    assert application.number in message.body
    assert message.link == f"/transfers/{application.number}/"


def test_numbers_follow_a_daily_sequence_in_shanghai_time(window, datong):
    first = CandidateFactory(approved=True)
    second = CandidateFactory(approved=True)
    third = CandidateFactory(approved=True)
    a, _ = submit(first, datong, now=DURING)
    b, _ = submit(second, datong, now=DURING + datetime.timedelta(hours=2))
    # 2026-03-05 16:30 UTC is already 2026-03-06 00:30 in Shanghai: a new day, a new sequence.
    c, _ = submit(third, datong, now=datetime.datetime(2026, 3, 5, 16, 30, tzinfo=datetime.UTC))
    assert [a.number, b.number, c.number] == ["SNZK2026030500001", "SNZK2026030500002", "SNZK2026030600001"]


def test_reposting_the_same_form_returns_the_existing_application(window, candidate, datong):
    token = uuid.uuid4()
    first, created_first = submit(candidate, datong, token=token)
    again, created_again = submit(candidate, datong, token=token)
    assert created_first and not created_again
    assert again == first
    assert TransferApplication.objects.count() == 1
    assert CandidateMessage.objects.filter(candidate=candidate).count() == 1


def test_second_form_in_the_same_window_is_refused_with_the_existing_number(window, candidate, datong):
    first, _ = submit(candidate, datong)
    with pytest.raises(services.TransferError) as error:
        submit(candidate, city("1404"))
    assert error.value.code == "already_applied"
    assert error.value.application == first
    assert TransferApplication.objects.count() == 1


def test_form_opened_before_closing_and_posted_after_is_refused(window, candidate, datong):
    with pytest.raises(services.TransferError) as error:
        submit(candidate, datong, now=CLOSES + ONE_SECOND, window_id=window.pk)
    assert error.value.code == "window_closed_since_opened"
    assert error.value.message == "本次省内转考申请已于2026年03月10日 17:00截止，您的申请未能提交。"
    assert not TransferApplication.objects.exists()


def test_form_posted_one_second_before_closing_is_accepted(window, candidate, datong):
    application, created = submit(candidate, datong, now=CLOSES - ONE_SECOND, window_id=window.pk)
    assert created and application.window == window


def test_service_refuses_an_unapproved_candidate_even_if_a_view_forgot(window, datong):
    candidate = CandidateFactory(identity_status=Candidate.IdentityStatus.REJECTED, ticket_number="010521100099")
    with pytest.raises(services.TransferError) as error:
        submit(candidate, datong)
    assert error.value.code == "not_approved"


def test_a_token_of_another_candidate_is_refused(window, candidate, datong):
    token = uuid.uuid4()
    submit(candidate, datong, token=token)
    with pytest.raises(services.TransferError) as error:
        submit(CandidateFactory(approved=True), datong, token=token)
    assert error.value.code == "bad_token"


def test_database_refuses_a_second_active_application_whatever_the_code_does(window, candidate, datong):
    first, _ = submit(candidate, datong)
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferApplication.objects.create(
            number="SNZK2026030599999", candidate=candidate, window=window, from_city=first.from_city,
            from_county=first.from_county, to_city=city("1404"), idempotency_token=uuid.uuid4(),
        )


def test_a_duplicate_the_database_refuses_leaves_nothing_of_itself(window, candidate, datong, monkeypatch):
    first, _ = submit(candidate, datong)
    # As if something had got past the candidate lock and the eligibility check.
    monkeypatch.setattr(services, "check_eligibility", lambda **kwargs: services.Eligibility(window, None, None))
    with pytest.raises(services.TransferError) as error:
        submit(candidate, city("1404"))
    assert error.value.code == "already_applied" and error.value.application == first
    assert TransferApplication.objects.count() == 1
    assert CandidateMessage.objects.filter(candidate=candidate).count() == 1
    assert [e[0] for e in events(first)] == ["transfer_submit"]
    monkeypatch.undo()
    services.withdraw_transfer(candidate=candidate, application=first, now=DURING)
    assert submit(candidate, city("1404"))[0].number == "SNZK2026030500002"  # no number was used up


# ----------------------------------------------------------------------------- withdraw


def test_withdraw_while_waiting_frees_the_candidate_to_apply_again(window, candidate, datong):
    application, _ = submit(candidate, datong)
    services.withdraw_transfer(candidate=candidate, application=application, now=DURING)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.remark_text == "已撤销"
    assert application.withdrawn_at == DURING
    assert events(application)[-1][:3] == ("transfer_withdraw", "pending_origin", "withdrawn")

    again, created = submit(candidate, city("1404"))
    assert created
    assert again.number == "SNZK2026030500002"
    assert services.check_eligibility(candidate=candidate, now=DURING).existing == again


def test_cannot_withdraw_after_the_original_city_released(window, candidate, datong, officers):
    application, _ = submit(candidate, datong)
    services.release_transfer(officer=officers["taiyuan"], application=application, now=DURING)
    with pytest.raises(services.TransferError) as error:
        services.withdraw_transfer(candidate=candidate, application=application, now=DURING)
    assert error.value.code == "cannot_withdraw"
    assert "待转入市审核" in error.value.message


def test_cannot_withdraw_after_the_window_closed(window, candidate, datong):
    application, _ = submit(candidate, datong)
    assert services.can_withdraw(application, now=CLOSES - ONE_SECOND)
    assert not services.can_withdraw(application, now=CLOSES)
    with pytest.raises(services.TransferError) as error:
        services.withdraw_transfer(candidate=candidate, application=application, now=CLOSES)
    assert error.value.code == "window_closed"
    application.refresh_from_db()
    assert application.status == Status.PENDING_ORIGIN


def test_cannot_withdraw_someone_elses_application(window, candidate, datong):
    application, _ = submit(candidate, datong)
    with pytest.raises(services.TransferError) as error:
        services.withdraw_transfer(candidate=CandidateFactory(approved=True), application=application, now=DURING)
    assert error.value.code == "not_owner"


# ----------------------------------------------------------------------------- review


@pytest.fixture
def application(window, candidate, datong):
    return submit(candidate, datong)[0]


def test_original_city_releases(application, officers, candidate):
    services.release_transfer(officer=officers["taiyuan"], application=application, now=DURING)
    application.refresh_from_db()
    assert application.status == Status.PENDING_DESTINATION
    assert application.remark_text == "待转入市审核"
    assert application.origin_decided_by == officers["taiyuan"]
    assert events(application)[-1] == ("transfer_release", "pending_origin", "pending_destination", "ty-officer")
    assert CandidateMessage.objects.filter(candidate=candidate, title="省内转考：原属地市已同意转出").exists()


@pytest.mark.parametrize("who", ["datong", "xiaodian", "province", "jinzhong"])
def test_only_the_original_city_may_release(application, officers, who):
    with pytest.raises(services.TransferError) as error:
        services.release_transfer(officer=officers[who], application=application)
    assert error.value.code == "out_of_scope"
    application.refresh_from_db()
    assert application.status == Status.PENDING_ORIGIN


def test_refusing_release_needs_a_remark(application, officers):
    for blank in ["", "   "]:
        with pytest.raises(services.TransferError) as error:
            services.refuse_release(officer=officers["taiyuan"], application=application, remark=blank)
        assert error.value.code == "remark_required"
    application.refresh_from_db()
    assert application.status == Status.PENDING_ORIGIN


def test_refused_release_shows_the_remark_and_frees_the_candidate(application, officers, candidate):
    services.refuse_release(
        officer=officers["taiyuan"], application=application, remark="考籍信息有误，请先到报名点更正", now=DURING
    )
    application.refresh_from_db()
    assert application.status == Status.REJECTED_BY_ORIGIN
    assert application.remark_text == "未通过：考籍信息有误，请先到报名点更正"
    assert events(application)[-1][:3] == ("transfer_refuse_release", "pending_origin", "rejected_by_origin")
    assert AuditEvent.objects.filter(action="transfer_refuse_release", reason="考籍信息有误，请先到报名点更正").exists()
    assert "考籍信息有误" in CandidateMessage.objects.get(candidate=candidate, title__contains="未同意转出").body
    assert services.check_eligibility(candidate=candidate, now=DURING).allowed


def test_second_officer_deciding_gets_a_clear_message(application, officers):
    second_taiyuan = type(officers["taiyuan"]).objects.get(pk=officers["taiyuan"].pk)
    services.release_transfer(officer=officers["taiyuan"], application=application)
    with pytest.raises(services.TransferError) as error:
        services.refuse_release(officer=second_taiyuan, application=application, remark="不同意")
    assert error.value.code == "already_decided"
    assert "已被处理" in error.value.message and "待转入市审核" in error.value.message


def test_receiving_city_accepts_and_the_county_changes_ticket_stays(application, officers, candidate):
    ticket = candidate.ticket_number
    services.release_transfer(officer=officers["taiyuan"], application=application)
    services.accept_transfer(
        officer=officers["datong"], application=application, to_county=county("140213"), now=DURING
    )
    application.refresh_from_db()
    candidate.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert application.remark_text == "已转入 大同市平城区"
    assert application.destination_decided_by == officers["datong"]
    assert candidate.county.code == "140213"
    assert candidate.ticket_number == ticket
    assert events(application)[-1] == ("transfer_accept", "pending_destination", "accepted", "dt-officer")
    assert AuditEvent.objects.filter(action="candidate_county_change", object_id=str(candidate.pk)).exists()
    assert "大同市平城区" in CandidateMessage.objects.get(candidate=candidate, title="省内转考：已转入").body
    # An accepted transfer is the one of this window.
    assert services.check_eligibility(candidate=candidate, now=DURING).refusal.code == "already_applied"


def test_receiving_city_must_choose_one_of_its_own_counties(application, officers, candidate):
    services.release_transfer(officer=officers["taiyuan"], application=application)
    with pytest.raises(services.TransferError) as error:
        services.accept_transfer(officer=officers["datong"], application=application, to_county=county("140106"))
    assert error.value.code == "county_not_in_city"
    candidate.refresh_from_db()
    assert candidate.county.code == "140105"


def test_receiving_city_cannot_decide_before_release(application, officers):
    with pytest.raises(services.TransferError) as error:
        services.accept_transfer(officer=officers["datong"], application=application, to_county=county("140213"))
    assert error.value.code == "already_decided"


@pytest.mark.parametrize("who", ["taiyuan", "jinzhong", "pingcheng", "province"])
def test_only_the_receiving_city_may_accept(application, officers, who):
    services.release_transfer(officer=officers["taiyuan"], application=application)
    with pytest.raises(services.TransferError) as error:
        services.accept_transfer(officer=officers[who], application=application, to_county=county("140213"))
    assert error.value.code == "out_of_scope"


def test_receiving_city_refuses_with_a_remark(application, officers, candidate):
    services.release_transfer(officer=officers["taiyuan"], application=application)
    with pytest.raises(services.TransferError) as error:
        services.refuse_acceptance(officer=officers["datong"], application=application, remark="")
    assert error.value.code == "remark_required"
    services.refuse_acceptance(officer=officers["datong"], application=application, remark="本市考位已满")
    application.refresh_from_db()
    candidate.refresh_from_db()
    assert application.status == Status.REJECTED_BY_DESTINATION
    assert application.remark_text == "未通过：本市考位已满"
    assert candidate.county.code == "140105"
    assert events(application)[-1][:3] == (
        "transfer_refuse_acceptance", "pending_destination", "rejected_by_destination",
    )


def test_a_remark_longer_than_200_characters_is_refused(application, officers):
    with pytest.raises(services.TransferError) as error:
        services.refuse_release(officer=officers["taiyuan"], application=application, remark="原" * 201)
    assert error.value.code == "remark_too_long"


def test_superuser_may_act_as_operator(application, candidate):
    from tests.factories import UserFactory

    root = UserFactory(is_staff=True, is_superuser=True)
    services.release_transfer(officer=root, application=application)
    services.accept_transfer(officer=root, application=application, to_county=county("140212"))
    candidate.refresh_from_db()
    assert candidate.county.full_name == "大同市新荣区"


def test_applications_of_different_windows_do_not_block_each_other(candidate, datong):
    old = BusinessWindowFactory(
        opens_at=OPENS - datetime.timedelta(days=200), closes_at=CLOSES - datetime.timedelta(days=200)
    )
    submit(candidate, datong, now=OPENS - datetime.timedelta(days=199))
    BusinessWindowFactory(opens_at=OPENS, closes_at=CLOSES)
    new, created = submit(candidate, city("1404"))
    assert created and new.window != old
