"""Officer scopes: which candidates and objects a staff user may see.

Every admin queryset goes through ``county_scope_q`` (or the transfer-specific
variants built on ``by_scope``) so that no screen can forget the scope.
"""

from django.db.models import Q

from candidates.models import OfficerScope


def officer_scope(user):
    """The OfficerScope of ``user``; None for a staff user without one."""
    if not user.is_authenticated or not user.is_staff:
        return None
    try:
        return user.officer_scope
    except OfficerScope.DoesNotExist:
        return None


def is_province_officer(user):
    if user.is_superuser:
        return True
    scope = officer_scope(user)
    return scope is not None and scope.level == OfficerScope.Level.PROVINCE


def by_scope(user, *, everything, nothing, city, county, institution=None):
    """The rule every scope check shares: superusers and province officers get
    ``everything``, staff without a scope (and non-staff) ``nothing``; a city or
    county officer gets ``city(scope)`` or ``county(scope)``; 主考院校 staff get
    ``institution(scope)``, or ``nothing`` where the check is about a part of the
    province (institution staff have no county or city).
    """
    if user.is_superuser:
        return everything
    scope = officer_scope(user)
    if scope is None:
        return nothing
    if scope.level == OfficerScope.Level.PROVINCE:
        return everything
    if scope.level == OfficerScope.Level.CITY:
        return city(scope)
    if scope.level == OfficerScope.Level.INSTITUTION:
        return nothing if institution is None else institution(scope)
    return county(scope)


def county_scope_q(user, county_field="county"):
    """A Q restricting ``county_field`` to the officer's county, city or nothing."""
    return by_scope(
        user, everything=Q(), nothing=Q(pk__in=[]),
        city=lambda scope: Q(**{f"{county_field}__city_id": scope.city_id}),
        county=lambda scope: Q(**{f"{county_field}_id": scope.county_id}),
    )


def covers_county(user, county):
    """True if ``user``'s scope includes ``county``."""
    return by_scope(
        user, everything=True, nothing=False,
        city=lambda scope: county.city_id == scope.city_id,
        county=lambda scope: county.pk == scope.county_id,
    )
