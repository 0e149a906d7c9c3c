"""Reads of 省际转出 applications, scoped to who asks.

Candidates reach their own applications only; officers those of their scope: the province all,
a city office the applications of candidates of its city (the city at application time), a
county office those of its county (to follow them; they decide nothing). A number or a photo
outside the scope is a 404, whether or not it exists.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from candidates.models import OfficerScope
from candidates.scopes import by_scope, is_province_officer, officer_scope
from transfers.out_models import TransferOut

Status = TransferOut.Status
NOTHING = Q(pk__in=[])
NUMBER_PREFIX = "ZC"


def pk_of(number):
    """The primary key in an application number (ZC + 8 digits), or 404."""
    if not (number.startswith(NUMBER_PREFIX) and number[2:].isdigit() and len(number) == 10):
        raise Http404
    return int(number[2:])


def candidate_applications(candidate):
    return TransferOut.objects.filter(candidate=candidate).select_related("window", "from_city")


def get_candidate_application(*, candidate, number):
    """The candidate's own application ``number``, or 404 (also for other candidates' numbers)."""
    application = get_object_or_404(candidate_applications(candidate), pk=pk_of(number))
    application.candidate = candidate
    return application


def officer_scope_q(user):
    return by_scope(
        user,
        everything=Q(),
        nothing=NOTHING,
        city=lambda scope: Q(from_city_id=scope.city_id),
        county=lambda scope: Q(from_county_id=scope.county_id),
    )


def officer_applications(user):
    return TransferOut.objects.filter(officer_scope_q(user)).select_related(
        "candidate__county__city",
        "window",
        "from_city",
        "from_county__city",
    )


def get_officer_application(*, user, pk):
    return get_object_or_404(officer_applications(user), pk=pk)


def awaiting_decision_q(user):
    """What waits for ``user``'s office: the city office its city's 待市招考办审核, the province
    待省招考中心初审 and 已报送全国平台 (superusers: every step)."""
    if user.is_superuser:
        return Q(status__in=TransferOut.IN_REVIEW_STATUSES)
    if is_province_officer(user):
        return Q(status__in=[Status.PENDING_PROVINCE, Status.SENT])
    scope = officer_scope(user)
    if scope is None or scope.level != OfficerScope.Level.CITY:
        return NOTHING
    return Q(status=Status.PENDING_CITY, from_city_id=scope.city_id)
