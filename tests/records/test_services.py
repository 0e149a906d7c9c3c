import pytest
from django.db import IntegrityError, transaction

from records import selectors, services
from records.models import PassedCourse
from tests.catalogue import MIN_CREDITS, course, make_catalogue, sitting
from tests.factories import CandidateFactory
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate():
    return CandidateFactory(approved=True, major=make_catalogue())


def test_add_passed_course_writes_the_ledger_once_and_audits(candidate):
    april = sitting()
    entry, created = services.add_passed_course(
        candidate=candidate, course=course("00015"), source="exam", score=72, sitting=april, actor_label="t",
    )
    assert created and entry.score_text == "72"
    again, created = services.add_passed_course(
        candidate=candidate, course=course("00015"), source="exam", score="72.0", sitting=april, actor_label="t",
    )
    assert not created and again.pk == entry.pk
    assert AuditEvent.objects.filter(action="passed_course_add", object_id=str(entry.pk)).count() == 1


def test_a_course_already_passed_is_refused_with_other_facts(candidate):
    services.add_passed_course(candidate=candidate, course=course("00015"), source="exam", score=72, sitting=sitting())
    with pytest.raises(services.RecordError) as caught:
        services.add_passed_course(candidate=candidate, course=course("00015"), source="exemption")
    assert caught.value.code == "already_passed"
    assert PassedCourse.objects.filter(candidate=candidate).count() == 1


@pytest.mark.parametrize(("score", "code"), [(59, "score_below_pass"), (101, "bad_score"), ("abc", "bad_score")])
def test_exam_passes_need_a_passing_score(candidate, score, code):
    with pytest.raises(services.RecordError) as caught:
        services.add_passed_course(candidate=candidate, course=course("00015"), source="exam", score=score,
                                   sitting=sitting())
    assert caught.value.code == code


def test_exam_passes_need_a_sitting(candidate):
    with pytest.raises(services.RecordError) as caught:
        services.add_passed_course(candidate=candidate, course=course("00015"), source="exam", score=80)
    assert caught.value.code == "exam_without_sitting"


def test_the_database_keeps_one_row_per_candidate_and_course(candidate):
    PassedCourse.objects.create(candidate=candidate, course=course("00015"), source="exemption")
    with pytest.raises(IntegrityError), transaction.atomic():
        PassedCourse.objects.create(candidate=candidate, course=course("00015"), source="transfer_in")
    with pytest.raises(IntegrityError), transaction.atomic():
        PassedCourse.objects.create(candidate=candidate, course=course("03708"), source="exam", score=50,
                                    sitting=sitting())


def test_progress_counts_credits_substitutions_and_one_course_per_elective_group(candidate):
    april = sitting()
    for code in ["03708", "00067", "00149"]:
        services.add_passed_course(candidate=candidate, course=course(code), source="exam", score=65, sitting=april)
    services.add_passed_course(candidate=candidate, course=course("00012"), source="transfer_in", score=70)
    progress = selectors.progress(candidate, selectors.passed_courses(candidate))
    # 03708 (2) + 00015 via 00012 (14) + one of the 任选一门 group (6)
    assert progress.credits == 22 and progress.min_credits == MIN_CREDITS
    assert [pc.course.code for pc in progress.missing_required] == ["03709", "00054", "07998"]
    row = next(row for row in progress.rows if row.plan_course.course.code == "00015")
    assert row.via == "由 00012 顶替"
    assert not progress.complete
