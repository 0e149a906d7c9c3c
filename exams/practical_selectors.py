"""Reads of 实践性环节报名 scoped to who asks."""

from django.db.models import Q

from candidates.scopes import by_scope
from exams.practical_models import PracticalRegistration

NOTHING = Q(pk__in=[])


def officer_scope_q(user):
    """Province sees every registration; 主考院校 staff their institution's. County and city offices
    see none: the institutions, not the offices, run practical registration, and a county office
    has nothing to decide in it."""
    return by_scope(
        user, everything=Q(), nothing=NOTHING, city=lambda scope: NOTHING, county=lambda scope: NOTHING,
        institution=lambda scope: Q(institution_id=scope.institution_id),
    )


def officer_registrations(user):
    return PracticalRegistration.objects.filter(officer_scope_q(user)).select_related(
        "candidate", "institution", "major", "window"
    )


def awaiting_decision_q(user):
    """What waits for this officer: paid registrations of their institution still undecided."""
    return by_scope(
        user, everything=NOTHING, nothing=NOTHING, city=lambda scope: NOTHING, county=lambda scope: NOTHING,
        institution=lambda scope: Q(institution_id=scope.institution_id, paid_at__isnull=False),
    )


def candidate_registrations(candidate):
    return list(
        PracticalRegistration.objects.filter(candidate=candidate).select_related("institution", "window")
        .prefetch_related("items__course").order_by("-submitted_at")
    )


def fee_scope_q(user):
    """The fee rows an officer may see: the province all, an institution its own."""
    return by_scope(
        user, everything=Q(), nothing=NOTHING, city=lambda scope: NOTHING, county=lambda scope: NOTHING,
        institution=lambda scope: Q(institution_id=scope.institution_id),
    )
