"""Reads of 毕业申请 scoped to who asks: candidates their own (404 otherwise), officers their scope."""

import re

from django.db.models import Q
from django.http import Http404

from candidates.scopes import by_scope
from records.graduation_models import GraduationApplication

Status = GraduationApplication.Status
NOTHING = Q(pk__in=[])
NUMBER_RE = re.compile(r"^BY([0-9]{8})$")


def _pk(number):
    match = NUMBER_RE.match(number or "")
    if match is None:
        raise Http404("没有这份毕业申请。")
    return int(match.group(1))


def candidate_applications(candidate):
    return list(
        GraduationApplication.objects.filter(candidate=candidate)
        .select_related("window", "major")
        .order_by("-submitted_at", "-id")
    )


def get_candidate_application(*, candidate, number):
    """The candidate's own application ``number``, or 404 (also for other candidates' numbers)."""
    application = (
        GraduationApplication.objects.filter(candidate=candidate, pk=_pk(number))
        .select_related("window", "major__institution")
        .first()
    )
    if application is None:
        raise Http404("没有这份毕业申请。")
    application.candidate = candidate
    return application


def officer_scope_q(user):
    """Province: all. City: its counties'. County: its own candidates'. Institutions: none."""
    return by_scope(
        user,
        everything=Q(),
        nothing=NOTHING,
        city=lambda scope: Q(candidate__county__city_id=scope.city_id),
        county=lambda scope: Q(candidate__county_id=scope.county_id),
    )


def officer_applications(user):
    return GraduationApplication.objects.filter(officer_scope_q(user)).select_related(
        "candidate__county__city", "window", "major__institution"
    )


def get_officer_application(*, user, pk):
    application = officer_applications(user).filter(pk=pk).first()
    if application is None:
        raise Http404("没有这份毕业申请，或不在您的管辖范围内。")
    return application


def awaiting_decision_q(user):
    """What waits for this officer: the county's pre-checks, the province's decisions."""
    if user.is_superuser:
        return Q(status__in=[Status.PENDING_COUNTY, Status.PENDING_PROVINCE])
    return by_scope(
        user,
        everything=Q(status=Status.PENDING_PROVINCE),
        nothing=NOTHING,
        city=lambda scope: NOTHING,
        county=lambda scope: Q(status=Status.PENDING_COUNTY, candidate__county_id=scope.county_id),
    )
