import pytest
from django.contrib.auth import get_user_model

from candidates import demo as candidates_demo
from exams import demo as exams_demo
from records import demo as records_demo
from records import score_selectors, scores_demo
from records.models import PassedCourse
from records.score_models import Score, ScorePublication, ScoreRecheck
from zikao import demo as zikao_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    zikao_demo.seed()
    candidates_demo.seed()
    exams_demo.seed()
    records_demo.seed()
    ledger = PassedCourse.objects.count()
    scores_demo.seed()
    scores_demo.seed()  # re-runnable
    return ledger


def test_published_april_scores_agree_with_the_demo_ledger(seeded):
    assert PassedCourse.objects.count() == seeded  # the published passes were already in the ledger
    publication = ScorePublication.objects.get()
    assert publication.sitting.code == "202604" and Score.objects.filter(published=False).count() == 0
    for score in Score.objects.filter(score__gte=60).select_related("candidate", "course"):
        entry = PassedCourse.objects.get(candidate=score.candidate, course=score.course)
        assert (entry.score, entry.sitting_id, entry.source) == (score.score, score.sitting_id, "exam")
    assert {s.result_text for s in Score.objects.filter(mark="absent")} == {"缺考"}
    fails = {s.course.code for s in Score.objects.filter(score__lt=60).select_related("course")}
    assert {"00147", "12656"} <= fails
    # 孙悦 still lacks exactly 00157: absent in April 2026, not in the ledger.
    assert not PassedCourse.objects.filter(candidate__ticket_number="021324100033", course__code="00157").exists()


def test_one_recheck_waits_for_the_xiaodian_office(seeded):
    recheck = ScoreRecheck.objects.get()
    assert recheck.status == "pending" and recheck.candidate.name == "赵磊"
    xiaodian = get_user_model().objects.get(username="xiaodian")
    waiting = score_selectors.officer_rechecks(xiaodian).filter(score_selectors.awaiting_decision_q(xiaodian))
    assert list(waiting) == [recheck]
    taiyuan = get_user_model().objects.get(username="taiyuan")
    assert score_selectors.officer_rechecks(taiyuan).get() == recheck  # the city reads it
    assert not score_selectors.officer_rechecks(taiyuan).filter(score_selectors.awaiting_decision_q(taiyuan))
