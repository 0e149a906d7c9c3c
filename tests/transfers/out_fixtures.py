"""Shared set-up of the 省际转出 tests: an open transfer-out window, an eligible candidate, a photo."""

import datetime
import io
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw

from candidates.models import OfficerScope
from identity.intake import normalise
from records.services import add_passed_course
from tests.catalogue import course, make_catalogue, sitting
from tests.factories import BusinessWindowFactory, CandidateFactory, OfficerFactory, city, county
from transfers import out
from zikao.models import BusinessWindow

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENS = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=SHANGHAI)
CLOSES = datetime.datetime(2026, 9, 15, 17, 0, tzinfo=SHANGHAI)
DURING = datetime.datetime(2026, 9, 5, 10, 30, tzinfo=SHANGHAI)
AFTER = CLOSES + datetime.timedelta(minutes=1)


def out_window(**kwargs):
    return BusinessWindowFactory(
        kind=BusinessWindow.Kind.INTER_PROVINCE_TRANSFER_OUT,
        title="2026年下半年省际转出",
        **{"opens_at": OPENS, "closes_at": CLOSES, **kwargs},
    )


def pass_courses(candidate, codes=("03708", "03709"), *, source="exam", now=None):
    april = sitting("202604")
    for code in codes:
        add_passed_course(
            candidate=candidate,
            course=course(code),
            source=source,
            score=75 if source == "exam" else None,
            sitting=april if source == "exam" else None,
            actor_label="test",
            now=now,
        )


def eligible_candidate(county_code="140105", **kwargs):
    candidate = CandidateFactory(approved=True, county=county(county_code), major=make_catalogue(), **kwargs)
    pass_courses(candidate)
    pass_courses(candidate, ("00015",), source="exemption")
    return candidate


def photo_bytes(size=(900, 1200), text="signed"):
    image = Image.new("RGB", size, (250, 250, 245))
    draw = ImageDraw.Draw(image)
    for y in range(100, size[1] - 100, 60):
        draw.line((80, y, size[0] - 80, y), fill=(40, 40, 40), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def signed_photo():
    return normalise(photo_bytes())


def submit(
    candidate, *, province="13", ticket="130101123456", reason="工作调动到石家庄", token=None, now=DURING
):
    return out.submit_transfer_out(
        candidate=candidate,
        target_province=province,
        target_ticket_number=ticket,
        reason=reason,
        token=token or uuid.uuid4(),
        now=now,
    )


def confirmed(candidate, now=DURING):
    application, _ = submit(candidate, now=now)
    return out.confirm_transfer_out(
        candidate=candidate, application=application, photo=signed_photo(), now=now
    )


@pytest.fixture
def window(db):
    return out_window()


@pytest.fixture
def frozen(window):
    import time_machine

    with time_machine.travel(DURING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def candidate(db):
    return eligible_candidate()


@pytest.fixture
def officers(db):
    return {
        "taiyuan": OfficerFactory(
            username="ty-out", scope__level=OfficerScope.Level.CITY, scope__city=city("1401")
        ),
        "datong": OfficerFactory(
            username="dt-out", scope__level=OfficerScope.Level.CITY, scope__city=city("1402")
        ),
        "xiaodian": OfficerFactory(
            username="xd-out", scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105")
        ),
        "pingcheng": OfficerFactory(
            username="pc-out", scope__level=OfficerScope.Level.COUNTY, scope__county=county("140213")
        ),
        "province": OfficerFactory(username="sx-out", scope__level=OfficerScope.Level.PROVINCE),
    }


def mentions_course(text, code):
    """Whether ``code`` appears as a course code, not inside a longer number (ZC00000015)."""
    return re.search(rf"(?<!\d){code}(?!\d)", text) is not None
