"""Public catalogue pages: 专业计划查询 and 课程考试安排 (no sign-in, same for everybody)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from exams import selectors
from exams.forms import PlanFilterForm


@require_GET
def plan_list(request):
    form = PlanFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    majors = selectors.majors(
        level=filters.get("level", ""), institution=filters.get("institution", ""), keyword=filters.get("keyword", ""),
    )
    return render(request, "exams/plan_list.html", {"form": form, "majors": majors, "filtered": bool(filters)})


@require_GET
def plan_detail(request, code):
    """One major's plan: three queries whatever its length (major, plan, substitutions)."""
    major = selectors.get_major(code)
    courses = selectors.plan_courses(major)
    return render(request, "exams/plan_detail.html", {
        "major": major,
        "courses": courses,
        "course_count": len(courses),
        "credit_total": sum(pc.credits for pc in courses if pc.counts_credit),
        "substitutions": selectors.substitutions_for(major),
    })


@require_GET
def timetable(request):
    sittings = selectors.sittings_with_timetable()
    chosen = next((s for s in sittings if s.code == request.GET.get("sitting")), sittings[0] if sittings else None)
    days = {}
    if chosen is not None:
        for slot, entries in selectors.timetable(chosen):
            days.setdefault(slot.date, []).append((slot, entries))
    return render(request, "exams/timetable.html", {"sittings": sittings, "sitting": chosen, "days": days})
