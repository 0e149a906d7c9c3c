"""Reads that depend on who asks: a candidate's own submissions, an officer's county."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from candidates.scopes import county_scope_q, covers_county
from identity.models import IdentityPhoto, IdentitySubmission, Slot

Status = IdentitySubmission.Status


def candidate_submissions(candidate):
    return IdentitySubmission.objects.filter(candidate=candidate).order_by("-attempt")


def verified_headshot(candidate):
    """The headshot of the candidate's latest approved identity check (None for enrolled candidates
    who verified with 两照 only): what the 准考证 and the 省际转出登记表 print."""
    return (
        IdentityPhoto.objects.filter(submission__candidate=candidate, submission__status=Status.APPROVED,
                                     slot=Slot.HEADSHOT)
        .order_by("-submission__decided_at", "-pk").first()
    )


def latest_submission(candidate):
    return (
        candidate_submissions(candidate)
        .prefetch_related("photos", "check_results")
        .first()
    )


def rejected_count(candidate):
    return IdentitySubmission.objects.filter(candidate=candidate, status=Status.REJECTED).count()


def officer_submissions(user):
    """Submissions of candidates in the officer's county / city / province (nothing without a scope)."""
    return IdentitySubmission.objects.filter(county_scope_q(user, "candidate__county")).select_related(
        "candidate__county__city", "decided_by"
    )


def can_view_photo(user, photo):
    candidate = photo.submission.candidate
    if not user.is_authenticated:
        return False
    if candidate.user_id == user.pk:
        return True
    return (
        user.is_staff
        and user.has_perm("identity.view_identitysubmission")
        and covers_county(user, candidate.county)
    )


def get_photo_for_viewer(user, pk):
    """The photo if ``user`` owns it or is an officer covering the candidate's county; 403 otherwise."""
    photo = get_object_or_404(
        IdentityPhoto.objects.select_related("submission__candidate__county__city"), pk=pk
    )
    if not can_view_photo(user, photo):
        raise PermissionDenied
    return photo


def pipeline_inputs(submission):
    """What the check pipeline needs: the stored bytes, their hashes, other candidates' headshots, the ID number."""
    images, hashes, digests = {}, {}, {}
    for photo in submission.photos.all():
        with photo.file.open("rb") as handle:
            images[photo.slot] = handle.read()
        hashes[photo.slot] = photo.phash
        digests[photo.slot] = photo.sha256
    other_headshots = list(
        IdentityPhoto.objects.filter(slot=Slot.HEADSHOT)
        .exclude(submission__candidate_id=submission.candidate_id)
        .values_list("submission_id", "phash")
    )
    return {
        "images": images, "hashes": hashes, "digests": digests, "other_headshots": other_headshots,
        "id_number": submission.candidate.id_number,
    }


def stale_submission_ids(cutoff):
    """Submissions waiting for checks since before ``cutoff``, or whose check run started before it."""
    waiting = IdentitySubmission.objects.filter(status=Status.SUBMITTED, submitted_at__lt=cutoff)
    stuck = IdentitySubmission.objects.filter(status=Status.CHECKING, check_started_at__lt=cutoff)
    return sorted(set(waiting.values_list("pk", flat=True)) | set(stuck.values_list("pk", flat=True)))
