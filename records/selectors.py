"""The signed-in candidate's own record, and their progress against their major's plan."""

import re
from dataclasses import dataclass, field

from exams import selectors as exam_selectors
from exams.models import Course, PlanCourse
from records.models import PassedCourse


def passed_courses(candidate):
    """The candidate's ledger, by course code (one query)."""
    return list(
        PassedCourse.objects.filter(candidate=candidate).select_related("course", "sitting").order_by("course__code")
    )


# How a plan course stands, as 毕业合格条件查询 shows it.
PASSED, EXEMPTED, SUBSTITUTED, NOT_NEEDED, MISSING = "passed", "exempted", "substituted", "not_needed", "missing"
STATUS_LABELS = {
    PASSED: "已合格", EXEMPTED: "已免考", SUBSTITUTED: "已顶替", NOT_NEEDED: "同组已选其他课程", MISSING: "未合格",
}
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def group_needs(name):
    """How many courses an elective group asks for: 任选一门 → 1, 任选两门 / 任选2门 → 2; 1 otherwise."""
    match = re.search(r"选\s*([0-9]+|[一二两三四五六七八九])\s*门", name or "")
    if not match:
        return 1
    value = match.group(1)
    return int(value) if value.isdigit() else _CHINESE_DIGITS[value]


@dataclass
class PlanRow:
    plan_course: PlanCourse
    passed: PassedCourse | None = None
    via: str = ""  # "由（课程代码）顶替" when another passed course stands for it
    counted: bool = False  # its credits are in Progress.credits
    group_satisfied: bool = False  # its elective group has enough courses without it

    @property
    def done(self):
        return self.passed is not None

    @property
    def status(self):
        if self.passed is None:
            return NOT_NEEDED if self.group_satisfied else MISSING
        if self.via or self.passed.source == PassedCourse.Source.SUBSTITUTION:
            return SUBSTITUTED
        if self.passed.source == PassedCourse.Source.EXEMPTION:
            return EXEMPTED
        return PASSED

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def is_practical(self):
        """实践性环节 or 毕业论文 / 毕业考核: the plan calls it practical, or it is not a written exam."""
        return (
            self.plan_course.category == PlanCourse.Category.PRACTICAL
            or self.plan_course.course.exam_mode == Course.ExamMode.PRACTICAL
        )


@dataclass
class ElectiveGroup:
    name: str
    needs: int
    rows: list = field(default_factory=list)

    @property
    def done_rows(self):
        return [row for row in self.rows if row.done]

    @property
    def satisfied(self):
        return len(self.done_rows) >= self.needs


@dataclass
class Progress:
    """A candidate against their major's plan: the one rule 合格成绩查询, 实践性环节报名 and
    毕业申请 share (see ``progress``)."""

    major: object
    rows: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    credits: int = 0

    @property
    def min_credits(self):
        return self.major.min_credits

    @property
    def credits_short(self):
        return max(0, self.min_credits - self.credits)

    def _required(self, row):
        return not row.plan_course.elective_group and row.plan_course.category != PlanCourse.Category.ELECTIVE

    @property
    def missing_required(self):
        """Required (必考 / 加考 / 实践) courses not yet passed, plus the courses of elective groups
        that still lack a passed course (any of them would do)."""
        missing = [row.plan_course for row in self.rows if self._required(row) and not row.done]
        for group in self.groups:
            if not group.satisfied:
                missing.extend(row.plan_course for row in group.rows if not row.done)
        return missing

    @property
    def required_rows(self):
        return [row for row in self.rows if self._required(row) and not row.is_practical]

    @property
    def practical_rows(self):
        return [row for row in self.rows if self._required(row) and row.is_practical]

    @property
    def optional_rows(self):
        """选考 courses outside any group: they only add credits."""
        return [row for row in self.rows if not self._required(row) and not row.plan_course.elective_group]

    @property
    def shortfalls(self):
        """Exactly what is missing, one sentence each, in the order the page lists them."""
        lines = []
        for row in self.rows:
            if self._required(row) and not row.done:
                kind = "实践性环节" if row.is_practical else "必考课程"
                course = row.plan_course.course
                lines.append(f"{kind} {course.code} {course.name} 尚未合格")
        for group in self.groups:
            if not group.satisfied:
                names = "、".join(f"{row.plan_course.course.code} {row.plan_course.course.name}" for row in group.rows)
                lines.append(
                    f"选考课程组“{group.name}”须合格 {group.needs} 门，现有 {len(group.done_rows)} 门（可选：{names}）"
                )
        if self.credits_short:
            lines.append(f"学分还差 {self.credits_short} 分（已获 {self.credits} 分，最低毕业学分 {self.min_credits} 分）")
        return lines

    @property
    def percent(self):
        return min(100, round(100 * self.credits / self.min_credits)) if self.min_credits else 0

    @property
    def complete(self):
        return not self.shortfalls


def progress(candidate, ledger):
    """Progress of ``candidate`` (ledger already read) against their 报考专业; None without one.

    A passed course counts once: for itself when it is in the plan, otherwise (顶替) for at most
    one plan course it may stand for. An elective group 任选N门 adds the credits of its N best
    passed courses, however many are passed. Courses that do not count credits (毕业考核) are
    required all the same. Three queries whatever the plan's length: major, plan, substitutions.
    """
    if candidate.major_id is None:
        return None
    major = exam_selectors.get_major_by_pk(candidate.major_id)
    plan = exam_selectors.plan_courses(major)
    in_plan = {plan_course.course_id for plan_course in plan}
    by_course = {entry.course_id: entry for entry in ledger}
    stands_for, used = {}, set()
    for rule in exam_selectors.substitutions_for(major):
        old = by_course.get(rule.old_course_id)
        if old is None or rule.old_course_id in in_plan or rule.new_course_id in by_course:
            continue
        if rule.new_course_id in stands_for or old.pk in used:
            continue
        stands_for[rule.new_course_id] = (old, rule.old_course.code)
        used.add(old.pk)
    result = Progress(major=major)
    groups = {}
    for plan_course in plan:
        row = PlanRow(plan_course=plan_course, passed=by_course.get(plan_course.course_id))
        if row.passed is None and plan_course.course_id in stands_for:
            row.passed, old_code = stands_for[plan_course.course_id]
            row.via = f"由 {old_code} 顶替"
        result.rows.append(row)
        if plan_course.elective_group:
            group = groups.get(plan_course.elective_group)
            if group is None:
                group = groups[plan_course.elective_group] = ElectiveGroup(
                    plan_course.elective_group, group_needs(plan_course.elective_group)
                )
                result.groups.append(group)
            group.rows.append(row)
        elif row.done and plan_course.counts_credit:
            row.counted = True
            result.credits += plan_course.credits
    for group in result.groups:
        best = sorted(
            (row for row in group.done_rows if row.plan_course.counts_credit),
            key=lambda row: -row.plan_course.credits,
        )[: group.needs]
        for row in best:
            row.counted = True
            result.credits += row.plan_course.credits
        for row in group.rows:
            row.group_satisfied = group.satisfied and not row.done
    return result
