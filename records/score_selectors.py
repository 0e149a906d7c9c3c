"""Reads of scores and 成绩复核 requests, scoped to who asks."""

from django.conf import settings
from django.db.models import Q, Subquery
from django.http import Http404

from candidates.backends import warm_user_copies
from candidates.scopes import by_scope, county_scope_q
from records.score_models import Score, ScorePublication, ScoreRecheck
from zikao.copies import UNREAD, cached_copy, store_copies

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


def scores_cache_key(candidate_id):
    return f"records:scores:latest:v1:{candidate_id}"


def latest_published_scores_copy(candidate, *, latest_publication, cached=UNREAD):
    """latest_published_scores from the cache (the score morning: every candidate reloads the
    page), kept for LATEST_SCORES_CACHE_SECONDS under the latest publication's key: a new
    publication makes every copy old. A candidate's re-check requests, decisions and score
    corrections drop that candidate's copy (records.receivers). ``cached``: what the caller
    already read under scores_cache_key (zikao.copies.read_copies)."""
    return cached_copy(scores_cache_key(candidate.pk), lambda: latest_published_scores(candidate),
                       seconds=settings.LATEST_SCORES_CACHE_SECONDS, version=latest_publication, cached=cached)


WARM_BATCH = 2000  # candidates per batch: a sitting of 200,000 never sits in one process's memory


def warm_copies(sitting, *, publication_pk):
    """Right after ``sitting``'s publication commits, every candidate of it gets the copies their
    first page would make (their scores, and their signed-in user): the minute the province reloads
    the page, no page composes a query. Two queries per WARM_BATCH candidates. No scores are warmed
    when a later sitting was published first (its scores stay the latest for those who have them).
    Returns the scores copies stored."""
    seconds = settings.LATEST_SCORES_CACHE_SECONDS
    if not seconds or ScorePublication.objects.filter(sitting__code__gt=sitting.code).exists():
        return 0
    published = Score.objects.filter(sitting=sitting, published=True)
    candidate_ids = list(published.order_by("candidate_id").values_list("candidate_id", flat=True).distinct())
    stored = 0
    for start in range(0, len(candidate_ids), WARM_BATCH):
        batch = candidate_ids[start:start + WARM_BATCH]
        copies = {}
        rows = (
            published.filter(candidate_id__in=batch)
            .select_related("sitting__score_publication", "course", "recheck").order_by("candidate_id", "course__code")
        )
        for row in rows:
            copies.setdefault(scores_cache_key(row.candidate_id), []).append(row)
        warm_user_copies(batch)
        stored += store_copies(copies, seconds=seconds, version=publication_pk)
    return stored


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
