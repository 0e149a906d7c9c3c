"""Venues, paid registrations and seats for the seat-assignment and admission-ticket tests."""

import datetime
import io
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from exams import registration as theory_registration
from exams import seats
from exams.models import Course, CourseRegistration, RegistrationItem, Room, TimetableEntry, Venue
from identity.models import IdentityPhoto, IdentitySubmission, Slot
from identity.storage import private_storage
from payments import services as payments
from payments.models import Order
from payments.providers import get_provider
from tests.exams.registration_fixtures import INSIDE, course_ids, make_registration_setup
from tests.factories import BusinessWindowFactory, CandidateFactory, county
from zikao.models import BusinessWindow

SHANGHAI = ZoneInfo("Asia/Shanghai")
PRINT_FROM = datetime.datetime(2027, 4, 3, 8, 0, tzinfo=SHANGHAI)
AFTER_PRINT = datetime.datetime(2027, 4, 5, 9, 0, tzinfo=SHANGHAI)
BEFORE_PRINT = datetime.datetime(2027, 4, 1, 9, 0, tzinfo=SHANGHAI)


def make_sitting():
    if TimetableEntry.objects.exists():
        return TimetableEntry.objects.first().sitting
    the_sitting, _ = make_registration_setup()
    the_sitting.ticket_print_from = PRINT_FROM
    the_sitting.save(update_fields=["ticket_print_from"])
    return the_sitting


def venue(county_code, code, *capacities, name=None):
    place = Venue.objects.create(
        code=code, name=name or f"考点{code}", address=f"{county(county_code).full_name}考试路{code[-2:]}号",
        county=county(county_code),
    )
    for number, capacity in enumerate(capacities, start=1):
        Room.objects.create(venue=place, number=f"{number:02d}", capacity=capacity)
    return place


def paid(candidate, sitting, *codes, status=CourseRegistration.Status.PAID):
    """A registration of ``candidate`` for ``codes`` (paid unless ``status`` says otherwise)."""
    window = BusinessWindow.objects.filter(kind=BusinessWindow.Kind.THEORY_REGISTRATION).first() or \
        BusinessWindowFactory(kind=BusinessWindow.Kind.THEORY_REGISTRATION)
    registration = CourseRegistration.objects.create(
        candidate=candidate, sitting=sitting, window=window, status=status, mobile="13800000000",
        mailing_address="山西省太原市小店区长治路1号", fee_fen=6700 * len(codes),
        paid_at=timezone.now() if status == CourseRegistration.Status.PAID else None,
    )
    for code in codes:
        entry = TimetableEntry.objects.get(sitting=sitting, course__code=code)
        RegistrationItem.objects.create(registration=registration, course=Course.objects.get(code=code),
                                        slot=entry.slot, fee_fen=6700)
    return registration


def candidates(count, county_code="140105"):
    return [CandidateFactory(approved=True, county=county(county_code)) for _ in range(count)]


def headshot_jpeg(colour=(40, 90, 160)):
    image = Image.new("RGB", (240, 320), colour)
    for y in range(80, 200):
        for x in range(80, 160):
            image.putpixel((x, y), (236, 200, 170))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def approved_headshot(candidate):
    """An approved identity check of ``candidate`` with a headshot in private storage."""
    now = timezone.now()
    submission = IdentitySubmission.objects.create(
        candidate=candidate, attempt=IdentitySubmission.objects.filter(candidate=candidate).count() + 1,
        status=IdentitySubmission.Status.APPROVED, decided_at=now, decision_method=IdentitySubmission.Method.AUTOMATIC,
    )
    data = headshot_jpeg()
    name = private_storage().save(f"identity/test/{candidate.pk}.jpg", ContentFile(data))
    return IdentityPhoto.objects.create(
        submission=submission, slot=Slot.HEADSHOT, file=name, sha256="0" * 64, phash="0" * 16,
        size=len(data), width=240, height=320,
    )


def register_and_pay(candidate, *codes):
    """理论课报名 of ``codes`` through the real services, inside the window: saved, then paid with
    the demo provider (the order's payment marks the registration paid)."""
    with time_machine.travel(INSIDE, tick=False):
        registration = theory_registration.save_registration(
            candidate=candidate, course_ids=course_ids(*codes), mobile="13800000000",
            mailing_address="山西省太原市小店区长治路1号",
        )
        order = Order.objects.get(number=registration.order_number)
        payment = payments.start_payment(order=order, provider=get_provider("demo"), actor=candidate.user)
        payments.confirm_payment(payment=payment, actor=candidate.user, money_received=False)
    registration.refresh_from_db()
    return registration


def seated_candidate(*codes, venue_name="太原市第五中学校（小店校区）", **candidate_fields):
    """A 小店区 candidate with a paid 理论课报名 of ``codes``, an approved headshot and seats
    assigned by ``assign_seats``, in a sitting whose ticket print date has come."""
    sitting = make_sitting()
    sitting.ticket_print_from = timezone.now() - datetime.timedelta(days=1)
    sitting.save(update_fields=["ticket_print_from"])
    venue("140105", "010501", 30, name=venue_name)
    candidate = CandidateFactory(approved=True, county=county("140105"), **candidate_fields)
    register_and_pay(candidate, *codes)
    approved_headshot(candidate)
    seats.assign_seats(sitting=sitting, actor_label="test")
    return candidate
