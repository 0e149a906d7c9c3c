"""A plan with every tricky part of 毕业合格条件, and candidates on it (tests of records.graduation)."""

import datetime

from django.utils import timezone

from exams.models import Course, CourseSubstitution, Institution, Major, PlanCourse
from identity import samples
from identity.intake import normalise
from records.services import add_passed_course
from tests.catalogue import sitting
from tests.factories import BusinessWindowFactory, CandidateFactory
from zikao.models import BusinessWindow

# (code, name, credits, category, group, counts credits)
PLAN = [
    ("00101", "必考甲", 4, "required", "", True),
    ("00102", "必考乙", 6, "required", "", True),
    ("00201", "选考甲", 5, "elective", "任选一门", True),
    ("00202", "选考乙", 3, "elective", "任选一门", True),
    ("00301", "自由选考", 2, "elective", "", True),
    ("00401", "新课程", 4, "required", "", True),
    ("00501", "专业实践", 2, "practical", "", True),
    ("07999", "毕业考核", 0, "practical", "", False),
]
OLD_COURSE = "00409"  # 旧课程, 顶替 00401
MIN_CREDITS = 21  # 4 + 6 + 5 (best of the group) + 4 + 2
REQUIRED = ["00101", "00102", "00201", "00401", "00501", "07999"]


def make_plan(*, min_credits=MIN_CREDITS, code="080901"):
    institution, _ = Institution.objects.get_or_create(code="10112", defaults={"name": "太原理工大学"})
    major, _ = Major.objects.update_or_create(
        code=code,
        defaults={
            "name": "测试专业",
            "level": Major.Level.JUNIOR_COLLEGE,
            "institution": institution,
            "min_credits": min_credits,
        },
    )
    for sort, (course_code, name, credits, category, group, counts) in enumerate(PLAN):
        mode = Course.ExamMode.PRACTICAL if category == "practical" else Course.ExamMode.WRITTEN
        course, _ = Course.objects.get_or_create(code=course_code, defaults={"name": name, "exam_mode": mode})
        PlanCourse.objects.get_or_create(
            major=major,
            course=course,
            defaults={
                "credits": credits,
                "category": category,
                "elective_group": group,
                "counts_credit": counts,
                "sort": sort,
            },
        )
    old, _ = Course.objects.get_or_create(code=OLD_COURSE, defaults={"name": "旧课程"})
    CourseSubstitution.objects.get_or_create(
        old_course=old, new_course=Course.objects.get(code="00401"), major=major
    )
    return major


def pass_courses(candidate, codes, *, source="exam"):
    april = sitting("202604")
    for code in codes:
        add_passed_course(
            candidate=candidate,
            course=Course.objects.get(code=code),
            source=source,
            score=70 if source == "exam" else None,
            sitting=april if source == "exam" else None,
            actor_label="test",
        )


def graduate_ready(*, min_credits=MIN_CREDITS, **kwargs):
    """An approved candidate who meets every required course of the plan (00401 by 顶替)."""
    candidate = CandidateFactory(approved=True, major=make_plan(min_credits=min_credits), **kwargs)
    pass_courses(candidate, ["00101", "00102", "00201", "00501", "07999", OLD_COURSE])
    return candidate


def open_window(**kwargs):
    now = timezone.now()
    defaults = {
        "kind": BusinessWindow.Kind.GRADUATION,
        "title": "2027年上半年毕业申请",
        "opens_at": now - datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=10),
    }
    return BusinessWindowFactory(**{**defaults, **kwargs})


def scan_bytes():
    """A white page standing for the stamped 思想品德鉴定表."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (800, 1100), (250, 250, 250))
    draw = ImageDraw.Draw(page)
    draw.ellipse((520, 820, 720, 1020), outline=(200, 20, 20), width=8)  # the stamp
    return samples.jpeg_bytes(page)


def photo_bytes(background=samples.LIGHT_GREY):
    return samples.jpeg_bytes(samples.headshot("astronaut", background=background))


def normalised_files():
    return normalise(photo_bytes()), normalise(scan_bytes())


def pay(order):
    from payments import services as payments
    from payments.providers import get_provider

    payment = payments.start_payment(order=order, provider=get_provider("demo"), actor=order.candidate.user)
    payments.confirm_payment(payment=payment, actor=order.candidate.user, money_received=False)
