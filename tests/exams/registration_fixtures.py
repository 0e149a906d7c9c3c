"""A sitting with a timetable and an open 理论课报名 window, for the registration tests."""

import datetime
from zoneinfo import ZoneInfo

from exams import services
from exams.models import Course
from tests.catalogue import make_catalogue, sitting
from tests.factories import BusinessWindowFactory
from zikao.models import BusinessWindow

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENS = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI)
CLOSES = datetime.datetime(2027, 3, 10, 17, 0, tzinfo=SHANGHAI)
INSIDE = datetime.datetime(2027, 3, 5, 10, 0, tzinfo=SHANGHAI)

# code → (exam day, period): 00054 and 00067 clash (day 1 morning).
TIMETABLE = {
    "03708": (1, "am"), "00054": (1, "am"), "03709": (1, "pm"), "00015": (2, "am"), "00149": (2, "pm"),
    "00067": (1, "am"),
}


def make_registration_setup(*, opens_at=OPENS, closes_at=CLOSES):
    make_catalogue()
    the_sitting = sitting("202704")
    for code, (day, period) in TIMETABLE.items():
        services.schedule_course(
            sitting=the_sitting, slot=services.slot_of(the_sitting, day_number=day, period=period),
            course=Course.objects.get(code=code), actor_label="test",
        )
    window = BusinessWindowFactory(
        kind=BusinessWindow.Kind.THEORY_REGISTRATION, title="2027年4月理论课报名", opens_at=opens_at, closes_at=closes_at,
    )
    return the_sitting, window


def course_ids(*codes):
    return [Course.objects.get(code=code).pk for code in codes]
