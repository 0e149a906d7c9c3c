"""Score publication under real concurrency, on PostgreSQL: one publication, ledger rows once, and
a reader racing the publication sees none of a sitting's scores or all of them.

Run with DATABASE_URL=postgres://…; skipped (with the reason) on SQLite, whose single writer
would make these tests prove nothing.
"""

import threading
from collections import Counter

import pytest
from django.test import Client

from candidates.models import CandidateMessage
from records import scores
from records.models import PassedCourse
from records.score_models import Score, ScorePublication
from tests.concurrency import run_together
from tests.factories import CandidateFactory
from tests.records.scores_support import give, past_sitting

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RESULTS = {"03708": 72, "03709": 55, "00015": 64, "00054": "缺考"}  # two passes each


def seat(count):
    sitting = past_sitting("202604")
    candidates = [CandidateFactory(approved=True) for _ in range(count)]
    for candidate in candidates:
        give(candidate, sitting, RESULTS)
    return sitting, candidates


def test_concurrent_publications_publish_once():
    sitting, candidates = seat(20)

    def attempt(i):
        if i % 2:
            return scores.publish_scores(sitting=sitting, actor_label=f"operator:{i}")
        return scores.publish_due_scores(actor_label=f"system:{i}")

    results = run_together(8, attempt)

    made = [r for r in results if isinstance(r, scores.Publication)] + [
        p for r in results if isinstance(r, list) for p in r
    ]
    refusals = [r.code for r in results if isinstance(r, scores.ScoreError)]
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, scores.ScoreError)]
    assert not unexpected, unexpected[:3]
    assert len(made) == 1 and set(refusals) <= {"already_published"}
    assert ScorePublication.objects.count() == 1
    assert PassedCourse.objects.count() == 2 * len(candidates)
    assert CandidateMessage.objects.count() == len(candidates)


def test_a_reader_racing_the_publication_sees_nothing_or_everything():
    sitting, candidates = seat(40)
    total = 4 * len(candidates)
    done = threading.Event()
    last = candidates[-1]  # its passes are written last: the widest window for a half-visible read

    def work(i):
        if i == 0:
            try:
                return scores.publish_scores(sitting=sitting, actor_label="operator:race")
            finally:
                done.set()
        seen = []
        while True:
            finished = done.is_set()
            published = Score.objects.filter(sitting=sitting, published=True).count()
            ledger = PassedCourse.objects.filter(sitting=sitting).count()
            own = Score.objects.filter(candidate=last, published=True).count()
            seen.append((published, own, ledger))
            if finished:
                return seen

    results = run_together(4, work)

    assert isinstance(results[0], scores.Publication), results[0]
    observations = [o for r in results[1:] for o in r]
    assert {published for published, _, _ in observations} <= {0, total}
    assert {own for _, own, _ in observations} <= {0, 4}
    # Whoever saw the scores published also saw every pass in the ledger (one transaction).
    assert all(ledger == 2 * len(candidates) for published, _, ledger in observations if published)
    assert observations[-1][0] == total


def test_requests_at_the_publication_minute_publish_once_and_never_show_half(settings):
    settings.SCORES_PUBLISH_AT_REQUEST = True
    sitting, candidates = seat(30)
    clients = []
    for candidate in candidates[:12]:
        client = Client(raise_request_exception=False)
        client.force_login(candidate.user)
        clients.append(client)

    responses = run_together(12, lambda i: clients[i].get("/records/scores/"))

    errors = [r for r in responses if isinstance(r, Exception)]
    assert not errors, errors[:3]
    assert Counter(r.status_code for r in responses) == {200: 12}
    shown = Counter(r.content.decode().count('class="course-code"') for r in responses)
    assert set(shown) <= {0, 4}, shown
    assert ScorePublication.objects.count() == 1
    assert PassedCourse.objects.count() == 2 * len(candidates)
    assert CandidateMessage.objects.count() == len(candidates)
