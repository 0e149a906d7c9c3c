"""exams.practical_demo: the demo accounts of 实践性环节报名 are what the README says."""

import pytest
from django.urls import reverse

from candidates import demo as candidates_demo
from candidates.models import Candidate
from exams import demo as exams_demo
from exams import practical, practical_demo
from exams.practical_models import PracticalFee
from records import demo as records_demo
from zikao.models import BusinessWindow
from zikao.selectors import current_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    candidates_demo.seed()
    exams_demo.seed()
    records_demo.seed()
    return practical_demo.seed()


def test_seed_is_idempotent(rows):
    counts = (PracticalFee.objects.count(), BusinessWindow.objects.count(), Candidate.objects.count())
    assert practical_demo.seed() == rows
    assert (PracticalFee.objects.count(), BusinessWindow.objects.count(), Candidate.objects.count()) == counts


def test_window_open_candidate_eligible_and_the_almost_graduate_told_what_is_missing(rows):
    assert current_window(BusinessWindow.Kind.PRACTICAL_REGISTRATION) is not None
    eligible = Candidate.objects.get(ticket_number=practical_demo.ELIGIBLE_TICKET)
    result = practical.eligibility(eligible)
    assert result.eligible and [pc.course.code for pc in result.offered] == ["00052", "06999"]
    almost = Candidate.objects.get(ticket_number="021324100033")
    assert [pc.course.code for pc in practical.eligibility(almost).missing] == ["00157"]
    assert [i.code for i in practical.institutions()] == ["10108", "10112", "10118", "10125"]


def test_sxu_signs_in_and_sees_the_queue(client, rows):
    assert ("山西大学（主考院校）工作人员", "sxu", candidates_demo.OFFICER_PASSWORD) in rows
    response = client.post(reverse("admin:login"), {
        "username": "sxu", "password": candidates_demo.OFFICER_PASSWORD, "next": "/admin/",
    })
    assert response.status_code == 302
    assert "实践性环节报名确认" in client.get("/admin/").content.decode()
