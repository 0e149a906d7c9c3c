"""毕业申请 exactly once under real concurrency, on PostgreSQL (row locks, the conditional unique
constraint, the certificate counter). Skipped with the reason without DATABASE_URL."""

from collections import Counter

import pytest
from django.db import connection

from records import graduation
from records.graduation_models import GraduationApplication
from tests.concurrency import run_together
from tests.factories import OfficerFactory, county
from tests.records.graduation_setup import graduate_ready, normalised_files, open_window, pay

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
Status = GraduationApplication.Status


@pytest.fixture(autouse=True)
def _runtime(private_storage, monkeypatch):
    # The face engine is not what races here; the photo checks have their own tests.
    monkeypatch.setattr(graduation, "check_photo", lambda photo: ([], False))
    return private_storage


def paid_application(candidate):
    photo, scan = normalised_files()
    application, order = graduation.submit_graduation(candidate=candidate, photo=photo, scan=scan)
    pay(order)
    application.refresh_from_db()
    return application


def test_twenty_concurrent_submits_make_one_application(private_storage):
    assert connection.vendor == "postgresql"
    open_window()
    candidate = graduate_ready()
    photo, scan = normalised_files()

    results = run_together(
        20, lambda i: graduation.submit_graduation(candidate=candidate, photo=photo, scan=scan)
    )

    created = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, graduation.GraduationError)]
    assert len(created) == 1 and len(refused) == 19, [r for r in results if not isinstance(r, tuple)][:3]
    assert {error.code for error in refused} == {"already_applied"}
    application = GraduationApplication.objects.get()
    assert application.candidate == candidate and application.attempt == 1
    assert len(list(private_storage.rglob("*.jpg"))) == 2  # the refused submits left no file behind


def test_two_officers_deciding_at_once_make_one_decision():
    open_window()
    candidate = graduate_ready()
    application = paid_application(candidate)
    first = OfficerFactory(scope__level="county", scope__county=county("140105"))
    second = OfficerFactory(scope__level="county", scope__county=county("140105"))

    def decide(index):
        if index == 0:
            return graduation.precheck_graduation(officer=first, application=application)
        return graduation.refuse_precheck(
            officer=second, application=application, remark="思想品德鉴定表未盖章"
        )

    results = run_together(2, decide)

    errors = [r for r in results if isinstance(r, graduation.GraduationError)]
    assert len(errors) == 1 and errors[0].code == "already_decided", results
    application.refresh_from_db()
    assert application.status in {Status.PENDING_PROVINCE, Status.REJECTED_BY_COUNTY}
    decisions = application.candidate.messages.filter(title__startswith="毕业申请：县区初审")
    assert decisions.count() == 1


def test_concurrent_approvals_get_distinct_certificate_numbers():
    open_window()
    province = OfficerFactory(scope__level="province")
    county_officer = OfficerFactory(scope__level="county", scope__county=county("140105"))
    applications = []
    for _ in range(8):
        application = paid_application(graduate_ready())
        graduation.precheck_graduation(officer=county_officer, application=application)
        applications.append(application)

    # Each approval twice at once, too: one of each pair is already_decided.
    results = run_together(
        16, lambda i: graduation.approve_graduation(officer=province, application=applications[i % 8])
    )

    outcomes = Counter(type(r).__name__ for r in results)
    assert outcomes == {"GraduationApplication": 8, "GraduationError": 8}, results
    numbers = sorted(GraduationApplication.objects.values_list("certificate_number", flat=True))
    assert len(set(numbers)) == 8
    sequences = sorted(int(number[-6:]) for number in numbers)
    assert sequences == list(range(1, 9))  # no gap, no repeat
