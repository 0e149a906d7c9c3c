"""免考申请 exactly once under real concurrency, on PostgreSQL (row locks and the conditional
unique constraint). Skipped (with the reason) without DATABASE_URL=postgres://…"""

import re
from collections import Counter

import pytest
from django.test import Client

from records import exemptions
from records.exemption_models import ExemptionApplication, ExemptionItem
from records.models import PassedCourse
from tests.concurrency import run_together
from tests.factories import OfficerFactory, county
from tests.records.exemption_setup import (
    answers,
    eligible_candidate,
    exemption_window,
    make_rules,
    officers,
    photo,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_storage")]
Status = ExemptionApplication.Status


@pytest.fixture
def world():
    window = exemption_window()
    candidate = eligible_candidate()
    cet4, _xueli = make_rules()
    return {"window": window, "candidate": candidate, "cet4": cet4}


def _drafts(candidate, rule, count):
    """``count`` drafts of one candidate, as if filled in ``count`` tabs (save_draft keeps only the
    latest, so the others are copied from it the way an older tab's draft would still exist)."""
    first = exemptions.save_draft(candidate=candidate, answers=answers(rule, "00015"), photos=[photo()])
    drafts = [first]
    for _ in range(count - 1):
        copy = ExemptionApplication.objects.create(
            candidate=candidate, window=first.window, county=first.county, rule=rule,
            certificate_number=first.certificate_number, issuer=first.issuer, issued_on=first.issued_on,
        )
        item = first.items.get()
        ExemptionItem.objects.create(application=copy, course=item.course, plan_credits=item.plan_credits)
        drafts.append(copy)
    return drafts


def test_forty_concurrent_confirms_of_many_drafts_make_one_application(world):
    candidate = world["candidate"]
    drafts = _drafts(candidate, world["cet4"], 8)

    def work(i):
        try:
            application, created = exemptions.submit_exemption(candidate=candidate, draft=drafts[i % 8])
            return ("created" if created else "same", application.pk)
        except exemptions.ExemptionError as error:
            return (error.code, error.application.pk if error.application else None)

    results = run_together(40, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    kinds = Counter(kind for kind, _ in results)
    assert kinds["created"] == 1, kinds
    assert set(kinds) <= {"created", "same", "already_applied"}, kinds
    active = ExemptionApplication.objects.filter(status__in=ExemptionApplication.ACTIVE_STATUSES)
    assert active.count() == 1
    assert {pk for _, pk in results} == {active.get().pk}


def test_concurrent_confirm_posts_through_the_page_make_one_application(world):
    candidate = world["candidate"]
    drafts = _drafts(candidate, world["cet4"], 4)
    clients = []
    for _ in range(20):
        client = Client(raise_request_exception=False)
        client.force_login(candidate.user)
        clients.append(client)
    responses = run_together(20, lambda i: clients[i].post(f"/records/exemptions/apply/{drafts[i % 4].pk}/",
                                                         {"action": "confirm"}))
    assert not [r for r in responses if isinstance(r, Exception)], responses[:3]
    assert Counter(r.status_code for r in responses) == {302: 20}
    assert {r["Location"] for r in responses} == {"/records/exemptions/"}
    assert ExemptionApplication.objects.filter(status=Status.PENDING_COUNTY).count() == 1


def test_two_officers_deciding_the_same_step_at_once_make_one_decision(world):
    candidate = world["candidate"]
    draft = exemptions.save_draft(candidate=candidate, answers=answers(world["cet4"], "00015"), photos=[photo()])
    application, _ = exemptions.submit_exemption(candidate=candidate, draft=draft)
    first = officers()["county"]
    second = OfficerFactory(scope__level="county", scope__county=county("140105"))
    item = application.items.get()

    def work(i):
        try:
            if i == 0:
                exemptions.approve_all(officer=first, application=application, expected_status=Status.PENDING_COUNTY)
            else:
                exemptions.decide_step(officer=second, application=application, expected_status=Status.PENDING_COUNTY,
                                       verdicts={item.pk: (False, "证书照片不清晰，无法核对")})
            return "done"
        except exemptions.ExemptionError as error:
            return error.code

    assert sorted(run_together(2, work)) == ["already_decided", "done"]
    application.refresh_from_db()
    assert application.status in (Status.PENDING_CITY, Status.DECIDED)
    from zikao.models import AuditEvent

    assert AuditEvent.objects.filter(action="exemption_decide_county").count() == 1


def test_two_province_officers_at_once_write_the_ledger_once(world):
    candidate = world["candidate"]
    draft = exemptions.save_draft(candidate=candidate, answers=answers(world["cet4"], "00015"), photos=[photo()])
    application, _ = exemptions.submit_exemption(candidate=candidate, draft=draft)
    staff = officers()
    exemptions.approve_all(officer=staff["county"], application=application)
    exemptions.approve_all(officer=staff["city"], application=application)
    provinces = [staff["province"], OfficerFactory(scope__level="province")]

    def work(i):
        try:
            exemptions.approve_all(officer=provinces[i], application=application,
                                   expected_status=Status.PENDING_PROVINCE)
            return "done"
        except exemptions.ExemptionError as error:
            return error.code

    assert sorted(run_together(2, work)) == ["already_decided", "done"]
    assert PassedCourse.objects.filter(candidate=candidate, course__code="00015", source="exemption").count() == 1


def test_page_flow_on_postgres(world):
    """The whole candidate flow once on PostgreSQL (the conditional constraint's SQL included)."""
    client = Client()
    client.force_login(world["candidate"].user)
    page = client.get("/records/exemptions/apply/?basis=CET4").content.decode()
    assert re.search(r'name="courses" value="\d+"', page)
