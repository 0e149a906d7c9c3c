"""Officer scopes: which candidates and objects a staff user may see.

Every admin queryset goes through ``county_scope_q`` (or the transfer-specific
variants built on ``officer_scope``) so that no screen can forget the scope.
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


def county_scope_q(user, county_field="county"):
    """A Q restricting ``county_field`` to the officer's county, city or nothing.

    Superusers and province officers see everything; staff without a scope see
    nothing.
    """
    if user.is_superuser:
        return Q()
    scope = officer_scope(user)
    if scope is None:
        return Q(pk__in=[])
    if scope.level == OfficerScope.Level.PROVINCE:
        return Q()
    if scope.level == OfficerScope.Level.CITY:
        return Q(**{f"{county_field}__city_id": scope.city_id})
    return Q(**{f"{county_field}_id": scope.county_id})


def covers_county(user, county):
    """True if ``user``'s scope includes ``county``."""
    if user.is_superuser:
        return True
    scope = officer_scope(user)
    if scope is None:
        return False
    if scope.level == OfficerScope.Level.PROVINCE:
        return True
    if scope.level == OfficerScope.Level.CITY:
        return county.city_id == scope.city_id
    return county.pk == scope.county_id
