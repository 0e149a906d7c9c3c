"""A small exam catalogue for tests of exams/ and records/ (one major, a plan, a sitting)."""

from exams import services
from exams.models import Course, CourseSubstitution, Institution, Major, PlanCourse

# (code, name, credits, category, elective group, counts credits)
PLAN = [
    ("03708", "中国近现代史纲要", 2, "required", "", True),
    ("03709", "马克思主义基本原理概论", 4, "required", "", True),
    ("00015", "英语（二）", 14, "required", "", True),
    ("00054", "管理学原理", 6, "required", "", True),
    ("00067", "财务管理学", 6, "elective", "任选一门", True),
    ("00149", "国际贸易理论与实务", 6, "elective", "任选一门", True),
    ("07998", "毕业考核", 0, "practical", "", False),
]
MIN_CREDITS = 32  # 2 + 4 + 14 + 6 + one of the group (6)


def make_catalogue(*, major_code="120201K", institution_code="10108"):
    institution, _ = Institution.objects.get_or_create(code=institution_code, defaults={"name": "山西大学"})
    major, _ = Major.objects.get_or_create(
        code=major_code,
        defaults={"name": "工商管理", "level": Major.Level.UPGRADE, "institution": institution,
                  "min_credits": MIN_CREDITS},
    )
    for sort, (code, name, credits, category, group, counts) in enumerate(PLAN):
        mode = Course.ExamMode.PRACTICAL if category == "practical" else Course.ExamMode.WRITTEN
        course, _ = Course.objects.get_or_create(code=code, defaults={"name": name, "exam_mode": mode})
        PlanCourse.objects.get_or_create(
            major=major, course=course,
            defaults={"credits": credits, "category": category, "elective_group": group, "counts_credit": counts,
                      "sort": sort},
        )
    old, _ = Course.objects.get_or_create(code="00012", defaults={"name": "英语（一）"})
    CourseSubstitution.objects.get_or_create(old_course=old, new_course=Course.objects.get(code="00015"),
                                             major=None)
    return major


def course(code):
    return Course.objects.get(code=code)


def sitting(code="202704"):
    return services.ensure_sitting(code=code, actor_label="test")
