import datetime
import itertools

import pytest
from django.utils import timezone

from payments import services
from payments.models import Order
from payments.providers import get_provider
from tests.factories import CandidateFactory, county
from tests.payments.alipay_standin import StandInGateway, new_key, private_pem

_purposes = itertools.count(1)
APP_ID = "2021000000000001"


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


@pytest.fixture
def app_key():
    return new_key("app")


@pytest.fixture
def gateway(app_key, settings):
    with StandInGateway(app_id=APP_ID, app_public_key=app_key.public_key()) as gateway:
        settings.ALIPAY_APP_ID = APP_ID
        settings.ALIPAY_APP_PRIVATE_KEY = private_pem(app_key)
        settings.ALIPAY_PUBLIC_KEY = gateway.public_pem
        settings.ALIPAY_GATEWAY = gateway.url
        settings.PAYMENTS_PUBLIC_URL = "https://zikao.sxkszx.cn"
        yield gateway


@pytest.fixture
def alipay():
    return get_provider("alipay", enabled_only=False)


