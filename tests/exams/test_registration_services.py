"""理论课报名 rules and transitions, with the clock frozen inside and at the edges of the window."""

import datetime

import pytest
import time_machine

from exams import registration as reg
from exams.models import CourseRegistration
from payments import services as payments
from payments.models import Order
from payments.providers import get_provider
from records.models import PassedCourse
from tests.exams.registration_fixtures import CLOSES, INSIDE, OPENS, course_ids, make_registration_setup
from tests.factories import CandidateFactory
from zikao.audit import AuditAction, events_of

pytestmark = pytest.mark.django_db
ADDRESS = "山西省太原市小店区长治路1号"
Status = CourseRegistration.Status


@pytest.fixture
def setup():
    return make_registration_setup()


@pytest.fixture
def candidate(setup):
    return CandidateFactory(approved=True)


def save(candidate, *codes, now=INSIDE, mobile="13800000000", address=ADDRESS):
    return reg.save_registration(
        candidate=candidate, course_ids=course_ids(*codes), mobile=mobile, mailing_address=address, now=now
    )


def refused(code, func, *args, **kwargs):
    with pytest.raises(reg.RegistrationError) as info:
        func(*args, **kwargs)
    assert info.value.code == code, info.value.message
    return info.value


def test_saving_four_courses_creates_the_registration_and_its_order(candidate, setup):
    sitting, window = setup
    registration = save(candidate, "03708", "03709", "00015", "00149")
    assert registration.status == Status.AWAITING_PAYMENT and registration.fee_fen == 4 * 3500
    order = Order.objects.get(number=registration.order_number)
    assert order.total_fen == 14000 and order.expires_at == window.closes_at and order.kind == "theory_registration"
    assert [line.course_code for line in order.lines.all()] == ["03708", "03709", "00015", "00149"]
    assert {line.amount_fen for line in order.lines.all()} == {3500}
    assert [e.action for e in events_of(registration)] == [AuditAction.THEORY_REGISTRATION_SAVE]


def test_fee_is_the_setting(candidate, settings):
    settings.THEORY_FEE_FEN = 4000
    registration = save(candidate, "03708")
    assert Order.objects.get(number=registration.order_number).total_fen == 4000


@pytest.mark.parametrize("moment, code", [
    (OPENS - datetime.timedelta(seconds=1), "window_not_open"),
    (CLOSES, "window_closed"),
])
def test_refused_outside_the_window(candidate, moment, code):
    error = refused(code, save, candidate, "03708", now=moment)
    assert "理论课报名" in error.message
    assert not CourseRegistration.objects.exists()


@pytest.mark.parametrize("moment", [OPENS, CLOSES - datetime.timedelta(seconds=1)])
def test_accepted_at_the_window_edges(candidate, moment):
    with time_machine.travel(moment, tick=False):
        registration = save(candidate, "03708", now=moment)
    assert registration.status == Status.AWAITING_PAYMENT


def test_unapproved_candidate_refused(setup):
    candidate = CandidateFactory()
    refused("not_approved", save, candidate, "03708")


def test_no_course_and_five_courses_refused(candidate):
    refused("no_courses", save, candidate)
    error = refused("too_many_courses", save, candidate, "03708", "03709", "00015", "00149", "00054")
    assert "最多报考4门" in error.message


def test_two_courses_in_one_slot_refused_naming_both(candidate):
    error = refused("slot_clash", save, candidate, "00054", "00067")
    assert "00054 管理学原理" in error.message and "00067 财务管理学" in error.message
    assert not CourseRegistration.objects.exists() and not Order.objects.exists()


def test_passed_course_not_offered_and_refused(candidate, setup):
    sitting, _ = setup
    from tests.catalogue import course

    PassedCourse.objects.create(
        candidate=candidate, course=course("03708"), score=75, sitting=sitting, source=PassedCourse.Source.EXAM
    )
    offered = {e.course.code for e in reg.offered_entries(candidate=candidate, sitting=sitting)}
    assert "03708" not in offered and "03709" in offered
    refused("course_passed", save, candidate, "03708")


def test_course_not_on_timetable_refused(candidate):
    from tests.catalogue import course

    with pytest.raises(reg.RegistrationError) as info:
        reg.save_registration(
            candidate=candidate, course_ids=[course("07998").pk], mobile="13800000000",
            mailing_address=ADDRESS, now=INSIDE,
        )
    assert info.value.code == "course_not_offered"


@pytest.mark.parametrize("mobile, address, code", [
    ("", ADDRESS, "bad_mobile"), ("1380000", ADDRESS, "bad_mobile"), ("13800000000", "  ", "no_address"),
])
def test_contact_details_required(candidate, mobile, address, code):
    refused(code, save, candidate, "03708", mobile=mobile, address=address)


def test_saving_again_the_same_is_idempotent(candidate):
    first = save(candidate, "03708", "03709")
    second = save(candidate, "03709", "03708")
    assert first.pk == second.pk and first.order_number == second.order_number
    assert Order.objects.count() == 1


def test_change_before_payment_replaces_the_order(candidate):
    first = save(candidate, "03708", "03709")
    changed = save(candidate, "00015")
    assert changed.pk == first.pk and changed.order_number != first.order_number
    assert Order.objects.get(number=first.order_number).status == Order.Status.CANCELED
    assert Order.objects.get(number=changed.order_number).total_fen == 3500
    assert [i.course.code for i in changed.items.all()] == ["00015"]


def test_fixed_once_payment_started(candidate):
    registration = save(candidate, "03708")
    order = Order.objects.get(number=registration.order_number)
    with time_machine.travel(INSIDE, tick=False):
        payments.start_payment(order=order, provider=get_provider("demo"), actor=candidate.user, now=INSIDE)
    assert reg.is_fixed(registration)
    error = refused("payment_started", save, candidate, "00015")
    assert "已锁定" in error.message
    assert Order.objects.get(number=registration.order_number).status == Order.Status.PENDING


def test_paid_order_makes_registration_paid_and_messages_once(candidate):
    registration = save(candidate, "03708", "03709")
    order = Order.objects.get(number=registration.order_number)
    with time_machine.travel(INSIDE, tick=False):
        payment = payments.start_payment(order=order, provider=get_provider("demo"), actor=candidate.user)
        payments.confirm_payment(payment=payment, actor=candidate.user, money_received=False)
        payments.confirm_payment(payment=payment, actor=candidate.user, money_received=False)
    registration.refresh_from_db()
    assert registration.status == Status.PAID and registration.paid_at is not None
    assert candidate.messages.filter(title__contains="理论课报名成功").count() == 1
    error = refused("registration_paid", save, candidate, "00015")
    assert "已支付成功" in error.message
    assert [e.action for e in events_of(registration)][-1] == AuditAction.THEORY_REGISTRATION_PAID


def test_unpaid_order_at_window_close_fails_the_registration(candidate):
    registration = save(candidate, "03708")
    assert payments.expire_orders(now=CLOSES - datetime.timedelta(seconds=1)) == 0
    assert payments.expire_orders(now=CLOSES) == 1
    assert payments.expire_orders(now=CLOSES) == 0
    registration.refresh_from_db()
    assert registration.status == Status.FAILED
    assert candidate.messages.filter(title__contains="理论课报名失败").count() == 1
    # Failed is no longer live: it does not block (or count as) a registration of the sitting.
    assert reg.live_registration(candidate=candidate, sitting=registration.sitting) is None


def test_one_live_registration_per_candidate_and_sitting_is_a_database_rule(candidate, setup):
    from django.db import IntegrityError, transaction

    registration = save(candidate, "03708")
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseRegistration.objects.create(
            candidate=candidate, sitting=registration.sitting, window=registration.window, mobile="13800000000",
            mailing_address=ADDRESS,
        )


def test_other_order_kinds_are_ignored(candidate):
    registration = save(candidate, "03708")
    other = Order(kind=Order.Kind.GRADUATION, purpose_type="exams.courseregistration", purpose_id=str(registration.pk))
    reg.on_order_expired(sender=Order, order=other)
    registration.refresh_from_db()
    assert registration.status == Status.AWAITING_PAYMENT


def test_centre_read_after_the_deadline_shows_the_failure_without_a_scheduler(candidate):
    registration = save(candidate, "03708")
    assert reg.latest_registration(candidate, now=CLOSES - datetime.timedelta(seconds=1)).status == Status.AWAITING_PAYMENT
    assert reg.latest_registration(candidate, now=CLOSES).status == Status.FAILED
    assert Order.objects.get(number=registration.order_number).status == Order.Status.EXPIRED
