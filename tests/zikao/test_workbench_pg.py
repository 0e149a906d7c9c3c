"""Two officers press 由我处理 on the same case at the same instant: one holds it (PostgreSQL)."""

import pytest

from candidates.models import OfficerScope
from tests.concurrency import run_together
from tests.factories import CandidateFactory, OfficerFactory, county
from zikao.models import AuditEvent, CaseClaim
from zikao.services import ClaimError, claim_case

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_officers_claiming_at_once_end_with_one_holder():
    case = CandidateFactory(name="争抢考生", county=county("140105"))  # any row serves as the claimed case
    officers = [
        OfficerFactory(username=f"desk{i}", scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105"))
        for i in range(2)
    ]
    for _round in range(5):
        CaseClaim.objects.all().delete()
        results = run_together(2, lambda i: claim_case(officer=officers[i], queue="race", obj=case))
        won = [r for r in results if isinstance(r, CaseClaim)]
        lost = [r for r in results if isinstance(r, ClaimError)]
        assert len(won) == 1 and len(lost) == 1, results
        assert lost[0].code in ("claimed_by_other", "claim_contended")
        assert list(CaseClaim.objects.values_list("holder_id", flat=True)) == [won[0].holder_id]
    assert AuditEvent.objects.filter(action="case_claimed").count() == 5
