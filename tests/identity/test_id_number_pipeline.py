"""The ID number on the card in the whole check run: upload → task → decision → officer's page.

Real photos (scikit-image's astronaut): the 证件照 and the handheld photo as
usual, and an ID-card photo printed with the registered number, another valid
number, or no readable number.
"""

import io

import pytest
from django.urls import reverse

from candidates.models import OfficerScope
from identity import samples
from identity.models import CheckResult, IdentitySubmission
from tests.factories import CandidateFactory, OfficerFactory, county, make_id_number
from tests.identity.helpers import needs_samples, upload
from zikao.models import AuditEvent

pytestmark = [needs_samples, pytest.mark.django_db]
Status = IdentitySubmission.Status
MISMATCH = "身份证照片上的号码与注册的身份证号不一致"


def jpeg(image):
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def base_photos():
    images = samples.submission_images("astronaut")
    return {"headshot": jpeg(images["headshot"]), "handheld": jpeg(images["handheld"])}


@pytest.fixture
def candidate(client):
    candidate = CandidateFactory(county=county("140105"))
    client.force_login(candidate.user)
    return candidate


def submit_with_card(client, base_photos, card_image, django_capture_on_commit_callbacks):
    photos = {**base_photos, "id_card": jpeg(card_image)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("identity"), {slot: upload(f"{slot}.jpg", data) for slot, data in photos.items()})
    assert response.status_code == 302
    return IdentitySubmission.objects.get()


def printed_card(number):
    return samples.photographed(samples.printed_id_card("astronaut", number), width=1000, angle=3, light=0.2)


def test_the_registered_number_on_the_card_passes_and_the_candidate_is_approved(
    client, candidate, base_photos, django_capture_on_commit_callbacks
):
    submission = submit_with_card(client, base_photos, printed_card(candidate.id_number), django_capture_on_commit_callbacks)
    result = submission.check_results.get(name=CheckResult.Name.ID_NUMBER)
    assert result.outcome == CheckResult.Outcome.PASSED
    assert candidate.id_number not in result.detail and candidate.masked_id_number in result.detail
    assert submission.status == Status.APPROVED


def test_another_number_on_the_card_goes_to_an_officer_with_the_reason(
    client, candidate, base_photos, django_capture_on_commit_callbacks
):
    other = make_id_number(county_code="140107", sequence=5)
    submission = submit_with_card(client, base_photos, printed_card(other), django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW
    result = submission.check_results.get(name=CheckResult.Name.ID_NUMBER)
    assert result.outcome == CheckResult.Outcome.UNCERTAIN and result.detail.startswith(MISMATCH)
    # The face checks alone would have approved: the number is what holds it back.
    assert not submission.check_results.exclude(name=CheckResult.Name.ID_NUMBER).exclude(outcome="passed").exists()
    referral = AuditEvent.objects.get(action="identity_needs_review")
    assert referral.reason == MISMATCH
    assert other not in referral.reason + result.detail + str(referral.data)

    officer = OfficerFactory(scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105"))
    client.force_login(officer)
    page = client.get(reverse("admin:identity_identitysubmission_change", args=[submission.pk])).content.decode()
    assert "身份证号码比对" in page and MISMATCH in page
    assert other not in page
    listing = client.get(reverse("admin:identity_identitysubmission_changelist"), follow=True).content.decode()
    assert "身份证号码比对：需人工判断" in listing


def test_an_unreadable_number_leaves_the_decision_to_the_face_checks(
    client, candidate, base_photos, django_capture_on_commit_callbacks
):
    # samples.id_card prints bars where the number goes: nothing to read.
    submission = submit_with_card(client, base_photos, samples.id_card("astronaut"), django_capture_on_commit_callbacks)
    result = submission.check_results.get(name=CheckResult.Name.ID_NUMBER)
    assert result.outcome == CheckResult.Outcome.NO_VERDICT and result.detail.startswith("号码无法识别")
    assert submission.status == Status.APPROVED

    officer = OfficerFactory(scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105"))
    client.force_login(officer)
    page = client.get(reverse("admin:identity_identitysubmission_change", args=[submission.pk])).content.decode()
    assert "号码无法识别" in page and "无结论" in page

