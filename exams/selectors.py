"""Public reads of the catalogue: plans, the timetable, venues in an officer's scope.

Each page reads a fixed number of queries whatever the number of courses.
"""

import re

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from candidates.scopes import county_scope_q
from exams.models import (
    MAJOR_CODE_RE,
    CourseSubstitution,
    ExamSitting,
    Institution,
    Major,
    PlanCourse,
    TimetableEntry,
    Venue,
)


def institutions():
    return Institution.objects.order_by("code")


def majors(*, level="", institution="", keyword=""):
    """Majors for 专业计划查询, filtered by level, institution code and a keyword (code or name)."""
    queryset = Major.objects.select_related("institution").annotate(course_count=Count("plan_courses"))
    if level:
        queryset = queryset.filter(level=level)
    if institution:
        queryset = queryset.filter(institution__code=institution)
    if keyword:
        queryset = queryset.filter(Q(code__icontains=keyword) | Q(name__icontains=keyword))
    return queryset.order_by("level", "code")


def accepting_majors():
    """Majors a candidate may choose as 报考专业."""
    return Major.objects.filter(accepting_new=True).select_related("institution").order_by("level", "code")


def plan_courses(major):
    return list(PlanCourse.objects.filter(major=major).select_related("course").order_by("sort", "course__code"))


def substitutions_for(major):
    """The 顶替 rules that apply to ``major``: its own and those valid in every major."""
    return list(
        CourseSubstitution.objects.filter(Q(major=major) | Q(major__isnull=True))
        .select_related("old_course", "new_course")
        .order_by("new_course__code", "old_course__code")
    )


def get_major(code):
    """The major with ``code``, or 404; a string that cannot be a major code is a 404 without a query."""
    if not re.fullmatch(MAJOR_CODE_RE, code):
        raise Http404("没有这个专业代码。")
    return get_object_or_404(Major.objects.select_related("institution"), code=code)


def sittings_with_timetable():
    return list(ExamSitting.objects.filter(timetable__isnull=False).distinct().order_by("-code"))


def timetable(sitting):
    """The sitting's entries by slot: [(slot, [entry, …]), …] in exam order (one query)."""
    groups = {}
    entries = TimetableEntry.objects.filter(sitting=sitting).select_related("slot", "course").order_by(
        "slot__date", "slot__period", "course__code"
    )
    for entry in entries:
        groups.setdefault(entry.slot, []).append(entry)
    return list(groups.items())


def officer_venues(user):
    """Venues in ``user``'s county, city or province."""
    return Venue.objects.filter(county_scope_q(user)).select_related("county__city").prefetch_related(
        Prefetch("rooms")
    )


def get_major_by_pk(pk):
    return Major.objects.select_related("institution").get(pk=pk)


def majors_for_profile(current_major_id=None):
    """报考专业 choices: majors accepting candidates, and the candidate's current one."""
    return Major.objects.filter(Q(accepting_new=True) | Q(pk=current_major_id)).select_related("institution").order_by(
        "level", "code"
    )
