"""Import of enrolled candidates' passed courses (`manage.py import_passed FILE`), CSV or .xlsx.

Columns: 准考证号, 课程代码, 成绩, 合格考次 (YYYYMM), 来源 (考试/免考/转入/顶替, default 考试),
说明 (optional). Every row goes through records.services.add_passed_course, so the same file
imported twice changes nothing, and a course already passed with other facts is reported.
"""

from dataclasses import dataclass, field

from django.db import transaction

from candidates.models import Candidate
from exams import services as exam_services
from exams.models import Course, ExamSitting
from records import services
from records.models import PassedCourse
from zikao.tabular import RowError, RowRefused, column_positions, read_tables, row_values

COLUMNS = {
    "ticket_number": ("准考证号", "ticket_number"),
    "course": ("课程代码", "course_code"),
    "score": ("成绩", "score"),
    "sitting": ("合格考次", "考次", "sitting"),
    "source": ("来源", "source"),
    "note": ("说明", "note"),
}
REQUIRED = ("ticket_number", "course")
SOURCES = {"考试": "exam", "免考": "exemption", "转入": "transfer_in", "顶替": "substitution",
           **{value: value for value in PassedCourse.Source.values}}



@dataclass
class PassedReport:
    created: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    encoding: str = ""


def import_file(raw, *, actor_label, dry_run=False):
    table = read_tables(raw)[0]
    positions = column_positions(table.header, COLUMNS, required=REQUIRED)
    report = PassedReport(encoding=table.encoding)
    with transaction.atomic():
        for line, cells in table.rows:
            values = row_values(cells, positions)
            try:
                with transaction.atomic():
                    created = _import_row(values, actor_label=actor_label)
            except (RowRefused, services.RecordError, exam_services.CatalogueError) as error:
                report.errors.append(RowError(line, str(error)))
                continue
            if created:
                report.created += 1
            else:
                report.unchanged += 1
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import_row(values, *, actor_label):
    missing = [COLUMNS[key][0] for key in REQUIRED if not values.get(key)]
    if missing:
        raise RowRefused("缺少" + "、".join(missing) + "。")
    candidate = Candidate.objects.filter(ticket_number=values["ticket_number"]).first()
    if candidate is None:
        raise RowRefused(
            f"准考证号 {values['ticket_number']} 的考生尚未在平台注册或激活账号；激活后重新导入本文件即可。"
        )
    course = Course.objects.filter(code=values["course"]).first()
    if course is None:
        raise RowRefused(f"课程代码 {values['course']} 不存在，请先用 import_catalogue 导入课程。")
    source_text = values.get("source") or "考试"
    if source_text not in SOURCES:
        raise RowRefused(f"来源“{source_text}”无效，应为考试、免考、转入或顶替。")
    sitting = None
    if values.get("sitting"):
        sitting = ExamSitting.objects.filter(code=values["sitting"]).first() or exam_services.ensure_sitting(
            code=values["sitting"], actor_label=actor_label,
        )
    _, created = services.add_passed_course(
        candidate=candidate, course=course, source=SOURCES[source_text], score=values.get("score") or None,
        sitting=sitting, actor_label=actor_label, note=values.get("note", ""),
    )
    return created
