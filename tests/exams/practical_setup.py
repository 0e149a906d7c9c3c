"""A catalogue, a window, fees and candidates for the 实践性环节报名 tests."""

import datetime

from candidates.services import create_officer
from exams.models import Course, Institution, PlanCourse
from exams.practical_models import PracticalFee
from records.services import add_passed_course
from tests.catalogue import course, make_catalogue, sitting
from tests.factories import CandidateFactory, county
from zikao.models import BusinessWindow

# 12-01 00:00 to 12-08 00:00 Asia/Shanghai, as UTC.
OPENS = datetime.datetime(2026, 11, 30, 16, 0, tzinfo=datetime.UTC)
CLOSES = datetime.datetime(2026, 12, 7, 16, 0, tzinfo=datetime.UTC)
INSIDE = OPENS + datetime.timedelta(days=1)
WRITTEN_PASSES = ["03708", "03709", "00054", "00067"]  # + 00015 through its substitute 00012
PASSWORD = "Zhaokao2026office"


def make_world():
    major = make_catalogue()
    thesis, _ = Course.objects.get_or_create(
        code="06999", defaults={"name": "毕业论文", "exam_mode": Course.ExamMode.PRACTICAL}
    )
    PlanCourse.objects.get_or_create(
        major=major, course=thesis,
        defaults={"credits": 0, "category": PlanCourse.Category.PRACTICAL, "counts_credit": False, "sort": 99},
    )
    sxu = major.institution
    PracticalFee.objects.create(institution=sxu, fee_fen=8000)
    sxnu = Institution.objects.create(code="10118", name="山西师范大学")
    PracticalFee.objects.create(institution=sxnu, fee_fen=6000)
    # Registers on its own system: never offered on the platform.
    police = Institution.objects.create(code="10001", name="中国人民公安大学", practical_on_platform=False)
    PracticalFee.objects.create(institution=police, fee_fen=5000)
    window = BusinessWindow.objects.create(
        kind=BusinessWindow.Kind.PRACTICAL_REGISTRATION, title="2027年上半年实践性环节报名", opens_at=OPENS,
        closes_at=CLOSES,
    )
    return {"major": major, "sxu": sxu, "sxnu": sxnu, "police": police, "window": window}


def make_candidate(major, *, passes=WRITTEN_PASSES, substitute=True, **kwargs):
    candidate = CandidateFactory(approved=True, county=county("140105"), major=major, **kwargs)
    exam_sitting = sitting("202604")
    for code in passes:
        add_passed_course(candidate=candidate, course=course(code), source="exam", score=75, sitting=exam_sitting,
                          actor_label="test")
    if substitute:
        old, _ = Course.objects.get_or_create(code="00012", defaults={"name": "英语（一）"})
        add_passed_course(candidate=candidate, course=old, source="exemption", actor_label="test")
    return candidate


def institution_officer(institution, username="sxu"):
    return create_officer(
        username=username, password=PASSWORD, level="institution", institution=institution, actor_label="test",
    )
