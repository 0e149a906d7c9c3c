import pytest

from candidates import demo as candidates_demo
from exams import demo as exams_demo
from exams import registration_demo
from exams.models import CourseRegistration
from payments.models import Order
from records import demo as records_demo
from zikao import demo as zikao_demo
from zikao.models import BusinessWindow

pytestmark = pytest.mark.django_db


def test_demo_opens_the_window_and_leaves_one_paid_registration(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}}
    zikao_demo.seed()
    candidates_demo.seed()
    exams_demo.seed()
    records_demo.seed()
    rows = registration_demo.seed()
    assert registration_demo.seed() == rows  # idempotent
    window = BusinessWindow.objects.get(kind=BusinessWindow.Kind.THEORY_REGISTRATION)
    assert window.is_open()
    registration = CourseRegistration.objects.get()
    assert registration.candidate.ticket_number == "010624100032" and registration.status == "paid"
    assert registration.items.count() == 4
    assert len({item.slot_id for item in registration.items.all()}) == 4
    passed = set(registration.candidate.passed_courses.values_list("course_id", flat=True))
    assert not passed & {item.course_id for item in registration.items.all()}
    assert Order.objects.get().status == Order.Status.PAID
