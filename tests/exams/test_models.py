import datetime

import pytest
from django.db import DataError, IntegrityError, transaction

from exams import services
from exams.models import Course, ExamSlot, Major, Room, TimetableEntry, Venue
from tests.catalogue import course, make_catalogue, sitting
from tests.factories import county
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_course_twice_in_one_sitting_is_refused_by_the_database():
    make_catalogue()
    april = sitting()
    morning, afternoon = list(april.slots.all())[:2]
    TimetableEntry.objects.create(sitting=april, slot=morning, course=course("00015"))
    with pytest.raises(IntegrityError), transaction.atomic():
        TimetableEntry.objects.create(sitting=april, slot=afternoon, course=course("00015"))


def test_scheduling_a_course_again_moves_it_instead_of_doubling_it():
    make_catalogue()
    april = sitting()
    first, second = services.slot_of(april, day_number=1, period="am"), services.slot_of(april, day_number=2, period="pm")
    assert services.schedule_course(sitting=april, slot=first, course=course("00015"), actor_label="t") == "created"
    assert services.schedule_course(sitting=april, slot=first, course=course("00015"), actor_label="t") == "unchanged"
    assert services.schedule_course(sitting=april, slot=second, course=course("00015"), actor_label="t") == "updated"
    assert TimetableEntry.objects.get(sitting=april).slot == second


def test_a_sitting_has_four_slots_on_its_two_days_with_the_fixed_times():
    april = sitting("202704")
    slots = list(april.slots.order_by("date", "period"))
    assert [(s.date, s.period, s.starts_at, s.ends_at) for s in slots] == [
        (datetime.date(2027, 4, 10), "am", datetime.time(9), datetime.time(11, 30)),
        (datetime.date(2027, 4, 10), "pm", datetime.time(14, 30), datetime.time(17)),
        (datetime.date(2027, 4, 11), "am", datetime.time(9), datetime.time(11, 30)),
        (datetime.date(2027, 4, 11), "pm", datetime.time(14, 30), datetime.time(17)),
    ]
    assert april.ticket_code == "271"
    assert services.ensure_sitting(code="202704").slots.count() == ExamSlot.PER_SITTING


@pytest.mark.parametrize("code", ["12345", "1234567", "050101X", "05010K", "050101KT", "abcdef"])
def test_invalid_major_codes_are_refused_with_a_message(code):
    institution = make_catalogue().institution
    with pytest.raises(services.CatalogueError) as caught:
        services.save_catalogue_object(
            actor=None, actor_label="t",
            obj=Major(code=code, name="测试", level="zk", institution=institution, min_credits=70),
        )
    assert caught.value.code == "invalid"
    assert "专业代码应为6位数字" in caught.value.message


@pytest.mark.parametrize("code", ["050101", "030101K", "120409T"])
def test_real_major_codes_are_accepted(code):
    institution = make_catalogue().institution
    services.save_catalogue_object(
        actor=None, actor_label="t", obj=Major(code=code, name="测试", level="zk", institution=institution, min_credits=70),
    )
    assert Major.objects.filter(code=code).exists()


@pytest.mark.parametrize("code", ["0015", "000150", "A0015"])
def test_invalid_course_codes_are_refused_with_a_message_and_by_the_database(code):
    with pytest.raises(services.CatalogueError) as caught:
        services.save_catalogue_object(actor=None, actor_label="t", obj=Course(code=code, name="英语"))
    assert "课程代码应为5位数字" in caught.value.message
    # The check constraint, or on PostgreSQL the column length for a 6-character code.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Course.objects.create(code=code, name="英语")


def test_invalid_major_code_is_refused_by_the_database_too():
    institution = make_catalogue().institution
    with pytest.raises(IntegrityError), transaction.atomic():
        Major.objects.create(code="05010", name="x", level="zk", institution=institution, min_credits=70)


def test_a_sitting_is_april_or_october():
    with pytest.raises(services.CatalogueError) as caught:
        services.ensure_sitting(code="202705", actor_label="t")
    assert "04或10" in caught.value.message


def test_room_numbers_are_unique_per_venue_and_rooms_have_seats():
    venue = Venue.objects.create(code="010501", name="太原五中", address="太原市", county=county("140105"))
    Room.objects.create(venue=venue, number="01", capacity=30)
    with pytest.raises(IntegrityError), transaction.atomic():
        Room.objects.create(venue=venue, number="01", capacity=30)
    with pytest.raises(IntegrityError), transaction.atomic():
        Room.objects.create(venue=venue, number="02", capacity=0)


def test_every_catalogue_change_is_audited():
    make_catalogue()
    _, obj = services.upsert(Course, lookup={"code": "00018"}, values={"name": "计算机应用基础"}, actor_label="op")
    services.upsert(Course, lookup={"code": "00018"}, values={"name": "计算机应用基础（新）"}, actor_label="op")
    actions = list(AuditEvent.objects.filter(object_type="exams.course", object_id=str(obj.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["catalogue_create", "catalogue_update"]
