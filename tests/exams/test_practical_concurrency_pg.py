"""实践性环节报名 exactly once on PostgreSQL: concurrent submits, concurrent decisions.

Skipped (with the reason) on SQLite, whose single writer would make these tests prove nothing.
"""

from collections import Counter

import pytest

from exams import practical
from exams.practical_models import PracticalRegistration
from payments import services as payments
from payments.models import Order
from payments.providers import get_provider
from tests.catalogue import course
from tests.concurrency import run_together
from tests.exams.practical_setup import INSIDE, institution_officer, make_candidate, make_world
from zikao.audit import events_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _submit(candidate, world):
    return practical.submit_practical_registration(
        candidate=candidate, institution_id=world["sxu"].pk, course_ids=[course("06999").pk],
        recipient="张伟", address="太原市小店区坞城路92号", phone="13912345678", now=INSIDE,
    )


def test_twenty_concurrent_submits_make_one_registration_and_one_order():
    world = make_world()
    candidate = make_candidate(world["major"])
    results = run_together(20, lambda i: _submit(candidate, world))
    outcomes = Counter(
        "ok" if isinstance(r, tuple) else getattr(r, "code", repr(r)) for r in results
    )
    assert outcomes == {"ok": 1, "already_registered": 19}
    assert PracticalRegistration.objects.count() == 1
    assert Order.objects.filter(kind="practical_registration").count() == 1


def test_two_officers_accepting_at_once_make_one_decision():
    world = make_world()
    candidate = make_candidate(world["major"])
    registration, order = _submit(candidate, world)
    payment = payments.start_payment(order=order, provider=get_provider("demo"), actor=candidate.user)
    payments.confirm_payment(payment=payment, actor=candidate.user, money_received=False)
    officers = [institution_officer(world["sxu"], username=f"sxu{i}") for i in range(2)]

    results = run_together(2, lambda i: practical.accept_practical(officer=officers[i], registration=registration))
    errors = [r for r in results if isinstance(r, Exception)]
    assert [e.code for e in errors] == ["bad_state"]
    registration.refresh_from_db()
    assert registration.status == PracticalRegistration.Status.ACCEPTED
    assert [e.action for e in events_of(registration)].count("practical_accept") == 1
