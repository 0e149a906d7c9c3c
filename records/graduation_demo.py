"""Demo of 毕业申请 (idempotent): an open graduation window and 吴昊, who has passed every course
of 530302 大数据与会计 (12656 by 顶替 with 03707, the 任选一门 group by a transfer in), so `make run`
shows an application possible. 孙悦 (records.demo), one course (00157) short, sees it named on
毕业合格条件查询; 小店区's office (xiaodian) pre-checks 吴昊's application, the province decides.
"""

import datetime

from django.utils import timezone

from candidates.demo import CANDIDATE_PASSWORD
from exams.models import Course, ExamSitting, Major
from records.demo import ACTOR, ALMOST, LAST_COURSE, _candidate
from records.services import add_passed_course
from zikao.models import BusinessWindow

READY_TICKET = "010524100035"


def seed(now=None):
    now = now or timezone.now()
    if not Major.objects.filter(code="530302").exists():
        return []  # no catalogue
    if not BusinessWindow.objects.filter(kind=BusinessWindow.Kind.GRADUATION, closes_at__gt=now).exists():
        BusinessWindow.objects.create(
            kind=BusinessWindow.Kind.GRADUATION,
            title="2027年上半年毕业申请",
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=20),
        )
    candidate = _candidate("demo-graduation", "140105", 35, "吴昊", "M", "enrolled", READY_TICKET, "530302")
    courses = {course.code: course for course in Course.objects.all()}
    sittings = {sitting.code: sitting for sitting in ExamSitting.objects.all()}
    for code, score, sitting, source in [*ALMOST, (LAST_COURSE, 74, "202610", "exam")]:
        add_passed_course(
            candidate=candidate,
            course=courses[code],
            source=source,
            score=score,
            sitting=sittings.get(sitting),
            actor_label=ACTOR,
        )
    return [("考生：大数据与会计专科，已符合毕业条件，可申请毕业（吴昊）", READY_TICKET, CANDIDATE_PASSWORD)]
