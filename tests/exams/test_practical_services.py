"""实践性环节报名: eligibility from the ledger, submission rules at the window's edges, the order,
the payment signals and the 主考院校's decisions."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from exams import practical
from exams.practical_models import PracticalRegistration
from payments import services as payments
from payments.models import Order
from payments.providers import get_provider
from tests.catalogue import course
from tests.exams.practical_setup import (
    CLOSES,
    INSIDE,
    OPENS,
    WRITTEN_PASSES,
    institution_officer,
    make_candidate,
    make_world,
)
from tests.factories import CandidateFactory, OfficerFactory, county
from zikao.audit import events_of

pytestmark = pytest.mark.django_db
Status = PracticalRegistration.Status


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def eligible(world):
    return make_candidate(world["major"])


def submit(candidate, world, *, codes=("06999", "07998"), institution="sxu", now=INSIDE, **overrides):
    args = {
        "candidate": candidate, "institution_id": world[institution].pk,
        "course_ids": [course(code).pk for code in codes], "recipient": "张伟",
        "address": "太原市小店区坞城路92号", "phone": "13912345678", "now": now,
    }
    args.update(overrides)
    return practical.submit_practical_registration(**args)


def pay(order):
    payment = payments.start_payment(order=order, provider=get_provider("demo"), actor=order.candidate.user)
    payments.confirm_payment(payment=payment, actor=order.candidate.user, money_received=False)


# --------------------------------------------------------------------------- eligibility


def test_eligible_when_every_written_course_is_passed_exempted_or_substituted(eligible):
    result = practical.eligibility(eligible)
    assert result.eligible and result.missing == []
    assert [pc.course.code for pc in result.offered] == ["07998", "06999"]


def test_one_course_short_the_message_names_it(world):
    candidate = make_candidate(world["major"], passes=[c for c in WRITTEN_PASSES if c != "03709"])
    result = practical.eligibility(candidate)
    assert not result.eligible
    assert [pc.course.code for pc in result.missing] == ["03709"]
    assert "1 门" in result.message and "03709 马克思主义基本原理概论" in result.message


def test_without_the_substitute_english_is_missing_and_an_empty_elective_group_lists_both(world):
    candidate = make_candidate(world["major"], passes=["03708", "03709", "00054"], substitute=False)
    missing = [pc.course.code for pc in practical.eligibility(candidate).missing]
    assert missing == ["00015", "00067", "00149"]


def test_no_major_is_a_reason(world):
    candidate = CandidateFactory(approved=True)
    assert "尚未选择报考专业" in practical.eligibility(candidate).message


def test_practical_courses_already_passed_are_not_offered(world, eligible):
    from records.services import add_passed_course
    add_passed_course(candidate=eligible, course=course("07998"), source="exemption", actor_label="test")
    assert [pc.course.code for pc in practical.eligibility(eligible).offered] == ["06999"]


def test_institutions_on_offer_register_on_the_platform_and_have_a_fee(world):
    assert [i.name for i in practical.institutions()] == ["山西大学", "山西师范大学"]


# --------------------------------------------------------------------------- submission


def test_submit_creates_registration_items_and_order_at_the_institutions_fee(world, eligible):
    registration, order = submit(eligible, world)
    assert registration.status == Status.SUBMITTED and not registration.paid
    assert registration.total_fen == 16000
    assert sorted(i.course.code for i in registration.items.all()) == ["06999", "07998"]
    assert order.kind == Order.Kind.PRACTICAL_REGISTRATION and order.total_fen == 16000
    assert order.expires_at == CLOSES and order.status == Order.Status.PENDING
    assert [line.amount_fen for line in order.lines.all()] == [8000, 8000]
    assert [e.action for e in events_of(registration)] == ["practical_submit"]
    assert registration.state_text == "已提交，待缴费"


def test_another_institution_charges_its_own_fee(world, eligible):
    registration, order = submit(eligible, world, codes=["06999"], institution="sxnu")
    assert order.total_fen == registration.total_fen == 6000


@pytest.mark.parametrize(("moment", "opens"), [
    (OPENS - datetime.timedelta(seconds=1), False), (OPENS, True),
    (CLOSES - datetime.timedelta(seconds=1), True), (CLOSES, False),
])
def test_window_edges(world, eligible, moment, opens):
    with time_machine.travel(moment, tick=False):
        if opens:
            registration, _ = submit(eligible, world, now=None)
            assert registration.window == world["window"]
        else:
            with pytest.raises(practical.PracticalError) as error:
                submit(eligible, world, now=None)
            assert error.value.code == "window_closed"
            assert "逾期不予补报" in error.value.message
    assert PracticalRegistration.objects.exists() is opens


@pytest.mark.parametrize(("overrides", "code"), [
    ({"institution": "police"}, "bad_institution"),
    ({"codes": []}, "no_courses"),
    ({"codes": ["00015"]}, "bad_course"),
    ({"recipient": "  "}, "no_address"),
    ({"address": ""}, "no_address"),
    ({"phone": "12345"}, "bad_phone"),
])
def test_bad_input_is_refused_and_nothing_is_written(world, eligible, overrides, code):
    with pytest.raises(practical.PracticalError) as error:
        submit(eligible, world, **overrides)
    assert error.value.code == code
    assert not PracticalRegistration.objects.exists() and not Order.objects.exists()


def test_an_ineligible_candidate_is_refused_with_the_missing_courses(world):
    candidate = make_candidate(world["major"], passes=["03708", "03709", "00067"])
    with pytest.raises(practical.PracticalError) as error:
        submit(candidate, world)
    assert error.value.code == "not_eligible" and "00054 管理学原理" in error.value.message


def test_an_unapproved_candidate_is_refused(world):
    candidate = make_candidate(world["major"])
    candidate.identity_status = candidate.IdentityStatus.NEEDS_REVIEW
    candidate.save()
    with pytest.raises(practical.PracticalError) as error:
        submit(candidate, world)
    assert error.value.code == "not_approved"


def test_one_registration_per_window_also_in_the_database(world, eligible):
    first, _ = submit(eligible, world)
    with pytest.raises(practical.PracticalError) as error:
        submit(eligible, world)
    assert error.value.code == "already_registered"
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticalRegistration.objects.create(
            candidate=eligible, window=first.window, institution=first.institution, major=first.major,
            recipient="x", address="y", phone="13900000000", total_fen=1,
        )


# --------------------------------------------------------------------------- payment


def test_paid_order_marks_the_registration_paid(world, eligible):
    registration, order = submit(eligible, world)
    pay(order)
    registration.refresh_from_db()
    assert registration.paid and registration.status == Status.SUBMITTED
    assert registration.state_text == "已提交，已缴费，等待院校确认"
    assert [e.action for e in events_of(registration)] == ["practical_submit", "practical_paid"]


def test_an_unpaid_order_expires_and_the_registration_fails_then_may_be_made_again(world, eligible):
    registration, order = submit(eligible, world)
    payments.expire_orders(now=CLOSES)
    registration.refresh_from_db()
    assert registration.status == Status.VOID and registration.remark == "逾期未缴费，报名失败"
    assert eligible.messages.filter(title="实践性环节报名失败").exists()
    # Void frees the window's place (here, another window-day; the rule is the database's).
    again, _ = submit(eligible, world, now=CLOSES - datetime.timedelta(hours=1))
    assert again.pk != registration.pk


# --------------------------------------------------------------------------- 主考院校 decisions


@pytest.fixture
def paid(world, eligible):
    registration, order = submit(eligible, world)
    pay(order)
    registration.refresh_from_db()
    return registration


def test_institution_accepts_a_paid_registration(world, paid):
    officer = institution_officer(world["sxu"])
    practical.accept_practical(officer=officer, registration=paid)
    paid.refresh_from_db()
    assert paid.status == Status.ACCEPTED and paid.decided_by == officer
    event = list(events_of(paid))[-1]
    assert (event.action, event.from_state, event.to_state, event.actor_id) == (
        "practical_accept", "submitted", "accepted", officer.pk
    )
    assert paid.candidate.messages.filter(title="实践性环节报名已由院校确认").exists()


def test_onsite_then_accept_or_void(world, paid, eligible):
    officer = institution_officer(world["sxu"])
    with pytest.raises(practical.PracticalError) as error:
        practical.require_onsite(officer=officer, registration=paid, remark=" ")
    assert error.value.code == "no_remark"
    practical.require_onsite(officer=officer, registration=paid, remark="请携带成绩单")
    paid.refresh_from_db()
    assert paid.status == Status.ONSITE and paid.state_text == "待线下确认（请携带成绩单）"
    with pytest.raises(practical.PracticalError) as error:
        practical.require_onsite(officer=officer, registration=paid, remark="again")
    assert error.value.code == "bad_state"
    practical.void_practical(officer=officer, registration=paid)
    paid.refresh_from_db()
    assert paid.status == Status.VOID and paid.remark == "未到主考院校现场确认"
    with pytest.raises(practical.PracticalError) as error:
        practical.accept_practical(officer=officer, registration=paid)
    assert error.value.code == "bad_state"


def test_onsite_then_confirmed_in_person(world, paid):
    officer = institution_officer(world["sxu"])
    practical.require_onsite(officer=officer, registration=paid, remark="系统判定不符合条件")
    practical.accept_practical(officer=officer, registration=paid)
    paid.refresh_from_db()
    assert paid.status == Status.ACCEPTED
    assert [e.action for e in events_of(paid)][-2:] == ["practical_onsite", "practical_accept"]


def test_void_only_after_onsite(world, paid):
    with pytest.raises(practical.PracticalError) as error:
        practical.void_practical(officer=institution_officer(world["sxu"]), registration=paid)
    assert error.value.code == "bad_state"


def test_unpaid_registrations_cannot_be_decided(world, eligible):
    registration, _ = submit(eligible, world)
    with pytest.raises(practical.PracticalError) as error:
        practical.accept_practical(officer=institution_officer(world["sxu"]), registration=registration)
    assert error.value.code == "not_paid"


def test_other_institutions_and_offices_cannot_decide(world, paid):
    others = [
        institution_officer(world["sxnu"], username="sxnu"),
        OfficerFactory(scope__level="province"),
        OfficerFactory(scope__level="county", scope__county=county("140105")),
    ]
    for officer in others:
        with pytest.raises(practical.PracticalError) as error:
            practical.accept_practical(officer=officer, registration=paid)
        assert error.value.code == "not_in_scope"
    paid.refresh_from_db()
    assert paid.status == Status.SUBMITTED
