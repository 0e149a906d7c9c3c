"""Exactly once under real concurrency, on PostgreSQL (row locks and the conditional constraint).

Run with DATABASE_URL=postgres://…; skipped (with the reason) on SQLite, whose
single writer would make these tests prove nothing.
"""

import re
from collections import Counter

import pytest
from django.test import Client

from candidates.models import OfficerScope
from tests.concurrency import run_together
from tests.factories import BusinessWindowFactory, CandidateFactory, OfficerFactory, city, county
from transfers import services
from transfers.models import TransferApplication

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
APPLY = "/transfers/in-province/apply/"


def test_fifty_concurrent_submits_for_one_candidate_make_one_application():
    BusinessWindowFactory()
    candidate = CandidateFactory(approved=True, county=county("140105"))
    # A few tabs, each double-clicked many times: 5 forms (tokens) × 10 posts.
    setup = Client()
    setup.force_login(candidate.user)
    forms = []
    for _ in range(5):
        html = setup.get(APPLY).content.decode()
        forms.append({
            "token": re.search(r'name="token" value="([^"]+)"', html).group(1),
            "window": re.search(r'name="window" value="([^"]+)"', html).group(1),
            "to_city": "1402",
            "action": "confirm",
        })
    clients = []
    for _ in range(50):
        client = Client(raise_request_exception=False)
        client.force_login(candidate.user)
        clients.append(client)

    responses = run_together(50, lambda i: clients[i].post(APPLY, forms[i % 5]))

    errors = [r for r in responses if isinstance(r, Exception)]
    assert not errors, errors[:3]
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {302: 50}, statuses
    application = TransferApplication.objects.get()
    assert application.candidate == candidate and application.status == "pending_origin"
    assert {response["Location"] for response in responses} == {f"/transfers/{application.number}/"}
    assert str(application.idempotency_token) in {form["token"] for form in forms}


def test_fifty_concurrent_submits_through_the_service_make_one_application():
    import uuid

    BusinessWindowFactory()
    candidate = CandidateFactory(approved=True, county=county("140105"))
    tokens = [uuid.uuid4() for _ in range(10)]

    def work(i):
        try:
            application, created = services.submit_transfer(
                candidate=candidate, to_city=city("1402"), token=tokens[i % 10]
            )
            return ("created" if created else "same", application.number)
        except services.TransferError as error:
            return (error.code, error.application.number if error.application else None)

    results = run_together(50, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    kinds = Counter(kind for kind, _ in results)
    assert kinds["created"] == 1
    assert set(kinds) <= {"created", "same", "already_applied"}
    assert TransferApplication.objects.count() == 1
    assert {number for _, number in results} == {TransferApplication.objects.get().number}


def test_numbers_stay_unique_and_gapless_under_concurrent_submits_of_many_candidates():
    import uuid

    BusinessWindowFactory()
    candidates = [CandidateFactory(approved=True, county=county("140105")) for _ in range(30)]
    datong = city("1402")

    results = run_together(30, lambda i: services.submit_transfer(
        candidate=candidates[i], to_city=datong, token=uuid.uuid4()
    )[0].number)
    assert not [r for r in results if isinstance(r, Exception)], results
    sequences = sorted(int(number[-5:]) for number in results)
    assert sequences == list(range(1, 31))
    assert len({number[:12] for number in results}) == 1  # SNZK + one day


def test_two_officers_deciding_at_once_only_one_wins():
    BusinessWindowFactory()
    candidate = CandidateFactory(approved=True, county=county("140105"))
    import uuid

    application, _ = services.submit_transfer(candidate=candidate, to_city=city("1402"), token=uuid.uuid4())
    officers = [
        OfficerFactory(scope__level=OfficerScope.Level.CITY, scope__city=city("1401")) for _ in range(2)
    ]

    def work(i):
        try:
            if i == 0:
                services.release_transfer(officer=officers[0], application=application)
            else:
                services.refuse_release(officer=officers[1], application=application, remark="不同意")
            return "done"
        except services.TransferError as error:
            return error.code

    results = run_together(2, work)
    assert sorted(results) == ["already_decided", "done"], results
    application.refresh_from_db()
    assert application.status in ("pending_destination", "rejected_by_origin")
