import datetime

import pytest
import time_machine
from django.utils import timezone

from records import scores
from records.models import PassedCourse
from tests.factories import CandidateFactory, OfficerFactory
from tests.records.scores_support import give, past_sitting

pytestmark = pytest.mark.django_db

EIGHT = ["03708", "03709", "00015", "00054", "00067", "00149", "07998", "00012"]


@pytest.fixture
def sitting():
    return past_sitting("202604", publish_in=datetime.timedelta(minutes=10))  # within the session's 30 idle minutes


@pytest.fixture
def wang(sitting):
    candidate = CandidateFactory(approved=True, name="王芳")
    give(candidate, sitting, {"03708": 72, "03709": "缺考", "00015": 59.5})
    return candidate


def test_before_publication_the_page_says_when_and_shows_no_score(client, sitting, wang):
    client.force_login(wang.user)
    page = client.get("/records/scores/").content.decode()
    publish_at = timezone.localtime(sitting.score_publish_at)
    assert f"2026年4月考次的成绩将于 <strong>{publish_at:%Y年%-m月%-d日 %H:%M}</strong> 公布" in page
    assert "中国近现代史纲要" not in page and "缺考" not in page and "打印" not in page


def test_at_publication_time_the_first_request_publishes(client, sitting, wang):
    client.force_login(wang.user)
    client.get("/records/scores/")  # caches "due in ten minutes"
    with time_machine.travel(sitting.score_publish_at + datetime.timedelta(seconds=1), tick=False):
        page = client.get("/records/scores/").content.decode()
    for text in ["2026年4月（202604）", "03708", "中国近现代史纲要", "72", "合格", "缺考", "59.5", "不合格",
                 "data-print", "申请成绩复核"]:
        assert text in page, text
    assert PassedCourse.objects.filter(candidate=wang, course__code="03708", score=72).exists()
    assert "2026年4月考次成绩已发布" in client.get("/center/").content.decode()


def test_production_leaves_publication_to_beat_and_says_it_is_coming(client, settings, sitting, wang):
    settings.SCORES_PUBLISH_AT_REQUEST = False
    client.force_login(wang.user)
    with time_machine.travel(sitting.score_publish_at + datetime.timedelta(seconds=1), tick=False):
        page = client.get("/records/scores/").content.decode()
        assert "考次的成绩正在发布，请稍后刷新本页" in page and "中国近现代史纲要" not in page
        scores.publish_due_scores()
        assert "中国近现代史纲要" in client.get("/records/scores/").content.decode()


def test_only_the_latest_published_sitting_and_only_ones_own(client, sitting, wang):
    older = past_sitting("202510")
    give(wang, older, {"00054": 61})
    other = CandidateFactory(approved=True, name="李娜")
    give(other, sitting, {"00149": 93})
    scores.publish_scores(sitting=older, actor_label="test")
    scores.publish_scores(sitting=sitting, actor_label="test", early=True)
    client.force_login(wang.user)
    page = client.get("/records/scores/").content.decode()
    assert "中国近现代史纲要" in page and "管理学原理" not in page  # 202510 is not the latest
    assert "国际贸易理论与实务" not in page and "93" not in page


def test_staff_and_candidates_not_yet_verified_get_404(client, sitting):
    officer = OfficerFactory()
    client.force_login(officer)
    assert client.get("/records/scores/").status_code == 404
    pending = CandidateFactory()
    client.force_login(pending.user)
    assert client.get("/records/scores/").status_code == 404
    client.logout()
    assert client.get("/records/scores/").status_code == 302


@pytest.mark.parametrize("count", [2, 8])
def test_queries_do_not_grow_with_the_courses(client, settings, django_assert_num_queries, count):
    sitting = past_sitting("202604")
    candidate = CandidateFactory(approved=True)
    give(candidate, sitting, dict.fromkeys(EIGHT[:count], 70))
    scores.publish_scores(sitting=sitting, actor_label="test")
    client.force_login(candidate.user)
    client.get("/records/scores/")  # the publication state is cached from here on
    # the session (unless it lives in Redis, as in production), the user with the candidate, the scores
    with django_assert_num_queries(3 if settings.SESSION_ENGINE.endswith(".db") else 2):
        response = client.get("/records/scores/")
    assert response.content.decode().count("verdict-pass") == count


def test_centre_query_links_point_here(client, wang):
    client.force_login(wang.user)
    assert 'href="/records/scores/"' in client.get("/center/").content.decode()
