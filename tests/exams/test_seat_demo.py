import io

import pytest
from django.core.management import call_command

from exams import seats
from exams.seat_models import TicketSeat

pytestmark = pytest.mark.django_db


def test_seed_demo_seats_the_paid_candidate_with_a_photo_and_opens_printing(client, settings, tmp_path,
                                                                           private_storage):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "考生：已编排考场座位，可打印准考证（钱进）" in out.getvalue()
    before = list(TicketSeat.objects.order_by("pk").values_list("pk", "room_id", "seat"))
    call_command("seed_demo", stdout=io.StringIO())  # re-runnable: nobody moves, nothing added
    assert list(TicketSeat.objects.order_by("pk").values_list("pk", "room_id", "seat")) == before

    ticket = seats.candidate_ticket(candidate=TicketSeat.objects.first().candidate)
    assert ticket.candidate.ticket_number == "010624100032" and len(ticket.seats) == 4
    assert {seat.room.venue.county_id for seat in ticket.seats} == {"140106"}  # 钱进 lives in 迎泽区
    assert ticket.photo is not None and not ticket.waiting
    client.force_login(ticket.candidate.user)
    response = client.get("/exams/ticket/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
