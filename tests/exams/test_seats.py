"""考场座位编排 (assign_seats): capacity, order, constraints, re-runs, shortage, nearest county."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.models import CandidateMessage
from exams import seats
from exams.models import CourseRegistration
from exams.seat_models import TicketSeat
from tests.exams.seat_fixtures import candidates, make_sitting, paid, venue
from tests.factories import CandidateFactory, county
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db


def seating(sitting):
    return {
        (s.candidate_id, s.course.code): (s.room.venue.code, s.room.number, s.seat)
        for s in TicketSeat.objects.filter(sitting=sitting).select_related("room__venue", "course")
    }


def test_rooms_are_filled_to_capacity_in_order_and_every_paid_course_gets_a_seat():
    sitting = make_sitting()
    venue("140105", "010501", 3, 3)
    people = candidates(5)
    for person in people:
        paid(person, sitting, "03708")
    plan = seats.assign_seats(sitting=sitting, actor_label="test")

    assert len(plan.created) == 5 and not plan.unseated
    places = sorted(seating(sitting).values())
    assert places == [("010501", "01", 1), ("010501", "01", 2), ("010501", "01", 3),
                      ("010501", "02", 1), ("010501", "02", 2)]
    event = AuditEvent.objects.get(action="seats_assign")
    assert event.object_id == str(sitting.pk) and event.data["created"] == 5


def test_seats_follow_a_stable_shuffle_not_the_registration_order():
    sitting = make_sitting()
    venue("140105", "010501", 30)
    people = candidates(8)
    for person in people:
        paid(person, sitting, "03708")
    dry = seats.assign_seats(sitting=sitting, dry_run=True)
    seats.assign_seats(sitting=sitting)
    by_seat = sorted(TicketSeat.objects.filter(sitting=sitting), key=lambda s: s.seat)
    order = [s.candidate_id for s in by_seat]

    assert [s.candidate_id for s in sorted(dry.created, key=lambda s: s.seat)] == order  # the same every time
    assert order != [p.pk for p in people]  # neighbours are not simply the registration queue
    slot = by_seat[0].slot
    assert order == [p.pk for p in sorted(people, key=lambda p: seats.shuffle_key(sitting, slot, p))]


def test_one_seat_per_course_and_slot_and_each_slot_is_seated_on_its_own():
    sitting = make_sitting()
    venue("140105", "010501", 2)
    first, second = candidates(2)
    paid(first, sitting, "03708", "03709", "00015")
    paid(second, sitting, "03708", "03709")
    seats.assign_seats(sitting=sitting)

    rows = TicketSeat.objects.filter(sitting=sitting)
    assert rows.filter(candidate=first).count() == 3 and rows.filter(candidate=second).count() == 2
    for slot_id in {row.slot_id for row in rows}:
        in_slot = [row.seat for row in rows if row.slot_id == slot_id]
        assert len(in_slot) == len(set(in_slot))


def test_the_database_refuses_two_candidates_in_one_seat_and_two_seats_in_one_slot():
    sitting = make_sitting()
    venue("140105", "010501", 5)
    first, second = candidates(2)
    paid(first, sitting, "03708")
    paid(second, sitting, "00054")  # the same slot (day 1, morning)
    seats.assign_seats(sitting=sitting)
    taken = TicketSeat.objects.get(candidate=first)
    other = TicketSeat.objects.get(candidate=second)

    with pytest.raises(IntegrityError), transaction.atomic():
        TicketSeat.objects.filter(pk=other.pk).update(seat=taken.seat, room=taken.room)
    extra = paid(first, sitting, "00067", status=CourseRegistration.Status.CANCELED).items.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        TicketSeat.objects.create(sitting=sitting, slot=taken.slot, candidate=first, item=extra, course=extra.course,
                                  room=taken.room, seat=5, assigned_at=timezone.now())


def test_a_rerun_keeps_everyone_in_place_seats_late_payers_and_frees_cancelled_seats():
    sitting = make_sitting()
    venue("140105", "010501", 4, 4)
    people = candidates(5)
    registrations = [paid(person, sitting, "03708") for person in people]
    seats.assign_seats(sitting=sitting)
    before = seating(sitting)

    late = CandidateFactory(approved=True)
    paid(late, sitting, "03708")
    refunded = registrations[2]
    refunded.status = CourseRegistration.Status.CANCELED
    refunded.save(update_fields=["status"])
    plan = seats.assign_seats(sitting=sitting)
    after = seating(sitting)

    assert plan.kept == 4 and len(plan.created) == 1 and len(plan.removed) == 1
    for person in people:
        if person.pk != refunded.candidate_id:
            assert after[(person.pk, "03708")] == before[(person.pk, "03708")]
    assert (refunded.candidate_id, "03708") not in after
    assert (late.pk, "03708") in after
    assert len(set(after.values())) == len(after)
    # a third run with nothing changed changes nothing
    again = seats.assign_seats(sitting=sitting)
    assert (again.kept, len(again.created), len(again.removed)) == (5, 0, 0) and seating(sitting) == after
    # Each seated candidate was told once, in the run that seated them: the late payer by the second.
    told = CandidateMessage.objects.filter(title__endswith="考场已编排")
    assert sorted(told.values_list("candidate_id", flat=True)) == sorted([p.pk for p in people] + [late.pk])
    assert "准考证打印" in told.first().body and told.first().link == "/exams/ticket/"


def test_short_capacity_fails_cleanly_writing_nothing():
    sitting = make_sitting()
    venue("140105", "010501", 2)
    for person in candidates(3):
        paid(person, sitting, "03708")

    with pytest.raises(seats.SeatError) as refusal:
        seats.assign_seats(sitting=sitting)
    assert refusal.value.code == "capacity_short"
    assert "太原市小店区需新编排 3 人，空余座位仅 2 个（缺 1 个）" in refusal.value.message
    with pytest.raises(CommandError, match="考场座位不足，本次未编排任何座位"):
        call_command("assign_seats", sitting.code)
    assert not TicketSeat.objects.exists()
    assert not AuditEvent.objects.filter(action="seats_assign").exists()


def test_a_county_without_a_venue_goes_to_the_nearest_county_of_its_city():
    sitting = make_sitting()
    venue("140105", "010501", 10)  # 小店区
    venue("140110", "011001", 10)  # 晋源区
    yingze = CandidateFactory(approved=True, county=county("140106"))  # 1 from 小店, 4 from 晋源
    jiancaoping = CandidateFactory(approved=True, county=county("140108"))  # 3 from 小店, 2 from 晋源
    datong = CandidateFactory(approved=True, county=county("140213"))  # no venue in 大同市
    for person in (yingze, jiancaoping, datong):
        paid(person, sitting, "03708")
    plan = seats.assign_seats(sitting=sitting)

    places = seating(sitting)
    assert places[(yingze.pk, "03708")][0] == "010501"
    assert places[(jiancaoping.pk, "03708")][0] == "011001"
    assert [(u.candidate.pk, u.reason) for u in plan.unseated] == [(datong.pk, "大同市尚无考点（考场）")]


def test_only_paid_registrations_are_seated():
    sitting = make_sitting()
    venue("140105", "010501", 10)
    waiting, paying = candidates(2)
    paid(waiting, sitting, "03708", status=CourseRegistration.Status.AWAITING_PAYMENT)
    paid(paying, sitting, "03708")
    seats.assign_seats(sitting=sitting)
    assert list(TicketSeat.objects.values_list("candidate_id", flat=True)) == [paying.pk]


def test_dry_run_reports_without_writing_and_the_command_lists_rooms_and_the_unseated():
    sitting = make_sitting()
    venue("140105", "010501", 2, 2, name="太原市第五中学校")
    for person in candidates(3):
        paid(person, sitting, "03708")
    datong = CandidateFactory(approved=True, county=county("140213"), name="孙悦")
    paid(datong, sitting, "03708")

    out, err = io.StringIO(), io.StringIO()
    call_command("assign_seats", sitting.code, "--dry-run", stdout=out, stderr=err)
    assert not TicketSeat.objects.exists()
    assert "【试运行，未写入】" in out.getvalue()

    out, err = io.StringIO(), io.StringIO()
    call_command("assign_seats", sitting.code, stdout=out, stderr=err)
    text = out.getvalue()
    assert "2027-04-10 上午 太原市第五中学校 第01考场：2/2 人" in text
    assert "2027-04-10 上午 太原市第五中学校 第02考场：1/2 人" in text
    assert "新编排 3 个座位" in text and "使用考场 2 个" in text and "未能编排 1 门" in text
    assert f"未编排：{datong.ticket_number} 孙悦 03708" in err.getvalue() and "大同市尚无考点" in err.getvalue()
    with pytest.raises(CommandError, match="找不到考次 209904"):
        call_command("assign_seats", "209904")
