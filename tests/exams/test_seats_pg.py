"""Concurrent seat-assignment runs on PostgreSQL: they queue on the sitting's row lock, so every
paid course ends up with exactly one seat and no seat is given twice."""

from collections import Counter

import pytest

from exams import seats
from exams.seat_models import TicketSeat
from tests.concurrency import run_together
from tests.exams.seat_fixtures import candidates, make_sitting, paid, venue

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_four_runs_at_once_seat_everyone_exactly_once():
    sitting = make_sitting()
    venue("140105", "010501", 10, 10)
    for person in candidates(15):
        paid(person, sitting, "03708", "03709")

    results = run_together(4, lambda i: seats.assign_seats(sitting=sitting, actor_label=f"run{i}"))

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    assert sorted(len(plan.created) for plan in results) == [0, 0, 0, 30]  # one run seated, the rest kept
    rows = list(TicketSeat.objects.values_list("slot_id", "room_id", "seat", "candidate_id"))
    assert len(rows) == 30
    assert max(Counter((slot, room, seat) for slot, room, seat, _ in rows).values()) == 1
    assert max(Counter((slot, candidate) for slot, _, _, candidate in rows).values()) == 1
