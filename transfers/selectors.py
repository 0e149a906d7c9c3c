"""Reads of transfer applications, scoped to who asks.

Candidates reach their own applications only; officers those of their scope.
A number outside the scope is a 404, whether or not it exists.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from candidates.models import OfficerScope
from candidates.scopes import by_scope, officer_scope
from transfers.models import TransferApplication

Status = TransferApplication.Status
# What the receiving city sees: applications the original city has released.
RELEASED_STATUSES = [Status.PENDING_DESTINATION, Status.ACCEPTED, Status.REJECTED_BY_DESTINATION]


def _with_related(queryset):
    return queryset.select_related(
        "candidate", "window", "from_city", "from_county__city", "to_city", "to_county__city",
    )


def candidate_applications(candidate):
    # No join back to the candidate (already loaded) and only the relations the candidate's
    # pages show: PostgreSQL plans a query on every request, and planning a wide join
    # costs far more than running it (figures in docs/benchmarks.md).
    return TransferApplication.objects.filter(candidate=candidate).select_related(
        "window", "from_city", "to_city", "to_county__city",
    )


def get_candidate_application(*, candidate, number):
    """The candidate's own application ``number``, or 404 (also for other candidates' numbers)."""
    application = get_object_or_404(candidate_applications(candidate), number=number)
    application.candidate = candidate  # the object in hand, county and city included
    return application


def officer_scope_q(user):
    """Which applications ``user`` may see in admin.

    Province officers and superusers: all.  City officers: those from their city,
    and those to their city once the original city released them.  County
    officers: those from their county and those accepted into it.  Anyone else:
    nothing.
    """
    return by_scope(
        user, everything=Q(), nothing=Q(pk__in=[]),
        city=lambda scope: Q(from_city_id=scope.city_id) | Q(to_city_id=scope.city_id, status__in=RELEASED_STATUSES),
        county=lambda scope: Q(from_county_id=scope.county_id) | Q(to_county_id=scope.county_id),
    )


def awaiting_origin_for_destination(*, user, pk):
    """Application ``pk`` if it is headed for ``user``'s city and its original city has not
    yet released it: the receiving city may learn that it waits, not what it holds."""
    waiting = by_scope(
        user, everything=Q(pk__in=[]), nothing=Q(pk__in=[]),
        city=lambda scope: Q(to_city_id=scope.city_id, status=Status.PENDING_ORIGIN),
        county=lambda scope: Q(pk__in=[]),
    )
    return TransferApplication.objects.filter(waiting, pk=pk).only("pk").first()


def officer_applications(user):
    return _with_related(TransferApplication.objects.filter(officer_scope_q(user)))


def get_officer_application(*, user, pk=None, number=None):
    lookup = {"pk": pk} if pk is not None else {"number": number}
    return get_object_or_404(officer_applications(user), **lookup)


def awaiting_decision_q(user):
    """Applications waiting for a decision of ``user``'s office (city officers; superusers: all pending)."""
    if user.is_superuser:
        return Q(status__in=[Status.PENDING_ORIGIN, Status.PENDING_DESTINATION])
    scope = officer_scope(user)
    if scope is None or scope.level != OfficerScope.Level.CITY:
        return Q(pk__in=[])
    return Q(status=Status.PENDING_ORIGIN, from_city_id=scope.city_id) | Q(
        status=Status.PENDING_DESTINATION, to_city_id=scope.city_id
    )
