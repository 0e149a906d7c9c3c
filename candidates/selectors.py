"""Reads for candidate pages: each returns only what the asking candidate may see."""

from dataclasses import dataclass

from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate, CandidateMessage, EnrolledRecord
from zikao.idnumbers import normalize_id_number
from zikao.models import BusinessWindow, City, County
from zikao.selectors import windows_by_kind

MESSAGES_SHOWN = 20

NO_WINDOW_LABEL = "未开放"  # a business with no window at all, past or future

# 快捷入口 in the seed's order (section 五).
WINDOW_ORDER = [
    BusinessWindow.Kind.THEORY_REGISTRATION,
    BusinessWindow.Kind.IN_PROVINCE_TRANSFER,
    BusinessWindow.Kind.INTER_PROVINCE_TRANSFER_OUT,
    BusinessWindow.Kind.EXEMPTION,
    BusinessWindow.Kind.PRACTICAL_REGISTRATION,
    BusinessWindow.Kind.GRADUATION,
]
# Businesses this portal runs; the others show their times and state only.
WINDOW_LINKS = {
    BusinessWindow.Kind.THEORY_REGISTRATION: "theory_register",
    BusinessWindow.Kind.IN_PROVINCE_TRANSFER: "transfer_apply",
    BusinessWindow.Kind.PRACTICAL_REGISTRATION: "practical_registration",
    BusinessWindow.Kind.GRADUATION: "graduation_apply",
    BusinessWindow.Kind.INTER_PROVINCE_TRANSFER_OUT: "transfer_out_apply",
    BusinessWindow.Kind.EXEMPTION: "exemption_apply",
}


def same_name(a, b):
    """Names compare without spaces (registry exports often pad them)."""
    return "".join((a or "").split()) == "".join((b or "").split())


@dataclass(frozen=True)
class WindowEntry:
    kind: str
    label: str
    window: BusinessWindow | None
    state: str | None  # "upcoming" / "open" / "closed", None when there is no window
    url: str

    @property
    def state_label(self):
        return BusinessWindow.State(self.state).label if self.state else NO_WINDOW_LABEL


def business_windows(*, now=None, windows=None, links=True):
    """The six 快捷入口 entries with their window, state and link (one query, none given ``windows``).
    ``links=False``: times and states only (a candidate whose record has left Shanxi)."""
    now = now or timezone.now()
    chosen = windows_by_kind(now=now, windows=windows)
    entries = []
    for kind in WINDOW_ORDER:
        window = chosen.get(kind)
        state = window.state(now) if window else None
        url = reverse(WINDOW_LINKS[kind]) if links and state == "open" and kind in WINDOW_LINKS else ""
        entries.append(WindowEntry(kind=kind, label=BusinessWindow.Kind(kind).label, window=window, state=state, url=url))
    return entries


def candidate_messages(candidate, *, limit=MESSAGES_SHOWN):
    """The candidate's own messages, newest first (one query)."""
    return list(CandidateMessage.objects.filter(candidate=candidate).order_by("-created_at", "-id")[:limit])


def counties_by_city():
    """[(city, [county, …]), …] for the grouped 报名区县 select (two queries)."""
    counties = {}
    for county in County.objects.order_by("code"):
        counties.setdefault(county.city_id, []).append(county)
    return [(city, counties.get(city.code, [])) for city in City.objects.order_by("code")]


def candidate_by_id_number(id_number):
    return Candidate.objects.filter(id_number=normalize_id_number(id_number)).first()


def id_number_registered(id_number):
    return Candidate.objects.filter(id_number=normalize_id_number(id_number)).exists()


def id_number_in_registry(id_number):
    return EnrolledRecord.objects.filter(id_number=normalize_id_number(id_number)).exists()


def activatable_enrolled_record(*, id_number, name):
    """The registry entry an enrolled candidate may activate, or None.

    None covers every failure alike (unknown ID number, other name, already
    activated): the page must not reveal which it was.
    """
    id_number = normalize_id_number(id_number)
    record = EnrolledRecord.objects.select_related("county__city").filter(id_number=id_number).first()
    if record is None or not same_name(record.name, name) or record.activated_at is not None:
        return None
    if Candidate.objects.filter(id_number=id_number).exists():
        return None
    return record


def ticket_number_for(*, id_number, name):
    """The ticket number of the person with this ID number and name, or None.

    An account's number wins over the registry (it is the one in use).
    """
    id_number = normalize_id_number(id_number)
    candidate = Candidate.objects.filter(id_number=id_number).only("name", "ticket_number").first()
    if candidate is not None and same_name(candidate.name, name) and candidate.ticket_number:
        return candidate.ticket_number
    record = EnrolledRecord.objects.filter(id_number=id_number).only("name", "ticket_number").first()
    if record is not None and same_name(record.name, name):
        return record.ticket_number
    return None


def enrolled_record(record_id):
    """The registry entry ``record_id`` (from a signed activation token), or None."""
    if not record_id:
        return None
    return EnrolledRecord.objects.select_related("county__city").filter(pk=record_id).first()


def last_failed_attempt_at(*, username, ip_address):
    """When the last failed sign-in of ``username`` from ``ip_address`` was recorded by axes, or None."""
    return (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )


def candidate_of(user):
    """The candidate profile of a signed-in ``user`` with county, city and user loaded; raises
    Candidate.DoesNotExist for staff and anyone else without one."""
    return Candidate.objects.select_related("county__city", "user").get(user=user)
