"""The signed-in candidate's own record, and their progress against their major's plan."""

from dataclasses import dataclass, field

from exams import selectors as exam_selectors
from exams.models import PlanCourse
from records.models import PassedCourse


def passed_courses(candidate):
    """The candidate's ledger, by course code (one query)."""
    return list(
        PassedCourse.objects.filter(candidate=candidate).select_related("course", "sitting").order_by("course__code")
    )


@dataclass
class PlanRow:
    plan_course: PlanCourse
    passed: PassedCourse | None = None
    via: str = ""  # "顶替（课程代码）" when another passed course stands for it

    @property
    def done(self):
        return self.passed is not None


@dataclass
class Progress:
    major: object
    rows: list = field(default_factory=list)
    credits: int = 0

    @property
    def min_credits(self):
        return self.major.min_credits

    @property
    def missing_required(self):
        """Required (必考 / 实践) courses not yet passed, plus elective groups with none passed."""
        missing = [
            row.plan_course for row in self.rows
            if not row.done and not row.plan_course.elective_group
            and row.plan_course.category != PlanCourse.Category.ELECTIVE
        ]
        groups = {}
        for row in self.rows:
            if row.plan_course.elective_group:
                groups.setdefault(row.plan_course.elective_group, []).append(row)
        for rows in groups.values():
            if not any(row.done for row in rows):
                missing.extend(row.plan_course for row in rows)
        return missing

    @property
    def percent(self):
        return min(100, round(100 * self.credits / self.min_credits)) if self.min_credits else 0

    @property
    def complete(self):
        return self.credits >= self.min_credits and not self.missing_required


def progress(candidate, ledger):
    """Progress of ``candidate`` (ledger already read) against their 报考专业; None without one.

    Three queries whatever the plan's length: major, plan, substitutions.
    """
    if candidate.major_id is None:
        return None
    major = exam_selectors.get_major_by_pk(candidate.major_id)
    by_course = {entry.course_id: entry for entry in ledger}
    stands_for = {}
    for rule in exam_selectors.substitutions_for(major):
        if rule.old_course_id in by_course:
            stands_for.setdefault(rule.new_course_id, (by_course[rule.old_course_id], rule.old_course.code))
    result = Progress(major=major)
    groups_counted = set()
    for plan_course in exam_selectors.plan_courses(major):
        row = PlanRow(plan_course=plan_course, passed=by_course.get(plan_course.course_id))
        if row.passed is None and plan_course.course_id in stands_for:
            row.passed, old_code = stands_for[plan_course.course_id]
            row.via = f"由 {old_code} 顶替"
        result.rows.append(row)
        if row.done and plan_course.counts_credit:
            group = plan_course.elective_group
            if group and group in groups_counted:
                continue  # 任选一门: a second course of the group adds no credits
            groups_counted.add(group)
            result.credits += plan_course.credits
    return result
