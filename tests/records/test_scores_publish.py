import datetime

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.models import CandidateMessage
from records import scores
from records.models import PassedCourse
from records.score_models import Score, ScorePublication
from records.services import add_passed_course
from tests.catalogue import course
from tests.factories import CandidateFactory
from tests.records.scores_support import give, past_sitting, run_command
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting():
    return past_sitting("202604")


@pytest.fixture
def wang(sitting):
    candidate = CandidateFactory(approved=True, name="王芳")
    give(candidate, sitting, {"03708": 72, "03709": "缺考", "00015": 59.5, "00054": 60})
    return candidate


@pytest.fixture
def li(sitting):
    candidate = CandidateFactory(approved=True, name="李娜")
    give(candidate, sitting, {"03708": "违纪", "00012": 88})
    return candidate


def test_publish_makes_scores_visible_fills_the_ledger_and_tells_candidates(sitting, wang, li):
    out, _ = run_command("publish_scores", "202604")
    assert "已发布2026年4月考次成绩：6 条，涉及考生 2 人；新记入合格成绩 3 门" in out
    assert not Score.objects.filter(published=False).exists()
    ledger = {(e.candidate.name, e.course.code, e.score) for e in PassedCourse.objects.select_related("candidate", "course")}
    assert ledger == {("王芳", "03708", 72), ("王芳", "00054", 60), ("李娜", "00012", 88)}
    assert all(e.source == "exam" and e.sitting == sitting for e in PassedCourse.objects.all())
    for candidate in (wang, li):
        message = CandidateMessage.objects.get(candidate=candidate)
        assert message.title == "2026年4月考次成绩已发布" and message.link == "/records/scores/"
    publication = ScorePublication.objects.get(sitting=sitting)
    assert (publication.score_count, publication.passed_count) == (6, 3)
    assert AuditEvent.objects.filter(action="scores_publish", object_id=str(sitting.pk)).count() == 1


def test_publishing_twice_is_refused_and_changes_nothing(sitting, wang):
    scores.publish_scores(sitting=sitting, actor_label="test")
    with pytest.raises(scores.ScoreError) as refused:
        scores.publish_scores(sitting=sitting, actor_label="test")
    assert refused.value.code == "already_published"
    assert scores.publish_due_scores() == []
    assert PassedCourse.objects.count() == 2 and CandidateMessage.objects.count() == 1


def test_not_before_its_time_unless_early_and_never_empty(wang):
    later = past_sitting("202610", publish_in=datetime.timedelta(days=3))
    with pytest.raises(scores.ScoreError) as refused:
        scores.publish_scores(sitting=later, actor_label="test")
    assert refused.value.code == "not_due"
    give(wang, later, {"00149": 80})
    with pytest.raises(CommandError, match="尚未到时间"):
        run_command("publish_scores", "202610")
    assert [p.sitting.code for p in scores.publish_due_scores()] == ["202604"]  # 202610 is not due yet
    run_command("publish_scores", "202610", "--early")
    assert Score.objects.get(sitting=later).published
    empty = past_sitting("202510")
    with pytest.raises(scores.ScoreError) as refused:
        scores.publish_scores(sitting=empty, actor_label="test")
    assert refused.value.code == "no_scores"


def test_a_course_already_passed_another_way_keeps_its_first_pass(sitting, wang):
    add_passed_course(candidate=wang, course=course("03708"), source="exemption")
    done = scores.publish_scores(sitting=sitting, actor_label="test")
    assert (done.passed, done.already_in_ledger) == (1, 1)
    assert PassedCourse.objects.get(candidate=wang, course__code="03708").source == "exemption"


def publish_counting_statements(sitting, candidates):
    for index in range(candidates):
        give(CandidateFactory(approved=True), sitting, {"03708": 60 + index % 40, "00054": 45, "00012": 90})
    with CaptureQueriesContext(connection) as captured:
        done = scores.publish_scores(sitting=sitting, actor_label="system:test")
    return done, len(captured)


def test_a_publication_costs_the_same_statements_for_3_or_30_candidates(sitting):
    """The ledger is filled in batches (records.services.add_exam_passes), not a statement or six per pass."""
    small, small_statements = publish_counting_statements(sitting, 3)
    large, large_statements = publish_counting_statements(past_sitting("202610"), 30)
    assert (small.passed, large.passed) == (6, 60)
    assert small_statements == large_statements
    events = AuditEvent.objects.filter(action="passed_course_add", actor_label="system:test")
    assert events.count() == 66  # one audit event per new ledger entry, as one by one
    entry = PassedCourse.objects.filter(course__code="03708").order_by("pk").last()
    event = events.get(object_id=str(entry.pk))
    assert event.data == {"course": "03708", "score": str(entry.score), "sitting": "202610"}
    assert event.to_state == "exam"


def test_a_publication_larger_than_a_batch_puts_every_pass_in_the_ledger_once(sitting, monkeypatch):
    from records import services

    monkeypatch.setattr(services, "LEDGER_BATCH", 4)
    wang = CandidateFactory(approved=True)
    give(wang, sitting, {"00054": 61})
    add_passed_course(candidate=wang, course=course("03708"), source="exemption")
    add_passed_course(candidate=wang, course=course("00054"), source="exam", score=61, sitting=sitting)
    give(wang, sitting, {"03708": 75})
    done, _ = publish_counting_statements(sitting, 9)  # 10 candidates: batches of 4, 4 and 2
    # 9 x 2 new passes, 王's 00054 already in the ledger with these facts (a re-run counts it),
    # 王's 03708 exempted before (left as it is).
    assert (done.passed, done.already_in_ledger) == (19, 1)
    assert PassedCourse.objects.count() == 20
    assert PassedCourse.objects.get(candidate=wang, course__code="03708").source == "exemption"


def test_the_ledger_rows_are_written_in_the_publication_transaction(sitting, wang, monkeypatch):
    """A failure after the ledger rows (the messages) undoes the ledger rows and the publication."""

    def broken(**kwargs):
        raise RuntimeError("message store down")

    monkeypatch.setattr(scores, "send_candidate_messages", broken)
    with pytest.raises(RuntimeError):
        scores.publish_scores(sitting=sitting, actor_label="test")
    assert not PassedCourse.objects.exists()
    assert not Score.objects.filter(published=True).exists()
    assert not ScorePublication.objects.exists()


def test_due_sittings_are_published_by_the_beat_task(sitting, wang):
    from records.tasks import publish_due_scores

    assert publish_due_scores() == 1
    assert ScorePublication.objects.filter(sitting=sitting).exists()
    assert publish_due_scores() == 0


def test_request_time_check_costs_no_query_while_nothing_is_due(sitting, wang):
    sitting.score_publish_at = sitting.score_publish_at + datetime.timedelta(days=2)
    sitting.save(update_fields=["score_publish_at"])
    scores.publish_if_due()  # fills the cache
    with CaptureQueriesContext(connection) as captured:
        state = scores.publish_if_due()
    assert len(captured) == 0
    assert [u.code for u in state["upcoming"]] == ["202604"]
