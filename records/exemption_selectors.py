"""Reads of exemption applications, scoped to who asks.

Candidates reach only their own; officers the applications of their county / city / the province
(never drafts). Anything outside the scope is a 404 (photos: 404 if unknown, 403 if not theirs).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from candidates.models import OfficerScope
from candidates.scopes import by_scope, officer_scope
from exams import selectors as exam_selectors
from exams.exemption_models import ExemptionRule
from records.exemption_models import ExemptionApplication, ExemptionItem, ExemptionPhoto
from records.models import PassedCourse

Status = ExemptionApplication.Status


def active_rules():
    return list(ExemptionRule.objects.filter(active=True).prefetch_related("rule_courses__course").order_by("code"))


def get_active_rule(code):
    return ExemptionRule.objects.filter(active=True, code=code).prefetch_related("rule_courses__course").first()


def passed_course_ids(candidate):
    return set(PassedCourse.objects.filter(candidate=candidate).values_list("course_id", flat=True))


def has_exam_pass(candidate):
    return PassedCourse.objects.filter(candidate=candidate, source=PassedCourse.Source.EXAM).exists()


def plan_of(candidate):
    """{course_id: PlanCourse} of the candidate's major (empty without one)."""
    if candidate.major_id is None:
        return {}
    return {pc.course_id: pc for pc in exam_selectors.plan_courses(candidate.major_id)}


def _with_related(queryset):
    return queryset.select_related("candidate", "window", "rule", "county__city").prefetch_related(
        Prefetch("items", queryset=ExemptionItem.objects.select_related("course")), "photos",
    )


def candidate_applications(candidate):
    """The candidate's submitted (or withdrawn) applications, newest first; drafts are not listed."""
    return _with_related(ExemptionApplication.objects.filter(candidate=candidate).exclude(status=Status.DRAFT))


def get_candidate_application(*, candidate, pk, drafts=False):
    queryset = ExemptionApplication.objects.filter(candidate=candidate)
    if not drafts:
        queryset = queryset.exclude(status=Status.DRAFT)
    return get_object_or_404(_with_related(queryset), pk=pk)


def officer_scope_q(user):
    return by_scope(
        user, everything=Q(), nothing=Q(pk__in=[]),
        city=lambda scope: Q(county__city_id=scope.city_id),
        county=lambda scope: Q(county_id=scope.county_id),
    )


def officer_applications(user):
    return ExemptionApplication.objects.exclude(status=Status.DRAFT).filter(officer_scope_q(user)).select_related(
        "candidate", "window", "rule", "county__city",
    )


def get_officer_application(*, user, pk):
    return get_object_or_404(_with_related(officer_applications(user)), pk=pk)


def awaiting_decision_q(user):
    """What waits for ``user``'s office: the county step for its county, the city step for its
    city, the province step for the province (superusers: every pending step)."""
    if user.is_superuser:
        return Q(status__in=ExemptionApplication.PENDING_STATUSES)
    scope = officer_scope(user)
    if scope is None:
        return Q(pk__in=[])
    if scope.level == OfficerScope.Level.COUNTY:
        return Q(status=Status.PENDING_COUNTY, county_id=scope.county_id)
    if scope.level == OfficerScope.Level.CITY:
        return Q(status=Status.PENDING_CITY, county__city_id=scope.city_id)
    if scope.level == OfficerScope.Level.PROVINCE:
        return Q(status=Status.PENDING_PROVINCE)
    return Q(pk__in=[])


def can_view_photo(user, photo):
    application = photo.application
    if not user.is_authenticated:
        return False
    if application.candidate.user_id == user.pk:
        return True
    if not (user.is_staff and user.has_perm("records.view_exemptionapplication")):
        return False
    return application.status != Status.DRAFT and officer_applications(user).filter(pk=application.pk).exists()


def get_photo_for_viewer(user, pk):
    """The photo to its candidate and to officers whose scope covers the application; 403 otherwise."""
    photo = get_object_or_404(ExemptionPhoto.objects.select_related("application__candidate"), pk=pk)
    if not can_view_photo(user, photo):
        raise PermissionDenied
    return photo


def decided_unpublished(window):
    return ExemptionApplication.objects.filter(window=window, status=Status.DECIDED, published_at__isnull=True)


def pending_count(window):
    return ExemptionApplication.objects.filter(window=window, status__in=ExemptionApplication.PENDING_STATUSES).count()
