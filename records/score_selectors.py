"""Reads of scores and 成绩复核 requests, scoped to who asks."""

from django.db.models import Q, Subquery
from django.http import Http404

from candidates.scopes import by_scope, county_scope_q
from records.score_models import Score, ScoreRecheck

NOTHING = Q(pk__in=[])


def latest_published_scores(candidate):
    """The candidate's published scores of the latest sitting they have published scores in, each
    with its sitting, publication, course and re-check request: one query, whatever the number of
    courses (the score morning's page)."""
    latest = (
        Score.objects.filter(candidate=candidate, published=True)
        .order_by("-sitting__code").values("sitting_id")[:1]
    )
    return list(
        Score.objects.filter(candidate=candidate, published=True, sitting_id=Subquery(latest))
        .select_related("sitting__score_publication", "course", "recheck")
        .order_by("course__code")
    )


def own_scores(candidate, pks):
    """The candidate's own published scores with these primary keys; 404 if any is not theirs."""
    pks = {int(pk) for pk in pks}
    scores = list(
        Score.objects.filter(candidate=candidate, published=True, pk__in=pks).select_related("sitting", "course")
    )
    if len(scores) != len(pks):
        raise Http404("没有这条成绩。")
    return scores


def officer_scores(user):
    return Score.objects.filter(county_scope_q(user, "candidate__county")).select_related(
        "candidate", "sitting", "course"
    )


def officer_rechecks(user):
    """Re-check requests of the candidates in the officer's county, city or province."""
    return ScoreRecheck.objects.filter(county_scope_q(user, "candidate__county")).select_related(
        "candidate", "score__sitting", "score__course", "decided_by"
    )


def awaiting_decision_q(user):
    """What waits for this officer: pending requests of their county (county offices decide)."""
    return by_scope(
        user, everything=Q(status=ScoreRecheck.Status.PENDING) if user.is_superuser else NOTHING, nothing=NOTHING,
        city=lambda scope: NOTHING, county=lambda scope: Q(status=ScoreRecheck.Status.PENDING),
    )
