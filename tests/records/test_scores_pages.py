import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from records import score_selectors, scores
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


def test_production_leaves_publication_to_beat_and_says_it_is_coming(
    client, settings, sitting, wang, django_capture_on_commit_callbacks
):
    settings.SCORES_PUBLISH_AT_REQUEST = False
    client.force_login(wang.user)
    with time_machine.travel(sitting.score_publish_at + datetime.timedelta(seconds=1), tick=False):
        page = client.get("/records/scores/").content.decode()
        assert "考次的成绩正在发布，请稍后刷新本页" in page and "中国近现代史纲要" not in page
        with django_capture_on_commit_callbacks(execute=True):  # beat's task commits
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
    # The other candidate's course and score cell (a bare "93" could sit in the page's CSRF token).
    assert "国际贸易理论与实务" not in page and '<td class="num">93</td>' not in page and "李娜" not in page


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
    settings.SIGNED_IN_USER_CACHE_SECONDS = settings.LATEST_SCORES_CACHE_SECONDS = 0  # every read from the database
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


# --------------------------------------------------------------------------- the cached copy (Redis)


@pytest.fixture
def copies(settings):
    """The per-candidate copies production keeps in Redis (the embedded default keeps none)."""
    settings.SIGNED_IN_USER_CACHE_SECONDS = 120
    settings.LATEST_SCORES_CACHE_SECONDS = 600


def test_a_reload_costs_no_query_beyond_the_session(client, settings, django_assert_num_queries, copies):
    sitting = past_sitting("202604")
    candidate = CandidateFactory(approved=True)
    give(candidate, sitting, dict.fromkeys(EIGHT[:4], 70))
    scores.publish_scores(sitting=sitting, actor_label="test")
    client.force_login(candidate.user)
    client.get("/records/scores/")
    with django_assert_num_queries(1 if settings.SESSION_ENGINE.endswith(".db") else 0):
        response = client.get("/records/scores/")
    assert response.content.decode().count("verdict-pass") == 4


def test_a_new_publication_shows_at_once_over_the_copy(client, copies):
    older = past_sitting("202510")
    candidate = CandidateFactory(approved=True)
    give(candidate, older, {"00054": 61})
    scores.publish_scores(sitting=older, actor_label="test")
    client.force_login(candidate.user)
    assert "管理学原理" in client.get("/records/scores/").content.decode()
    april = past_sitting("202604")
    give(candidate, april, {"03708": 72})
    scores.publish_scores(sitting=april, actor_label="test", early=True)
    page = client.get("/records/scores/").content.decode()
    assert "中国近现代史纲要" in page and "管理学原理" not in page


def test_a_recheck_request_and_a_corrected_score_show_at_once_over_the_copy(client, copies, sitting, wang):
    scores.publish_scores(sitting=sitting, actor_label="test", early=True)
    client.force_login(wang.user)
    page = client.get("/records/scores/").content.decode()
    assert "59.5" in page and "成绩复核：" not in page
    failed = wang.scores.get(course__code="00015")
    recheck = scores.submit_rechecks(candidate=wang, scores=[failed], reason="怀疑漏评")[0]
    assert "成绩复核：待复核" in client.get("/records/scores/").content.decode()
    officer = OfficerFactory(scope__level="county", scope__county=wang.county)
    scores.correct_score(officer=officer, recheck=recheck, corrected_score="64", remark="合分有误")
    assert "成绩复核：成绩已更正为 64（原成绩 59.5）" in client.get("/records/scores/").content.decode()


def test_publication_warms_every_candidates_copies(client, copies, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(score_selectors, "WARM_BATCH", 2)  # three candidates: two batches
    sitting = past_sitting("202604")
    candidates = [CandidateFactory(approved=True) for _ in range(3)]
    for candidate in candidates:
        give(candidate, sitting, dict.fromkeys(EIGHT[:4], 70))
    client.force_login(candidates[2].user)  # signed in before the announced minute; in the second batch
    other = Client()
    other.force_login(candidates[0].user)
    with django_capture_on_commit_callbacks(execute=True):
        scores.publish_scores(sitting=sitting, actor_label="test")
    other.get("/records/scores/")  # the publication state is cached from here on, for everyone
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/records/scores/")  # this candidate's first page since publication
    assert response.content.decode().count("verdict-pass") == 4
    statements = [q["sql"] for q in captured.captured_queries if "django_session" not in q["sql"]]
    assert not [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_an_older_sitting_published_late_warms_nothing(client, copies, django_capture_on_commit_callbacks):
    april, october = past_sitting("202604"), past_sitting("202510")
    candidate = CandidateFactory(approved=True)
    give(candidate, april, {"03708": 72})
    give(candidate, october, {"00054": 61})
    scores.publish_scores(sitting=april, actor_label="test", early=True)
    with django_capture_on_commit_callbacks(execute=True):
        scores.publish_scores(sitting=october, actor_label="test")
    client.force_login(candidate.user)
    page = client.get("/records/scores/").content.decode()
    assert "中国近现代史纲要" in page and "管理学原理" not in page  # 202604 is still the latest
