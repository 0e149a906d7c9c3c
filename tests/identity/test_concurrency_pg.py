"""Identity decisions under real concurrency, on PostgreSQL (row locks, the counter row, constraints).

Run with DATABASE_URL=postgres://…; skipped (with the reason) on SQLite, whose
single writer would make these tests prove nothing.
"""


import pytest

from candidates.models import OfficerScope
from identity import services
from identity.models import IdentitySubmission, TicketSequence
from tests.concurrency import run_together
from tests.factories import CandidateFactory, OfficerFactory, county
from tests.identity.helpers import photo_set
from zikao.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
Status = IdentitySubmission.Status


def in_review(candidate):
    return IdentitySubmission.objects.create(candidate=candidate, attempt=1, status=Status.NEEDS_REVIEW)


def test_twenty_concurrent_approvals_get_twenty_distinct_ticket_numbers():
    officer = OfficerFactory(scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105"))
    submissions = [in_review(CandidateFactory(county=county("140105"))) for _ in range(20)]
    assert not TicketSequence.objects.exists()  # the counter row itself is created under the race

    results = run_together(20, lambda i: services.approve_identity(submission=submissions[i], actor=officer))

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    tickets = [s.candidate.ticket_number for s in IdentitySubmission.objects.select_related("candidate")]
    assert len(tickets) == 20 and len(set(tickets)) == 20
    prefix = tickets[0][:7]
    assert all(t.startswith(prefix) and len(t) == 12 for t in tickets)
    assert sorted(int(t[7:]) for t in tickets) == list(range(1, 21))
    assert TicketSequence.objects.get().last_number == 20


def test_two_officers_deciding_one_submission_at_once_make_one_decision():
    submission = in_review(CandidateFactory(county=county("140105")))
    first = OfficerFactory(scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105"))
    second = OfficerFactory(scope__level=OfficerScope.Level.PROVINCE)

    def decide(index):
        if index == 0:
            return services.approve_identity(submission=submission, actor=first)
        return services.reject_identity(submission=submission, actor=second, reason_code="blurry")

    results = run_together(2, decide)

    done = [r for r in results if isinstance(r, IdentitySubmission)]
    refused = [r for r in results if isinstance(r, services.IdentityError)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "您的操作没有执行" in refused[0].message
    assert AuditEvent.objects.filter(action__in=["identity_approved", "identity_rejected"]).count() == 1
    submission.refresh_from_db()
    assert submission.status == done[0].status


def test_concurrent_uploads_by_one_candidate_make_one_submission(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    candidate = CandidateFactory()
    photos = photo_set()

    results = run_together(8, lambda i: services.submit_photos(candidate=candidate, photos=photos))

    made = [r for r in results if isinstance(r, IdentitySubmission)]
    refused = [r for r in results if isinstance(r, services.IdentityError)]
    assert len(made) == 1 and len(refused) == 7, results
    assert IdentitySubmission.objects.count() == 1
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 3  # refused uploads left no files
