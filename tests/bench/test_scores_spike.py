"""The score-morning spike's preparation works in-process (no timing asserted: `make bench` prints it)."""

import bench_support as bench
import pytest
import scores_spike
from django.test import Client

from exams import demo as exams_demo
from records.models import PassedCourse
from records.score_models import Score, ScorePublication

pytestmark = pytest.mark.django_db


def test_prepare_imports_publishes_and_signs_the_candidates_in(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    exams_demo.seed()
    user_ids = bench.seed_candidates(count=6, start=70, prefix="spiketest")
    pool = scores_spike.prepare({"submit_user_ids": user_ids}, count=5, log=lambda message: None, close=False)

    assert pool["scores_target"] == 5 and len(pool["scores_sessions"]) == 5
    assert ScorePublication.objects.get().sitting.code == scores_spike.SITTING
    assert Score.objects.filter(published=True).count() == 20
    assert PassedCourse.objects.count() == Score.objects.filter(score__gte=60).count()
    assert scores_spike.FIGURES["queries"] <= 6
    session_key, ticket_number = pool["scores_sessions"][2]
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    page = client.get("/records/scores/").content.decode()
    assert ticket_number in page and page.count('class="course-code"') == 4
