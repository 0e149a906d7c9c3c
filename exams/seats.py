"""考场座位编排 (``assign_seats SITTING``) and the reads of the admission ticket (准考证).

Rules of one run, all inside one transaction holding the sitting's row lock (two runs queue):

- Every course of a PAID 理论课报名 of the sitting needs a seat in its slot (考试单元).
- The seat is in a venue of the candidate's county. A county without a venue (with rooms) sends
  its candidates to the *nearest county of the same city that has one*: the reference data have
  no coordinates, so "nearest" is the smallest difference of the six-digit county codes, which
  the statistics bureau assigns in geographic order within a city (ties: the lower code). A
  city with no venue at all leaves its candidates unseated, reported with that reason.
- Rooms are filled in order (venue code, room number), each to its capacity, seat 1 upwards.
  Candidates take the free seats in a stable shuffled order: SHA-256 of sitting, slot and ticket
  number, so neighbours are not one class or one registration queue, and each slot mixes anew.
- Re-runs never move a candidate already seated. Late payers take the free seats left (including
  seats freed by the next rule). Seats of registrations that are no longer paid (refunded,
  canceled) are removed: the ticket must not show a seat that has no paid course behind it.
- When the free seats of a county and slot are fewer than the candidates who need them, the run
  writes nothing and raises ``SeatError(code="capacity_short")`` naming every shortage.
- The database constraints (one candidate per seat and slot, one seat per candidate and slot)
  make the rules true whatever wrote the rows.
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from candidates.messaging import send_candidate_messages
from exams.models import CourseRegistration, ExamSitting, RegistrationItem, Room
from exams.seat_models import TicketSeat
from identity.selectors import verified_headshot
from zikao.audit import AuditAction, record_event
from zikao.errors import DomainError
from zikao.timefmt import local_text

TICKET_URL = "/exams/ticket/"

PAID = CourseRegistration.Status.PAID


class SeatError(DomainError):
    pass


@dataclass(frozen=True)
class Unseated:
    item: RegistrationItem
    reason: str

    @property
    def candidate(self):
        return self.item.registration.candidate


@dataclass
class SeatPlan:
    sitting: ExamSitting
    kept: int = 0
    created: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    unseated: list = field(default_factory=list)
    rooms: Counter = field(default_factory=Counter)  # (slot, room) -> seated candidates
    shortages: list = field(default_factory=list)  # (slot, county, needed, free)
    dry_run: bool = False

    @property
    def seated(self):
        return self.kept + len(self.created)


def slot_label(slot):
    return f"{slot.date:%Y-%m-%d} {slot.get_period_display()}"


def shuffle_key(sitting, slot, candidate):
    """The stable shuffled position of ``candidate`` among those seated in ``slot``."""
    value = f"{sitting.code}|{slot.date:%Y%m%d}{slot.period}|{candidate.ticket_number or candidate.pk}"
    return hashlib.sha256(value.encode()).hexdigest()


def nearest_county(county, venue_counties):
    """The county whose venues seat candidates of ``county``: itself if it has a venue, else the
    nearest (by code) county of the same city that has one; None when the city has none."""
    if county.code in venue_counties:
        return venue_counties[county.code]
    same_city = [other for other in venue_counties.values() if other.city_id == county.city_id]
    if not same_city:
        return None
    return min(same_city, key=lambda other: (abs(int(other.code) - int(county.code)), other.code))


def _rooms_by_county():
    rooms = defaultdict(list)
    for room in Room.objects.select_related("venue__county__city").order_by("venue__code", "number"):
        rooms[room.venue.county_id].append(room)
    return rooms


def _paid_items(sitting):
    return list(
        RegistrationItem.objects.filter(registration__sitting=sitting, registration__status=PAID)
        .select_related("registration__candidate__county__city", "slot", "course")
    )


def _plan(sitting, now):
    plan = SeatPlan(sitting=sitting)
    items = _paid_items(sitting)
    paid_ids = {item.pk for item in items}
    occupied, seated_slots = set(), set()
    for seat in TicketSeat.objects.filter(sitting=sitting).select_related(
        "candidate", "slot", "course", "room__venue"
    ):
        if seat.item_id not in paid_ids:
            plan.removed.append(seat)
            continue
        plan.kept += 1
        occupied.add((seat.slot_id, seat.room_id, seat.seat))
        seated_slots.add((seat.candidate_id, seat.slot_id))
        plan.rooms[(seat.slot, seat.room)] += 1

    rooms = _rooms_by_county()
    venue_counties = {county_code: county_rooms[0].venue.county for county_code, county_rooms in rooms.items()}
    waiting = defaultdict(list)  # (slot, county code) -> items
    slots = {}
    for item in items:
        candidate = item.registration.candidate
        if (candidate.pk, item.slot_id) in seated_slots:
            continue  # seated already (kept)
        if not candidate.ticket_number:
            plan.unseated.append(Unseated(item, "尚无准考证号"))
            continue
        county = nearest_county(candidate.county, venue_counties)
        if county is None:
            plan.unseated.append(Unseated(item, f"{candidate.county.city.name}尚无考点（考场）"))
            continue
        slots[item.slot_id] = item.slot
        waiting[(item.slot_id, county.code)].append(item)
        seated_slots.add((candidate.pk, item.slot_id))

    for (slot_id, county_code), group in sorted(waiting.items()):
        slot = slots[slot_id]
        free = [
            (room, number)
            for room in rooms[county_code]
            for number in range(1, room.capacity + 1)
            if (slot_id, room.pk, number) not in occupied
        ]
        if len(group) > len(free):
            plan.shortages.append((slot, venue_counties[county_code], len(group), len(free)))
            continue
        group.sort(key=lambda item: shuffle_key(sitting, slot, item.registration.candidate))
        for item, (room, number) in zip(group, free, strict=False):
            plan.created.append(TicketSeat(
                sitting=sitting, slot=slot, candidate=item.registration.candidate, item=item,
                course=item.course, room=room, seat=number, assigned_at=now,
            ))
            plan.rooms[(slot, room)] += 1
    return plan


def shortage_message(shortages):
    parts = [
        f"{slot_label(slot)} {county.full_name}需新编排 {needed} 人，空余座位仅 {free} 个（缺 {needed - free} 个）"
        for slot, county, needed, free in shortages
    ]
    return "考场座位不足，本次未编排任何座位：" + "；".join(parts) + "。请在管理后台为这些区县增加考点或考场后重新运行。"


def assign_seats(*, sitting, dry_run=False, actor=None, actor_label="", now=None):
    """Seat every paid course of ``sitting`` (see the module's rules); returns the SeatPlan.

    ``dry_run`` computes and returns the plan without writing anything.
    """
    now = now or timezone.now()
    with transaction.atomic():
        sitting = ExamSitting.objects.select_for_update().get(pk=sitting.pk)
        plan = _plan(sitting, now)
        plan.dry_run = dry_run
        if plan.shortages:
            raise SeatError(shortage_message(plan.shortages), code="capacity_short")
        if dry_run:
            return plan
        if plan.removed:
            TicketSeat.objects.filter(pk__in=[seat.pk for seat in plan.removed]).delete()
        TicketSeat.objects.bulk_create(plan.created, batch_size=1000)
        _tell_newly_seated(sitting, plan.created)
        record_event(
            actor=actor, actor_label=actor_label, action=AuditAction.SEATS_ASSIGN, obj=sitting,
            data={
                "kept": plan.kept, "created": len(plan.created), "removed": len(plan.removed),
                "unseated": len(plan.unseated),
                "unseated_first": [  # the command's output lists them all
                    {"registration": u.item.registration_id, "course": u.item.course.code, "reason": u.reason}
                    for u in plan.unseated[:100]
                ],
                "rooms": len({room.pk for _, room in plan.rooms}),
            },
        )
    return plan


def _tell_newly_seated(sitting, created):
    """A message in the centre of each candidate who got a seat in this run (a re-run tells only the
    late payers it seats; nobody already seated hears again)."""
    when = (f"请于{local_text(sitting.ticket_print_from)}起" if sitting.ticket_print_from else "请在开放打印后")
    send_candidate_messages(
        candidate_ids=sorted({seat.candidate_id for seat in created}), title=f"{sitting.label}考次考场已编排",
        body=f"您报考的课程已编排考场和座位，{when}在查询中心“准考证打印”打印准考证，考试时携带准考证和身份证。",
        link=TICKET_URL,
    )


# --------------------------------------------------------------------------- the admission ticket


@dataclass
class Ticket:
    sitting: ExamSitting
    candidate: object
    seats: list
    waiting: list  # paid courses without a seat yet
    photo: object = None  # the verified headshot (identity.IdentityPhoto) or None


def ticket_sitting(*, now):
    """The sitting tickets are for: the first whose exams are not over yet."""
    return ExamSitting.objects.filter(exam_end__gte=timezone.localdate(now)).order_by("exam_start").first()



def ticket_seats(*, candidate, sitting):
    return list(
        TicketSeat.objects.filter(sitting=sitting, candidate=candidate, item__registration__status=PAID)
        .select_related("slot", "course", "room__venue").order_by("slot__date", "slot__period")
    )


def candidate_ticket(*, candidate, now=None):
    """The candidate's admission ticket, or SeatError with what stands in the way."""
    now = now or timezone.now()
    sitting = ticket_sitting(now=now)
    if sitting is None:
        raise SeatError("目前没有即将举行的考试，暂无准考证可打印。", code="no_sitting")
    registration = CourseRegistration.objects.filter(candidate=candidate, sitting=sitting, status=PAID).first()
    if registration is None:
        raise SeatError(
            f"您没有{sitting.label}考次已支付的理论课报名，没有准考证可打印。报名后未按时支付的，报名无效。",
            code="not_paid",
        )
    if sitting.ticket_print_from is None:
        raise SeatError(f"{sitting.label}考次的准考证打印时间尚未公布，请留意通知公告。", code="not_yet_printable")
    if now < sitting.ticket_print_from:
        raise SeatError(
            f"{sitting.label}考次的准考证将于{local_text(sitting.ticket_print_from)}起开放打印，请届时再来。",
            code="not_yet_printable",
        )
    seats = ticket_seats(candidate=candidate, sitting=sitting)
    if not seats:
        raise SeatError("您的考场座位正在编排中，请稍后再来打印准考证。", code="not_seated")
    seated = {seat.item_id for seat in seats}
    waiting = [item for item in registration.items.select_related("course", "slot") if item.pk not in seated]
    return Ticket(sitting=sitting, candidate=candidate, seats=seats, waiting=waiting,
                  photo=verified_headshot(candidate))
