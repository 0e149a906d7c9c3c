"""Reads of reference data, notices and business windows."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from zikao.models import BusinessWindow, City, County, Notice, RegistrationPoint
from zikao.timefmt import local_text


def current_window(kind, *, now=None):
    """The window of ``kind`` open now, or None.  One indexed query."""
    now = now or timezone.now()
    return (
        BusinessWindow.objects.filter(kind=kind, opens_at__lte=now, closes_at__gt=now)
        .order_by("-opens_at")
        .first()
    )


def window_refusal(kind, *, now, error, act="申请", dates="开放时间",
                   closed_tail="下次开放时间请留意重要提示中的公告。"):
    """Why no ``kind`` window is open at ``now``, as the business's ``error`` (a DomainError class):
    the next window's times (``window_not_open``), or when the last one ended (``window_closed``).
    Every business's eligibility asks this once it finds no open window."""
    business = BusinessWindow.Kind(kind).label
    upcoming = BusinessWindow.objects.filter(kind=kind, opens_at__gt=now).order_by("opens_at").first()
    if upcoming is not None:
        return error(
            f"{business}尚未开始，{dates}为{local_text(upcoming.opens_at)}至{local_text(upcoming.closes_at)}，"
            f"请届时再来{act}。",
            code="window_not_open",
        )
    last = BusinessWindow.objects.filter(kind=kind, closes_at__lte=now).order_by("-closes_at").first()
    if last is not None:
        return error(f"本次{business}已于{local_text(last.closes_at)}结束，{closed_tail}", code="window_closed")
    return error(f"{business}暂未开放，开放时间请留意重要提示中的公告。", code="window_closed")


def all_windows():
    """Every business window, oldest first (one query)."""
    return list(BusinessWindow.objects.order_by("opens_at"))


def windows_by_kind(*, now=None, windows=None):
    """For each kind, the window a candidate should see: the open one, else the
    next to open, else the last closed; None when there has never been one.

    One query whatever the number of windows (none when ``windows`` is given).
    """
    now = now or timezone.now()
    chosen = {}
    for window in all_windows() if windows is None else windows:
        best = chosen.get(window.kind)
        chosen[window.kind] = _prefer(best, window, now)
    return {kind: chosen.get(kind) for kind, _label in BusinessWindow.Kind.choices}


def _prefer(best, window, now):
    rank = {"open": 0, "upcoming": 1, "closed": 2}
    if best is None:
        return window
    best_rank, rank_new = rank[best.state(now)], rank[window.state(now)]
    if rank_new != best_rank:
        return window if rank_new < best_rank else best
    if rank_new == 1:  # the soonest upcoming
        return window if window.opens_at < best.opens_at else best
    return window if window.opens_at > best.opens_at else best  # the latest open/closed


def next_window_change(windows, *, now=None):
    """When the first of ``windows`` opens or closes after ``now`` (None: never)."""
    now = now or timezone.now()
    return min((moment for w in windows for moment in (w.opens_at, w.closes_at) if moment > now), default=None)


def next_publication(*, now=None):
    """When the next notice written for later is published (None: none is)."""
    notices = Notice.objects.filter(published_at__gt=now or timezone.now())
    return notices.order_by("published_at").values_list("published_at", flat=True).first()


def published_notices(category=None, *, now=None):
    notices = Notice.objects.published(now)
    if category:
        notices = notices.filter(category=category)
    return notices


def get_published_notice(pk):
    return get_object_or_404(Notice.objects.published(), pk=pk)


def registration_points(city_code=None, *, county_name=None):
    points = RegistrationPoint.objects.select_related("county__city").order_by("county__code")
    if city_code:
        points = points.filter(county__city_id=city_code)
    if county_name:
        points = points.filter(Q(county__name__contains=county_name) | Q(county__city__name__contains=county_name))
    return points


def cities():
    return City.objects.all()


def windows_of_kind(kind):
    """Every window of ``kind``, newest first (an export's or a report's choice of window)."""
    return BusinessWindow.objects.filter(kind=kind).order_by("-opens_at")


def county_with_point(code):
    """The county ``code`` with its city and registration point loaded, or None (public information)."""
    return County.objects.select_related("city", "registration_point").filter(code=code).first()


def registration_point_of(county):
    """The registration point of ``county``, or None where the reference data has none."""
    try:
        return county.registration_point
    except RegistrationPoint.DoesNotExist:
        return None


def counties(codes):
    """The counties of ``codes`` with their cities, in code order."""
    return County.objects.filter(code__in=codes).select_related("city").order_by("code")
