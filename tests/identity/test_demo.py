import pytest

from candidates import demo as candidate_demo
from identity import demo, samples
from identity.models import IdentitySubmission

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("with_samples", [True, False], ids=["sample-portraits", "drawn-fallback"])
def test_demo_gives_the_review_candidate_a_real_case_for_officers(with_samples, monkeypatch):
    if with_samples and not samples.available():
        pytest.skip("scikit-image / matplotlib (test extras) are not installed")
    if not with_samples:
        monkeypatch.setattr(samples, "available", lambda: False)
    candidate_demo.seed()
    demo.seed()
    demo.seed()  # idempotent
    by_name = {s.candidate.name: s for s in IdentitySubmission.objects.select_related("candidate")}
    assert set(by_name) == {"张伟", "刘洋", "陈静"} and IdentitySubmission.objects.count() == 3
    review = by_name["刘洋"]
    assert review.status == "needs_review" and review.candidate.identity_status == "needs_review"
    assert review.photos.count() == 3
    flagged = review.check_results.get(name="reused_headshot")
    assert flagged.outcome == "uncertain" and f"第 {by_name['张伟'].pk} 号" in flagged.detail
    rejected = by_name["陈静"]
    assert rejected.status == "rejected" and rejected.reasons
    assert by_name["张伟"].status == "approved"
