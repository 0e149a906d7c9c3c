"""Demo scores (idempotent): the April 2026 sitting published, matching records.demo's ledger.

钱进 and 孙悦 passed 00152/00146 and 00156/00158 in April 2026 (their PassedCourse rows); their
April 2026 scores say so, with one 不合格 (钱进, 00147) and one 缺考 (孙悦, 00157: the one course
she still lacks). 赵磊 (小店区, no course passed yet) failed both his courses and asked for a
re-check of 12656 before the deadline; it waits for the 小店区 office (demo officer xiaodian).
"""

import datetime
from zoneinfo import ZoneInfo

from candidates.demo import CANDIDATE_PASSWORD
from candidates.models import Candidate
from exams import services as exam_services
from exams.models import ExamSitting
from records import scores
from records.score_models import Score, ScorePublication, ScoreRecheck

ACTOR = "seed_demo"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SITTING = "202604"
PUBLISH_AT = datetime.datetime(2026, 5, 25, 9, 0, tzinfo=SHANGHAI)
RECHECK_DEADLINE = datetime.date(2026, 5, 31)
RECHECK_ASKED_AT = datetime.datetime(2026, 5, 27, 10, 12, tzinfo=SHANGHAI)

# ticket number: {course: score or 缺考}
RESULTS = {
    "010624100032": {"00152": "66", "00146": "70", "00147": "55"},  # 钱进 (records.demo HALFWAY)
    "021324100033": {"00156": "70", "00158": "66", "00157": "缺考"},  # 孙悦 (records.demo ALMOST)
    "010526100031": {"12656": "58", "00277": "47"},  # 赵磊 (records.demo, nothing passed)
}
RECHECK = ("010526100031", "12656", "第二道论述题疑似漏评，总分与估分相差较大，申请复核。")


def seed():
    sitting = ExamSitting.objects.filter(code=SITTING).first()
    tickets = set(Candidate.objects.filter(ticket_number__in=RESULTS).values_list("ticket_number", flat=True))
    if sitting is None or tickets != set(RESULTS):
        return []  # exams.demo / records.demo did not run
    exam_services.upsert(ExamSitting, lookup={"code": SITTING}, values={
        "score_publish_at": PUBLISH_AT, "recheck_deadline": RECHECK_DEADLINE,
    }, actor_label=ACTOR)
    sitting.refresh_from_db()
    if not ScorePublication.objects.filter(sitting=sitting).exists():
        lines = ["准考证号,课程代码,成绩"] + [
            f"{ticket},{course},{value}" for ticket, courses in RESULTS.items() for course, value in courses.items()
        ]
        report = scores.import_scores_file("\n".join(lines).encode(), sitting_code=SITTING, actor_label=ACTOR)
        if report.errors:
            raise RuntimeError("; ".join(str(error) for error in report.errors))
        scores.publish_scores(sitting=sitting, actor_label=ACTOR, now=PUBLISH_AT, early=True)
    ticket, course, reason = RECHECK
    score = Score.objects.get(candidate__ticket_number=ticket, sitting=sitting, course__code=course)
    if not ScoreRecheck.objects.filter(score=score).exists():
        scores.submit_rechecks(candidate=score.candidate, scores=[score], reason=reason, now=RECHECK_ASKED_AT)
    return [("考生：2026年4月成绩已发布，一门成绩复核待小店区答复（赵磊）", ticket, CANDIDATE_PASSWORD)]
