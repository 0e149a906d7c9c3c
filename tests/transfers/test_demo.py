import pytest

from candidates import demo as candidates_demo
from candidates.models import Candidate
from transfers import demo, services
from transfers.models import TransferApplication
from zikao import demo as zikao_demo

pytestmark = pytest.mark.django_db


def test_demo_shows_every_state_and_keeps_a_candidate_free_to_apply():
    zikao_demo.seed()
    candidates_demo.seed()
    rows = demo.seed()
    demo.seed()  # idempotent

    statuses = sorted(TransferApplication.objects.values_list("status", flat=True))
    assert statuses == sorted([
        "pending_origin", "pending_destination", "accepted", "rejected_by_origin", "withdrawn",
    ])
    assert len(rows) == 5
    accepted = TransferApplication.objects.get(status="accepted")
    assert accepted.remark_text == "已转入 大同市平城区"
    assert accepted.candidate.county.full_name == "大同市平城区"
    free = Candidate.objects.get(ticket_number="010526100001")
    assert services.check_eligibility(candidate=free).allowed
