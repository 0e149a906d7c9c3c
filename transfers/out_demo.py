"""Demo of 省际转出 (idempotent): a candidate who may transfer out (approved, 工商管理 with four
courses passed by examination and 英语（二） exempted, which will not transfer) and an open
转出 window (zikao.demo opens one; made here if there is none open).
"""

import datetime

from django.utils import timezone

from candidates.demo import CANDIDATE_PASSWORD
from exams.models import Course, ExamSitting, Major
from records.demo import ACTOR, _candidate
from records.services import add_passed_course
from zikao.models import BusinessWindow
from zikao.selectors import current_window

TICKET = "010526100037"
PASSED = [("03708", 74, "202410"), ("03709", 69, "202504"), ("00054", 82, "202510"), ("00067", 65, "202604")]


def seed(now=None):
    now = now or timezone.now()
    if not Major.objects.filter(code="120201K").exists():
        return []  # no catalogue
    if current_window(BusinessWindow.Kind.INTER_PROVINCE_TRANSFER_OUT, now=now) is None:
        BusinessWindow.objects.create(
            kind=BusinessWindow.Kind.INTER_PROVINCE_TRANSFER_OUT,
            title="2026年下半年省际转出",
            opens_at=now - datetime.timedelta(days=2),
            closes_at=now + datetime.timedelta(days=12),
        )
    candidate = _candidate("demo-transfer-out", "140105", 37, "吴静", "F", "enrolled", TICKET, "120201K")
    courses = {c.code: c for c in Course.objects.filter(code__in=[row[0] for row in PASSED] + ["00015"])}
    sittings = {s.code: s for s in ExamSitting.objects.all()}
    for code, score, sitting in PASSED:
        add_passed_course(
            candidate=candidate,
            course=courses[code],
            source="exam",
            score=score,
            sitting=sittings[sitting],
            actor_label=ACTOR,
        )
    add_passed_course(candidate=candidate, course=courses["00015"], source="exemption", actor_label=ACTOR)
    return [("考生：可申请省际转出（工商管理，4门考试合格、1门免考）（吴静）", TICKET, CANDIDATE_PASSWORD)]
