"""省际转出 exactly once on PostgreSQL: concurrent submits make one application, two officers
deciding the same step make one decision, and the lapse task beside a confirming candidate
leaves one outcome. Skipped (with the reason) without DATABASE_URL=postgres://…"""

import uuid
from collections import Counter

import pytest
from django.test import Client

from candidates.models import OfficerScope
from identity.intake import normalise
from tests.concurrency import run_together
from tests.factories import OfficerFactory, city
from tests.transfers.out_fixtures import confirmed, eligible_candidate, out_window, photo_bytes, signed_photo
from transfers import out
from transfers.out_models import TransferOut
from zikao.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
APPLY = "/transfers/out/apply/"


def open_window():
    from datetime import timedelta

    from django.utils import timezone

    return out_window(
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=5)
    )


def test_thirty_concurrent_submits_through_the_service_make_one_application():
    open_window()
    candidate = eligible_candidate()
    tokens = [uuid.uuid4() for _ in range(6)]

    def work(i):
        try:
            application, created = out.submit_transfer_out(
                candidate=candidate,
                target_province="13",
                target_ticket_number="130101123456",
                reason="工作调动",
                token=tokens[i % 6],
            )
            return ("created" if created else "same", application.pk)
        except out.TransferOutError as error:
            return (error.code, error.application.pk if error.application else None)

    results = run_together(30, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    kinds = Counter(kind for kind, _ in results)
    assert kinds["created"] == 1 and set(kinds) <= {"created", "same", "already_applied"}, kinds
    assert TransferOut.objects.count() == 1
    assert {pk for _, pk in results} == {TransferOut.objects.get().pk}
    assert AuditEvent.objects.filter(action="transfer_out_submit").count() == 1


def test_twenty_concurrent_posts_of_the_form_make_one_application():
    open_window()
    candidate = eligible_candidate()
    clients = []
    for _ in range(20):
        client = Client(raise_request_exception=False)
        client.force_login(candidate.user)
        clients.append(client)
    form = {"target_province": "13", "target_ticket_number": "130101123456", "reason": "工作调动"}
    responses = run_together(
        20, lambda i: clients[i].post(APPLY, {**form, "token": str(uuid.UUID(int=i % 3 + 1))})
    )
    assert not [r for r in responses if isinstance(r, Exception)], responses[:3]
    assert Counter(r.status_code for r in responses) == {302: 20}
    application = TransferOut.objects.get()
    assert {r["Location"] for r in responses} == {f"/transfers/out/{application.number}/"}


def test_two_city_officers_deciding_the_same_step_make_one_decision():
    open_window()
    candidate = eligible_candidate()
    application = confirmed(candidate, now=None)
    officers = [
        OfficerFactory(
            username=f"ty-race-{i}", scope__level=OfficerScope.Level.CITY, scope__city=city("1401")
        )
        for i in range(2)
    ]

    def work(i):
        try:
            if i == 0:
                out.pass_city_check(officer=officers[0], application=application)
            else:
                out.return_transfer_out(
                    officer=officers[1],
                    application=application,
                    reason="签字登记表照片不清晰",
                    expected_status=TransferOut.Status.PENDING_CITY,
                )
            return "decided"
        except out.TransferOutError as error:
            return error.code

    results = run_together(2, work)
    assert sorted(results) == ["already_decided", "decided"], results
    application.refresh_from_db()
    assert application.status in (TransferOut.Status.PENDING_PROVINCE, TransferOut.Status.RETURNED)
    decisions = AuditEvent.objects.filter(
        object_id=str(application.pk), action__in=["transfer_out_city_pass", "transfer_out_return"]
    )
    assert decisions.count() == 1


def test_ten_province_officers_closing_the_same_application_close_it_once():
    open_window()
    candidate = eligible_candidate()
    application = confirmed(candidate, now=None)
    city_officer = OfficerFactory(
        username="ty-close", scope__level=OfficerScope.Level.CITY, scope__city=city("1401")
    )
    province = [
        OfficerFactory(username=f"sx-close-{i}", scope__level=OfficerScope.Level.PROVINCE) for i in range(10)
    ]
    out.pass_city_check(officer=city_officer, application=application)
    out.send_transfer_out(officer=province[0], application=application)

    def work(i):
        try:
            out.close_transfer_out(officer=province[i], application=application)
            return "closed"
        except out.TransferOutError as error:
            return error.code

    results = run_together(10, work)
    assert Counter(results) == {"closed": 1, "already_decided": 9}, results
    assert AuditEvent.objects.filter(object_id=str(application.pk), action="transfer_out_close").count() == 1


def test_two_confirm_uploads_at_once_store_one_signed_form():
    open_window()
    candidate = eligible_candidate()
    application, _ = out.submit_transfer_out(
        candidate=candidate,
        target_province="13",
        target_ticket_number="130101123456",
        reason="工作调动",
        token=uuid.uuid4(),
    )
    photos = [signed_photo(), normalise(photo_bytes((800, 1000)))]

    def work(i):
        try:
            out.confirm_transfer_out(candidate=candidate, application=application, photo=photos[i])
            return "confirmed"
        except out.TransferOutError as error:
            return error.code

    results = run_together(2, work)
    assert sorted(results) == ["confirmed", "not_unconfirmed"], results
    assert AuditEvent.objects.filter(action="transfer_out_confirm").count() == 1
