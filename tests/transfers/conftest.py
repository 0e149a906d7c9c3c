import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest

from candidates.models import OfficerScope
from tests.factories import BusinessWindowFactory, CandidateFactory, OfficerFactory, city, county
from transfers import services

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENS = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)
CLOSES = datetime.datetime(2026, 3, 10, 17, 0, tzinfo=SHANGHAI)
DURING = datetime.datetime(2026, 3, 5, 10, 30, tzinfo=SHANGHAI)


@pytest.fixture
def window(db):
    return BusinessWindowFactory(title="2026年上半年省内转考", opens_at=OPENS, closes_at=CLOSES)


@pytest.fixture
def frozen(window):
    """The clock in the middle of the window."""
    import time_machine

    with time_machine.travel(DURING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def candidate(db):
    return CandidateFactory(approved=True, name="张伟", county=county("140105"))


@pytest.fixture
def datong():
    return city("1402")


def submit(candidate, to_city, *, now=DURING, token=None, window_id=None):
    return services.submit_transfer(
        candidate=candidate, to_city=to_city, token=token or uuid.uuid4(), now=now, window_id=window_id
    )


@pytest.fixture
def officers(db):
    return {
        "taiyuan": OfficerFactory(username="ty-officer", scope__level=OfficerScope.Level.CITY, scope__city=city("1401")),
        "datong": OfficerFactory(username="dt-officer", scope__level=OfficerScope.Level.CITY, scope__city=city("1402")),
        "jinzhong": OfficerFactory(username="jz-officer", scope__level=OfficerScope.Level.CITY, scope__city=city("1407")),
        "xiaodian": OfficerFactory(
            username="xd-officer", scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105")
        ),
        "yingze": OfficerFactory(
            username="yz-officer", scope__level=OfficerScope.Level.COUNTY, scope__county=county("140106")
        ),
        "pingcheng": OfficerFactory(
            username="pc-officer", scope__level=OfficerScope.Level.COUNTY, scope__county=county("140213")
        ),
        "province": OfficerFactory(username="sx-officer", scope__level=OfficerScope.Level.PROVINCE),
    }
