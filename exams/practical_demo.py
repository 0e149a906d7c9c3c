"""Demo data of 实践性环节报名 (idempotent): the institutions' fees, an open window, 山西大学's
staff account ``sxu`` and a candidate who has passed every written course of 120201K 工商管理.

The candidate one course short (孙悦, records.demo) shows the refusal with the missing course.
"""

import datetime

from django.utils import timezone

from candidates.demo import CANDIDATE_PASSWORD, OFFICER_PASSWORD
from candidates.models import OfficerScope, User
from candidates.officers import grant_officer_permissions
from exams.models import Course, ExamSitting, Institution, Major
from exams.practical_models import PracticalFee
from records.demo import ACTOR, _candidate
from records.services import add_passed_course
from zikao.models import BusinessWindow

FEES = {"10108": 8000, "10118": 6000, "10125": 7000, "10112": 8000}  # fen per course
ELIGIBLE_TICKET = "010526100034"
# 120201K: every written course (00015 by exemption, one of each 任选一门 group); 00052 and 06999 left.
WRITTEN = [
    ("03708", 72, "202410"), ("03709", 66, "202410"), ("00054", 80, "202504"), ("00067", 64, "202504"),
    ("00149", 70, "202510"), ("00058", 75, "202510"), ("00147", 68, "202510"), ("00152", 61, "202604"),
    ("00151", 77, "202604"), ("00154", 70, "202604"), ("00051", 83, "202610"), ("00146", 65, "202610"),
]


def _institution_officer(username, institution):
    user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    if created:
        user.set_password(OFFICER_PASSWORD)
        user.save(update_fields=["password"])
    OfficerScope.objects.get_or_create(
        user=user, defaults={"level": OfficerScope.Level.INSTITUTION, "institution": institution}
    )
    grant_officer_permissions(user)
    return user


def seed(now=None):
    now = now or timezone.now()
    if not Major.objects.filter(code="120201K").exists():
        return []  # no catalogue
    for code, fee in FEES.items():
        institution = Institution.objects.filter(code=code).first()
        if institution is not None:
            PracticalFee.objects.get_or_create(institution=institution, defaults={"fee_fen": fee})
    if not BusinessWindow.objects.filter(kind=BusinessWindow.Kind.PRACTICAL_REGISTRATION).exists():
        BusinessWindow.objects.create(
            kind=BusinessWindow.Kind.PRACTICAL_REGISTRATION, title="2027年上半年实践性环节报名",
            opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=13),
        )
    _institution_officer("sxu", Institution.objects.get(code="10108"))
    candidate = _candidate("demo-practical", "140105", 34, "周婷", "F", "enrolled", ELIGIBLE_TICKET, "120201K")
    courses = {c.code: c for c in Course.objects.filter(code__in=[row[0] for row in WRITTEN] + ["00015"])}
    sittings = {s.code: s for s in ExamSitting.objects.all()}
    for code, score, sitting in WRITTEN:
        add_passed_course(candidate=candidate, course=courses[code], source="exam", score=score,
                          sitting=sittings[sitting], actor_label=ACTOR)
    add_passed_course(candidate=candidate, course=courses["00015"], source="exemption", actor_label=ACTOR)
    return [
        ("山西大学（主考院校）工作人员", "sxu", OFFICER_PASSWORD),
        ("考生：工商管理理论课全部合格，可报名实践性环节（周婷）", ELIGIBLE_TICKET, CANDIDATE_PASSWORD),
    ]
