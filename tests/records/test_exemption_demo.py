"""records.exemption_demo: the demo candidate can apply for 00015 with CET-4, and seeding twice changes nothing."""

import pytest

from candidates import demo as candidates_demo
from candidates.models import Candidate
from exams import demo as exams_demo
from exams.exemption_models import ExemptionRule
from records import demo as records_demo
from records import exemption_demo, exemptions
from zikao import demo as zikao_demo
from zikao.models import BusinessWindow

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    zikao_demo.seed()
    candidates_demo.seed()
    exams_demo.seed()
    records_demo.seed()
    return exemption_demo.seed()


def test_the_demo_candidate_may_apply_for_00015_with_cet4(rows):
    assert rows[0][1] == exemption_demo.ELIGIBLE_TICKET
    candidate = Candidate.objects.get(ticket_number=exemption_demo.ELIGIBLE_TICKET)
    assert exemptions.check_eligibility(candidate=candidate).allowed
    offered = exemptions.offered_courses(candidate=candidate, rule=ExemptionRule.objects.get(code="CET4"))
    assert [pc.course.code for pc in offered] == ["00015"]


def test_seed_is_idempotent(rows):
    counts = (ExemptionRule.objects.count(), BusinessWindow.objects.count(), Candidate.objects.count())
    assert exemption_demo.seed() == rows
    assert (ExemptionRule.objects.count(), BusinessWindow.objects.count(), Candidate.objects.count()) == counts
