import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.models import Course, Major, PlanCourse, TimetableEntry
from exams.services import slot_of
from tests.catalogue import course, make_catalogue, sitting
from tests.factories import NoticeFactory
from zikao.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def major():
    return make_catalogue()


def test_plan_list_filters_by_level_institution_and_keyword_and_marks_closed_majors(client, major):
    closed = Major.objects.create(code="660203", name="会计", level="zk", institution=major.institution,
                                  min_credits=70, accepting_new=False)
    page = client.get("/plans/").content.decode()
    assert "工商管理" in page and "会计" in page and "停止新生报名" in page
    assert "会计" not in client.get("/plans/?level=zsb").content.decode()
    assert "工商管理" not in client.get("/plans/?keyword=6602").content.decode()
    assert "没有符合条件的专业" in client.get("/plans/?keyword=不存在的专业").content.decode()
    assert closed.code in client.get("/plans/?keyword=会计").content.decode()


def test_plan_page_shows_the_plan_table_totals_and_substitutions(client, major):
    page = client.get(f"/plans/{major.code}/").content.decode()
    for text in ["课程代码", "课程名称", "学分", "考试方式", "类别", "备注", "00015", "英语（二）", "任选一门",
                 "必做，不计学分", "合计 7 门课程", "最低毕业学分 32", "00012", "可顶替"]:
        assert text in page, text
    assert client.get("/plans/999999/").status_code == 404


def _plan_queries(client, code):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/plans/{code}/").status_code == 200
    return len(queries)


def test_plan_page_queries_do_not_grow_with_the_number_of_courses(client, major):
    few = _plan_queries(client, major.code)
    for n in range(12):
        extra = Course.objects.create(code=f"{20000 + n}", name=f"课程{n}")
        PlanCourse.objects.create(major=major, course=extra, credits=4, sort=50 + n)
    assert _plan_queries(client, major.code) == few <= 3


def test_timetable_lists_each_day_and_slot_of_the_sitting(client, major):
    april = sitting("202704")
    TimetableEntry.objects.create(sitting=april, slot=slot_of(april, day_number=1, period="am"), course=course("03708"))
    TimetableEntry.objects.create(sitting=april, slot=slot_of(april, day_number=2, period="pm"), course=course("00015"))
    page = client.get("/timetable/").content.decode()
    assert "2027年4月" in page and "2027年4月10日" in page and "2027年4月11日" in page
    assert page.index("03708") < page.index("00015")
    assert "09:00–11:30" in page and "14:30–17:00" in page


def test_timetable_without_data_says_it_is_not_published(client, db):
    assert "考试安排尚未公布" in client.get("/timetable/").content.decode()


def test_home_page_links_lead_to_the_real_pages(client, db):
    page = client.get("/").content.decode()
    assert 'href="/plans/"' in page and 'href="/timetable/"' in page and 'href="/records/passed/"' in page
    assert "?category=guide" in page


def test_guide_attachment_is_downloadable_from_the_portal(client, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    notice = NoticeFactory(category=Notice.Category.GUIDE, title="山西省2027年高等教育自学考试报考简章")
    notice.attachment.save("guide.pdf", ContentFile(b"%PDF-1.4 guide"))
    listing = client.get("/notices/?category=guide").content.decode()
    assert f"/notices/{notice.pk}/attachment/" in listing
    response = client.get(f"/notices/{notice.pk}/attachment/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 guide"
    assert "attachment" in response["Content-Disposition"]
    bare = NoticeFactory(category=Notice.Category.GUIDE)
    assert client.get(f"/notices/{bare.pk}/attachment/").status_code == 404
