"""50 concurrent saves of one candidate's registration: one registration, one order (PostgreSQL)."""

from collections import Counter

import pytest
import time_machine
from django.test import Client

from exams.models import CourseRegistration
from payments.models import Order
from tests.concurrency import run_together
from tests.exams.registration_fixtures import INSIDE, course_ids, make_registration_setup
from tests.factories import CandidateFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_concurrent_saves_make_one_registration_and_one_order():
    with time_machine.travel(INSIDE, tick=True):
        make_registration_setup()
        candidate = CandidateFactory(approved=True)
        data = {"action": "pay", "mobile": "13800000000", "mailing_address": "山西省太原市小店区长治路1号",
                "courses": course_ids("03708", "03709", "00015", "00149")}
        clients = []
        for _ in range(50):
            client = Client(raise_request_exception=False)
            client.force_login(candidate.user)
            clients.append(client)

        responses = run_together(50, lambda i: clients[i].post("/exams/register/", data))

    errors = [r for r in responses if isinstance(r, Exception)]
    assert not errors, errors[:3]
    assert Counter(r.status_code for r in responses) == {302: 50}
    registration = CourseRegistration.objects.get()
    order = Order.objects.get()
    assert registration.order_number == order.number and order.status == Order.Status.PENDING
    assert {r["Location"] for r in responses} == {f"/orders/{order.number}/pay/"}
    assert registration.items.count() == 4
