"""The graduation demo: 孙悦 sees exactly the missing course, 吴昊 may apply in an open window."""

import pytest

from candidates import demo as candidates_demo
from candidates.models import Candidate
from exams import demo as exams_demo
from records import demo as records_demo
from records import graduation, graduation_demo
from records.graduation_demo import READY_TICKET
from zikao import demo as zikao_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    zikao_demo.seed()
    candidates_demo.seed()
    exams_demo.seed()
    records_demo.seed()
    rows = graduation_demo.seed()
    assert graduation_demo.seed() == rows  # re-runnable
    return rows


def test_one_candidate_is_one_course_short_and_another_may_apply(seeded, client):
    almost = Candidate.objects.get(ticket_number="021324100033")
    conditions = graduation.check_conditions(almost)
    assert conditions.missing == [
        "必考课程 00157 管理会计（一） 尚未合格",
        "学分还差 6 分（已获 66 分，最低毕业学分 72 分）",
    ]
    ready = Candidate.objects.get(ticket_number=READY_TICKET)
    eligibility = graduation.check_eligibility(candidate=ready)
    assert eligibility.allowed and eligibility.conditions.progress.credits == 72
    row = next(r for r in eligibility.conditions.progress.rows if r.plan_course.course.code == "12656")
    assert row.status == "substituted"
    assert [row[1] for row in seeded] == [READY_TICKET]
    client.force_login(almost.user)
    page = client.get("/records/graduation/").content.decode()
    assert "必考课程 00157 管理会计（一） 尚未合格" in page
