"""transfers.out_demo: the demo candidate may transfer out (and the seed can run twice)."""

import pytest

from candidates import demo as candidates_demo
from candidates.models import Candidate
from exams import demo as exams_demo
from records import demo as records_demo
from transfers import out, out_demo
from zikao import demo as zikao_demo
from zikao.models import BusinessWindow

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    zikao_demo.seed()
    candidates_demo.seed()
    exams_demo.seed()
    records_demo.seed()
    return out_demo.seed()


def test_seed_is_idempotent(rows):
    counts = (BusinessWindow.objects.count(), Candidate.objects.count())
    assert out_demo.seed() == rows
    assert (BusinessWindow.objects.count(), Candidate.objects.count()) == counts
    assert rows == [(rows[0][0], out_demo.TICKET, candidates_demo.CANDIDATE_PASSWORD)]


def test_the_demo_candidate_may_transfer_out_and_the_exemption_stays(rows):
    candidate = Candidate.objects.get(ticket_number=out_demo.TICKET)
    result = out.check_out_eligibility(candidate=candidate)
    assert result.allowed, result.refusal
    assert [entry.course.code for entry in result.courses] == ["00054", "00067", "03708", "03709"]


def test_the_other_demo_candidates_are_told_their_rule(rows):
    new = Candidate.objects.get(ticket_number="010526100031")  # no course passed yet
    assert out.check_out_eligibility(candidate=new).refusal.code == "no_exam_pass"
    almost = Candidate.objects.get(ticket_number="021324100033")  # 00070 transferred in at seeding time
    assert out.check_out_eligibility(candidate=almost).refusal.code == "recent_transfer_in"
