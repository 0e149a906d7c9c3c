import datetime
import itertools

import pytest
from django.utils import timezone

from payments import services
from payments.models import Order
from payments.providers import get_provider
from tests.factories import CandidateFactory, county

_purposes = itertools.count(1)


def make_order(candidate, *, purpose=None, lines=None, expires_at=None, kind=Order.Kind.THEORY_REGISTRATION, now=None):
    """An order for a stand-in purpose: payments needs no business app to be tested."""
    return services.create_order(
        candidate=candidate,
        kind=kind,
        title="2026年10月考次 理论课报名",
        purpose=purpose or ("tests.registration", next(_purposes)),
        lines=lines or [("00015 英语（二）", 3500, "00015"), ("03708 中国近现代史纲要", 3500, "03708")],
        expires_at=expires_at or (now or timezone.now()) + datetime.timedelta(days=2),
        now=now,
    )


@pytest.fixture
def candidate(db):
    return CandidateFactory(approved=True, county=county("140105"))


@pytest.fixture
def order(candidate):
    return make_order(candidate)


@pytest.fixture
def demo():
    return get_provider("demo")


@pytest.fixture
def offline():
    return get_provider("offline")
