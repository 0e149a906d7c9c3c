"""Demo data of 免考申请 (idempotent): the rules (CET-4 → 00015 英语（二）, a prior diploma's
transcript), an open exemption window and a candidate who may apply: approved, 120201K 工商管理,
03708 passed by examination, 00015 not yet passed. Officers: xiaodian → taiyuan → province
(candidates.demo)."""

import datetime

from django.utils import timezone

from candidates.demo import CANDIDATE_PASSWORD
from exams import services as catalogue
from exams.exemption_models import ExemptionRule, ExemptionRuleCourse
from exams.models import Course, ExamSitting, Major
from records.demo import ACTOR, _candidate
from records.services import add_passed_course
from zikao.models import BusinessWindow

ELIGIBLE_TICKET = "010526100036"
RULES = [
    ("CET4", "全国大学英语四级", False, "须成绩合格（425分及以上），上传成绩报告单原件照片。", ["00015"]),
    ("XUELI", "国家承认学历的课程成绩", True,
     "持国家承认学历的专科及以上毕业证书和成绩单：课程名称相同、学分不低于本专业计划学分的课程可免考。", []),
]


def seed(now=None):
    now = now or timezone.now()
    if not Major.objects.filter(code="120201K").exists():
        return []  # no catalogue
    for code, name, same, remark, courses in RULES:
        _outcome, rule = catalogue.upsert(ExemptionRule, lookup={"code": code}, values={
            "name": name, "same_course_required": same, "remark": remark, "active": True,
        }, actor_label=ACTOR)
        for course in Course.objects.filter(code__in=courses):
            catalogue.upsert(ExemptionRuleCourse, lookup={"rule": rule, "course": course}, values={}, actor_label=ACTOR)
    open_now = BusinessWindow.objects.filter(kind=BusinessWindow.Kind.EXEMPTION, opens_at__lte=now, closes_at__gt=now)
    if not open_now.exists():
        BusinessWindow.objects.create(
            kind=BusinessWindow.Kind.EXEMPTION, title="2027年上半年免考申请",
            opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=13),
        )
    candidate = _candidate("demo-exemption", "140105", 36, "郑华", "M", "enrolled", ELIGIBLE_TICKET, "120201K")
    add_passed_course(candidate=candidate, course=Course.objects.get(code="03708"), source="exam", score=74,
                      sitting=ExamSitting.objects.get(code="202410"), actor_label=ACTOR)
    return [("考生：可申请免考（持英语四级，申请免考 00015 英语（二））（郑华）", ELIGIBLE_TICKET, CANDIDATE_PASSWORD)]
