"""Import of the exam catalogue (`manage.py import_catalogue FILE`) from CSV or Excel .xlsx.

One file per kind of data, or one workbook with a sheet per kind. The kind is read from the sheet
name (or the file name), else recognised from the columns; the README lists every kind's columns.
Rows are matched on their codes, so importing the same file again changes nothing; every bad row
is reported as ``第 N 行：原因`` and the good ones are imported.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from exams import services
from exams.exemption_models import ExemptionRule, ExemptionRuleCourse
from exams.models import (
    Course,
    CourseSubstitution,
    ExamSitting,
    ExamSlot,
    Institution,
    Major,
    PlanCourse,
    Room,
    Venue,
)
from zikao.models import County
from zikao.tabular import RowError, RowRefused, TableFileError, column_positions, read_tables, row_values

YES = {"是", "y", "yes", "1", "true", "接受"}
NO = {"否", "n", "no", "0", "false", "停止", "停止新生报名"}


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    names: tuple  # sheet / file names that announce this kind
    columns: dict  # key → (Chinese label, aliases …)
    required: tuple


def kind_names(last_separator="、"):
    """主考院校、课程 … 或 免考规则: the kinds of data one file or sheet may hold."""
    labels = [kind.label for kind in KINDS]
    return "、".join(labels[:-1]) + last_separator + labels[-1]


KINDS = [
    Kind("institutions", "主考院校", ("主考院校", "院校", "institutions"), {
        "code": ("院校代码", "institution_code"), "name": ("院校名称", "institution_name"),
        "practical": ("平台办理实践报名", "practical_on_platform"),
    }, ("code", "name")),
    Kind("courses", "课程", ("课程", "courses"), {
        "code": ("课程代码", "course_code"), "name": ("课程名称", "course_name"),
        "mode": ("考试方式", "exam_mode"), "source": ("命题", "source"),
    }, ("code", "name")),
    Kind("majors", "专业", ("专业", "majors"), {
        "code": ("专业代码", "major_code"), "name": ("专业名称", "major_name"), "level": ("层次", "level"),
        "institution": ("主考院校代码", "院校代码", "institution_code"), "version": ("计划版本", "plan_version"),
        "accepting": ("接受新生报名", "accepting_new"), "min_credits": ("最低毕业学分", "min_credits"),
    }, ("code", "name", "level", "institution", "min_credits")),
    Kind("plans", "专业计划", ("专业计划", "计划", "plans"), {
        "major": ("专业代码", "major_code"), "course": ("课程代码", "course_code"), "credits": ("学分", "credits"),
        "category": ("类别", "category"), "group": ("选考组", "elective_group"),
        "counts": ("计学分", "counts_credit"), "remark": ("备注", "remark"), "sort": ("排序", "sort"),
    }, ("major", "course", "credits", "category")),
    Kind("substitutions", "顶替课程", ("顶替课程", "顶替", "substitutions"), {
        "old": ("原课程代码", "old_course"), "new": ("顶替课程代码", "new_course"),
        "major": ("专业代码", "major_code"), "remark": ("说明", "remark"),
    }, ("old", "new")),
    Kind("sittings", "考次", ("考次", "sittings"), {
        "code": ("考次", "sitting"), "start": ("第一天考试日期", "exam_start"),
        "ticket": ("准考证打印开始时间", "ticket_print_from"), "scores": ("成绩发布时间", "score_publish_at"),
        "recheck": ("成绩复核截止日期", "recheck_deadline"),
    }, ("code", "start")),
    Kind("timetable", "课程考试安排", ("课程考试安排", "考试安排", "timetable"), {
        "sitting": ("考次", "sitting"), "date": ("考试日期", "date"), "period": ("时段", "period"),
        "course": ("课程代码", "course_code"),
    }, ("sitting", "date", "period", "course")),
    Kind("venues", "考点", ("考点", "venues"), {
        "code": ("考点代码", "venue_code"), "name": ("考点名称", "venue_name"),
        "county": ("区县代码", "county_code"), "address": ("地址", "address"),
    }, ("code", "name", "county", "address")),
    Kind("rooms", "考场", ("考场", "rooms"), {
        "venue": ("考点代码", "venue_code"), "number": ("考场号", "room_number"),
        "capacity": ("座位数", "capacity"),
    }, ("venue", "number")),
    Kind("exemptions", "免考规则", ("免考规则", "exemption_rules"), {
        "code": ("依据代码", "basis_code"), "name": ("免考依据", "basis"), "course": ("课程代码", "course_code"),
        "same": ("须同名课程", "same_course_required"), "active": ("可申请", "active"), "remark": ("说明", "remark"),
    }, ("code", "name")),
]
KIND_ORDER = {kind.key: i for i, kind in enumerate(KINDS)}  # referenced rows first



@dataclass
class KindReport:
    label: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class CatalogueReport:
    kinds: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    def count(self, kind, outcome):
        report = self.kinds.setdefault(kind.key, KindReport(kind.label))
        setattr(report, outcome, getattr(report, outcome) + 1)


def _kind_of(table, file_stem):
    """The kind of a table: its sheet name, the file name, or else the columns it has."""
    for name in (table.name, file_stem):
        for kind in KINDS:
            if name and name.strip().lower() in {n.lower() for n in kind.names}:
                return kind
    header = {cell.strip().lower() for cell in table.header}
    fitting = [
        kind for kind in KINDS
        if all(any(alias.lower() in header for alias in kind.columns[key]) for key in kind.required)
    ]
    if not fitting:
        where = f"工作表“{table.name}”" if table.name else "文件"
        raise TableFileError(
            f"无法判断{where}是哪类数据：请把工作表（或文件）命名为 {kind_names(' 或 ')}，并按README中的列名填写第一行。",
            code="unknown_table",
        )
    # The most specific match: plans (专业代码+课程代码+学分+类别) over majors, and so on.
    return max(fitting, key=lambda kind: len(kind.required))


def import_file(raw, *, file_stem="", actor_label, dry_run=False):
    """Import every table of the file; returns a CatalogueReport. Raises TableFileError."""
    tables = []
    for table in read_tables(raw):
        kind = _kind_of(table, file_stem)
        positions = column_positions(table.header, kind.columns, required=kind.required)
        tables.append((kind, table, positions))
    tables.sort(key=lambda item: KIND_ORDER[item[0].key])
    several = len(tables) > 1
    report = CatalogueReport()
    with transaction.atomic():
        for kind, table, positions in tables:
            for line, cells in table.rows:
                values = row_values(cells, positions)
                missing = [kind.columns[key][0] for key in kind.required if not values.get(key)]
                if missing:
                    report.errors.append(
                        RowError(line, "缺少" + "、".join(missing) + "。", table=kind.label if several else "")
                    )
                    continue
                try:
                    with transaction.atomic():
                        outcome = IMPORTERS[kind.key](values, actor_label=actor_label)
                except (RowRefused, services.CatalogueError) as error:
                    report.errors.append(RowError(line, str(error), table=kind.label if several else ""))
                    continue
                report.count(kind, outcome)
        if dry_run:
            transaction.set_rollback(True)
    return report


# --------------------------------------------------------------------------- row helpers


def _choice(value, mapping, label, default=None):
    if not value:
        if default is None:
            raise RowRefused(f"缺少{label}。")
        return default
    try:
        return mapping[value]
    except KeyError:
        raise RowRefused(f"{label}“{value}”无效，应为" + "、".join(dict.fromkeys(k for k in mapping if not k.isascii())) + "。") from None


def _yes_no(value, label, default):
    if not value:
        return default
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    raise RowRefused(f"{label}应填“是”或“否”。")


def _int(value, label):
    try:
        return int(value)
    except ValueError:
        raise RowRefused(f"{label}“{value}”应为整数。") from None


def _date(value, label):
    try:
        return datetime.date.fromisoformat(value.replace("/", "-")[:10])
    except ValueError:
        raise RowRefused(f"{label}“{value}”应为日期，例如 2027-04-10。") from None


def _datetime(value, label):
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise RowRefused(f"{label}“{value}”应为日期时间，例如 2027-04-03 08:00。") from None
    from django.utils import timezone

    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _get(model, label, **lookup):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        value = next(iter(lookup.values()))
        raise RowRefused(f"{label} {value} 不存在，请先导入{label.removesuffix('代码')}。")
    return obj


def _upsert(model, lookup, values, actor_label):
    outcome, _ = services.upsert(model, lookup=lookup, values=values, actor_label=actor_label)
    return outcome


# --------------------------------------------------------------------------- one function per kind


def _institution(values, *, actor_label):
    return _upsert(Institution, {"code": values["code"]}, {
        "name": values["name"], "practical_on_platform": _yes_no(values.get("practical"), "平台办理实践报名", True),
    }, actor_label)


MODES = {"笔试": Course.ExamMode.WRITTEN, "实践": Course.ExamMode.PRACTICAL, "written": "written", "practical": "practical"}
SOURCES = {"国考": Course.Source.NATIONAL, "省考": Course.Source.PROVINCIAL, "national": "national", "provincial": "provincial"}


def _course(values, *, actor_label):
    return _upsert(Course, {"code": values["code"]}, {
        "name": values["name"],
        "exam_mode": _choice(values.get("mode"), MODES, "考试方式", Course.ExamMode.WRITTEN),
        "source": _choice(values.get("source"), SOURCES, "命题", Course.Source.NATIONAL),
    }, actor_label)


LEVELS = {"专科": Major.Level.JUNIOR_COLLEGE, "专升本": Major.Level.UPGRADE, "本科": Major.Level.UPGRADE,
          "zk": "zk", "zsb": "zsb"}
VERSIONS = {"新": "new", "新计划": "new", "旧": "old", "旧计划": "old", "new": "new", "old": "old"}


def _major(values, *, actor_label):
    institution = _get(Institution, "主考院校代码", code=values["institution"])
    return _upsert(Major, {"code": values["code"].upper()}, {
        "name": values["name"], "level": _choice(values["level"], LEVELS, "层次"), "institution": institution,
        "plan_version": _choice(values.get("version"), VERSIONS, "计划版本", "new"),
        "accepting_new": _yes_no(values.get("accepting"), "接受新生报名", True),
        "min_credits": _int(values["min_credits"], "最低毕业学分"),
    }, actor_label)


CATEGORIES = {"必考": "required", "选考": "elective", "加考": "extra", "实践": "practical",
              "required": "required", "elective": "elective", "extra": "extra", "practical": "practical"}


def _plan(values, *, actor_label):
    major = _get(Major, "专业代码", code=values["major"].upper())
    course = _get(Course, "课程代码", code=values["course"])
    return _upsert(PlanCourse, {"major": major, "course": course}, {
        "credits": _int(values["credits"], "学分"),
        "category": _choice(values["category"], CATEGORIES, "类别"),
        "elective_group": values.get("group", ""),
        "counts_credit": _yes_no(values.get("counts"), "计学分", True),
        "remark": values.get("remark", ""),
        "sort": _int(values["sort"], "排序") if values.get("sort") else 0,
    }, actor_label)


def _substitution(values, *, actor_label):
    old = _get(Course, "原课程代码", code=values["old"])
    new = _get(Course, "顶替课程代码", code=values["new"])
    major = _get(Major, "专业代码", code=values["major"].upper()) if values.get("major") else None
    return _upsert(CourseSubstitution, {"old_course": old, "new_course": new, "major": major},
                   {"remark": values.get("remark", "")}, actor_label)


def _sitting(values, *, actor_label):
    start = _date(values["start"], "第一天考试日期")
    existed = ExamSitting.objects.filter(code=values["code"]).exists()
    sitting = services.ensure_sitting(code=values["code"], exam_start=start, actor_label=actor_label)
    changes = {
        "ticket_print_from": _datetime(values.get("ticket", ""), "准考证打印开始时间"),
        "score_publish_at": _datetime(values.get("scores", ""), "成绩发布时间"),
        "recheck_deadline": _date(values["recheck"], "成绩复核截止日期") if values.get("recheck") else None,
    }
    if sitting.exam_start != start:
        raise RowRefused(f"考次 {sitting.code} 已定于{sitting.exam_start:%Y-%m-%d}开考；改期请在管理后台修改。")
    outcome, _ = services.upsert(ExamSitting, lookup={"code": sitting.code}, values=changes, actor_label=actor_label)
    return "created" if not existed else outcome


PERIODS = {"上午": "am", "下午": "pm", "am": "am", "pm": "pm"}


def _timetable(values, *, actor_label):
    if not ExamSitting.objects.filter(code=values["sitting"]).exists():
        services.ensure_sitting(code=values["sitting"], actor_label=actor_label)
    sitting = ExamSitting.objects.get(code=values["sitting"])
    day = _date(values["date"], "考试日期")
    period = _choice(values["period"], PERIODS, "时段")
    slot = ExamSlot.objects.filter(sitting=sitting, date=day, period=period).first()
    if slot is None:
        raise RowRefused(
            f"{day:%Y-%m-%d} 不是考次 {sitting.code} 的考试日（{sitting.exam_start:%Y-%m-%d}、{sitting.exam_end:%Y-%m-%d}）。"
        )
    course = _get(Course, "课程代码", code=values["course"])
    return services.schedule_course(sitting=sitting, slot=slot, course=course, actor_label=actor_label)


def _venue(values, *, actor_label):
    county = County.objects.filter(code=values["county"]).first()
    if county is None:
        raise RowRefused(f"区县代码 {values['county']} 不是山西省的区县代码。")
    return _upsert(Venue, {"code": values["code"]}, {
        "name": values["name"], "county": county, "address": values["address"],
    }, actor_label)


def _room(values, *, actor_label):
    venue = _get(Venue, "考点代码", code=values["venue"])
    capacity = _int(values["capacity"], "座位数") if values.get("capacity") else 30
    return _upsert(Room, {"venue": venue, "number": values["number"]}, {"capacity": capacity}, actor_label)


def _exemption_rule(values, *, actor_label):
    """免考规则: one row per basis and course (a transcript basis may have a row without a course)."""
    code = values["code"].strip().upper()
    outcome, rule = services.upsert(ExemptionRule, lookup={"code": code}, values={
        "name": values["name"], "same_course_required": _yes_no(values.get("same"), "须同名课程", False),
        "active": _yes_no(values.get("active"), "可申请", True), "remark": values.get("remark", ""),
    }, actor_label=actor_label)
    if values.get("course"):
        course = _get(Course, "课程代码", code=values["course"])
        linked = _upsert(ExemptionRuleCourse, {"rule": rule, "course": course}, {}, actor_label)
        if outcome == "unchanged":
            outcome = "updated" if linked == "created" else "unchanged"
    return outcome


IMPORTERS = {
    "institutions": _institution, "courses": _course, "majors": _major, "plans": _plan,
    "substitutions": _substitution, "sittings": _sitting, "timetable": _timetable, "venues": _venue,
    "rooms": _room, "exemptions": _exemption_rule,
}
