import pytest

from candidates import demo as candidates_demo
from exams import demo as exams_demo
from exams.models import ExamSitting, Major, PlanCourse, TimetableEntry, Venue
from records import demo, selectors
from records.models import PassedCourse
from zikao import demo as zikao_demo
from zikao.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    zikao_demo.seed()
    candidates_demo.seed()
    exams_demo.seed()
    rows = demo.seed()
    exams_demo.seed()  # idempotent
    assert demo.seed() == rows
    return rows


def test_demo_tells_a_believable_story(seeded):
    """One test: seeding twice (idempotence) costs most of its time."""
    _catalogue()
    _april_2027()
    _candidates(seeded)


def _catalogue():
    open_majors = Major.objects.filter(accepting_new=True)
    assert open_majors.filter(level="zk").count() == 2 and open_majors.filter(level="zsb").count() == 2
    assert Major.objects.filter(accepting_new=False).exists()
    for major in Major.objects.all():
        plan = list(PlanCourse.objects.filter(major=major))
        assert 12 <= len(plan) <= 20, major.code
        grouped = {}
        for pc in plan:
            if pc.elective_group:
                grouped.setdefault(pc.elective_group, set()).add(pc.credits)
        ungrouped = sum(pc.credits for pc in plan if pc.counts_credit and not pc.elective_group)
        assert ungrouped + sum(max(c) for c in grouped.values()) == major.min_credits, major.code
    for major in Major.objects.filter(level="zsb"):
        codes = set(PlanCourse.objects.filter(major=major).values_list("course__code", flat=True))
        assert {"00015", "03708", "03709"} <= codes


def _april_2027():
    sitting = ExamSitting.objects.get(code="202704")
    assert sitting.slots.count() == 4
    written = set(PlanCourse.objects.filter(course__exam_mode="written").values_list("course__code", flat=True))
    assert set(TimetableEntry.objects.filter(sitting=sitting).values_list("course__code", flat=True)) == written
    assert set(Venue.objects.values_list("county_id", flat=True)) == {"140105", "140106", "140213"}
    assert all(venue.rooms.exists() for venue in Venue.objects.all())
    assert Notice.objects.filter(category="guide").exclude(attachment="").exists()


def _candidates(seeded):
    assert len(seeded) == 3
    by_name = {p.candidate.name for p in PassedCourse.objects.select_related("candidate")}
    assert "赵磊" not in by_name
    from candidates.models import Candidate

    halfway = Candidate.objects.get(name="钱进")
    progress = selectors.progress(halfway, selectors.passed_courses(halfway))
    assert 0.4 < progress.credits / progress.min_credits < 0.7
    almost = Candidate.objects.get(name="孙悦")
    progress = selectors.progress(almost, selectors.passed_courses(almost))
    assert [pc.course.code for pc in progress.missing_required] == ["00157"]
    assert progress.min_credits - progress.credits == 6
    assert TimetableEntry.objects.filter(sitting__code="202704", course__code="00157").exists()
