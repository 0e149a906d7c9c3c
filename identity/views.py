from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET

from candidates.decorators import candidate_required
from identity import selectors, services
from identity.forms import PhotoUploadForm
from identity.intake import MAX_BYTES, BoundedUploadHandler
from identity.models import IdentitySubmission, slots_for
from identity.storage import private_image_response
from zikao.errors import DomainError
from zikao.selectors import registration_point_of

Status = IdentitySubmission.Status
# After this many rejected attempts the page points to the registration point (人工审核).
IN_PERSON_AFTER_REJECTIONS = 3
LOCKED_MESSAGE = "您的照片已锁定或正在处理中，现在不能上传。"
THUMBNAIL_SIDE = 240


def _wants_json(request):
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _state(candidate, latest):
    if candidate.is_approved:
        return "approved"
    if latest is None:
        return "new"
    if latest.is_checking:
        return "checking"
    return latest.status  # needs_review / rejected


@csrf_exempt
def identity_page(request):
    """Upload 三照 / 两照 and see the verification state."""
    if request.method == "POST":
        # Before anything reads the body (the CSRF check does): keep uploads bounded and in memory.
        request.upload_handlers = [BoundedUploadHandler(request)]
    return _identity_page(request)


@dataclass(frozen=True)
class UploadOutcome:
    """What became of a posted upload, before it is answered as JSON (the page's script) or HTML."""

    submission: IdentitySubmission | None = None  # stored and queued
    form: PhotoUploadForm | None = None  # invalid, or refused by the service (errors on the form)
    refusal: str = ""  # uploads are locked in the current state


@csrf_protect
@candidate_required
def _identity_page(request):
    candidate = request.candidate
    latest = selectors.latest_submission(candidate)
    state = _state(candidate, latest)
    slots = slots_for(candidate)
    can_upload = state in {"new", "rejected"}
    if request.method != "POST":
        return _page(request, candidate, latest, state, PhotoUploadForm(slots=slots) if can_upload else None)
    outcome = _upload(request, candidate, slots) if can_upload else UploadOutcome(refusal=LOCKED_MESSAGE)
    if _wants_json(request):
        return _json_answer(outcome)
    return _html_answer(request, outcome, candidate, latest, state)


def _upload(request, candidate, slots):
    form = PhotoUploadForm(request.POST, request.FILES, slots=slots)
    if form.is_valid():
        try:
            return UploadOutcome(submission=services.submit_photos(candidate=candidate, photos=form.cleaned_data))
        except DomainError as error:
            form.add_error(None, error.message)
    return UploadOutcome(form=form)


def _json_answer(outcome):
    if outcome.refusal:
        return JsonResponse({"ok": False, "errors": {}, "non_field_errors": [outcome.refusal]}, status=409)
    if outcome.submission is not None:
        return JsonResponse({"ok": True, "redirect": reverse("identity")})
    form = outcome.form
    return JsonResponse(
        {
            "ok": False,
            "errors": {name: [str(e) for e in errors] for name, errors in form.errors.items() if name != "__all__"},
            "non_field_errors": [str(e) for e in form.non_field_errors()],
        },
        status=400,
    )


def _html_answer(request, outcome, candidate, latest, state):
    if outcome.refusal:
        messages.error(request, outcome.refusal)
        return redirect("identity")
    if outcome.submission is not None:
        outcome.submission.refresh_from_db(fields=["status"])
        if outcome.submission.is_checking:  # with in-process checks the page already shows the result
            messages.success(request, "照片已提交，正在检查。")
        return redirect("identity")
    return _page(request, candidate, latest, state, outcome.form, status=400)


def _page(request, candidate, latest, state, form, status=200):
    rejections = selectors.rejected_count(candidate)
    context = {
        "candidate": candidate,
        "state": state,
        "latest": latest,
        "form": form,
        "slot_count": len(slots_for(candidate)),
        "max_bytes": MAX_BYTES,
        "history": list(selectors.candidate_submissions(candidate)),
        "rejections": rejections,
        "point": registration_point_of(candidate.county) if rejections >= IN_PERSON_AFTER_REJECTIONS else None,
        "own_photos": list(latest.photos.all()) if latest is not None and state != "rejected" else [],
    }
    return render(request, "identity/identity.html", context, status=status)


@require_GET
@candidate_required
def identity_status(request):
    """For the 检查中 page's polling: the current state only."""
    latest = selectors.latest_submission(request.candidate)
    state = _state(request.candidate, latest)
    return JsonResponse({"state": state})


@require_GET
@login_required
def photo(request, pk):
    """A stored photo, to its owner and to officers whose scope covers the candidate; 403 to anyone else."""
    photo = selectors.get_photo_for_viewer(request.user, pk)
    return private_image_response(photo.file, filename=f"identity-{photo.pk}.jpg",
                                  thumbnail=THUMBNAIL_SIDE if request.GET.get("size") == "thumb" else 0)
