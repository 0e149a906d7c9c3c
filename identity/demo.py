"""Demo identity submissions with photos, so officers have something real to review (idempotent).

- 张伟 (approved): his approved submission, photos of the astronaut;
- 刘洋 (待人工审核): the same astronaut photos; the automatic checks find that his
  headshot is 张伟's and send the case to an officer — review it in admin;
- 陈静 (未通过): Grace Hopper's photos with a blurred ID card, rejected by the checks.

The portraits come from scikit-image and matplotlib when they are installed
(test extras); otherwise simple drawings made with Pillow stand in (no face
is found in them, so the checks say so — the review still works).
"""

import datetime
import io
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFilter

from candidates.demo import demo_id_number
from candidates.models import Candidate
from identity import checks, samples, selectors, services, tasks
from identity.intake import normalise
from identity.models import CheckResult, IdentityPhoto, IdentitySubmission
from identity.storage import private_storage


def _drawn_person(background, size=(413, 531), zoom=1.0):
    """A simple drawn head-and-shoulders, for installations without the sample portraits."""
    image = Image.new("RGB", (round(size[0] * zoom), round(size[1] * zoom)), background)
    draw = ImageDraw.Draw(image)
    width, height = image.size
    draw.ellipse((width * 0.1, height * 0.72, width * 0.9, height * 1.3), fill=(40, 50, 70))
    draw.ellipse((width * 0.3, height * 0.18, width * 0.7, height * 0.66), fill=(236, 200, 170))
    draw.chord((width * 0.28, height * 0.14, width * 0.72, height * 0.5), 180, 360, fill=(30, 25, 20))
    for eye in (0.42, 0.58):
        draw.ellipse((width * eye - 8, height * 0.4 - 5, width * eye + 8, height * 0.4 + 5), fill=(30, 30, 30))
    draw.arc((width * 0.43, height * 0.47, width * 0.57, height * 0.56), 20, 160, fill=(150, 60, 60), width=3)
    if zoom > 1:  # a closer framing: crop back to the original size around the head
        left, top = (image.width - size[0]) // 2, round(image.height * 0.1)
        image = image.crop((left, top, left + size[0], top + size[1]))
    return image


def _drawn_set(background=samples.BLUE, zoom=1.0):
    person = _drawn_person(background, zoom=zoom)
    card = Image.new("RGB", (856, 540), (236, 240, 236))
    draw = ImageDraw.Draw(card)
    for row in range(6):
        draw.rectangle((140, 70 + row * 60, 420, 86 + row * 60), fill=(40, 40, 40))
    card.paste(person.resize((240, 309)), (560, 60))
    scene = _drawn_person((200, 196, 190), size=(900, 1100))
    scene.paste(card.resize((380, 240)), (470, 820))
    return {"headshot": person, "id_card": card, "handheld": scene}


def _photo_sets():
    if samples.available():
        astronaut = samples.submission_images("astronaut")
        grace = samples.submission_images("grace_hopper")
        grace["id_card"] = grace["id_card"].filter(ImageFilter.GaussianBlur(3))
        return astronaut, grace
    other = _drawn_set(samples.WHITE, zoom=1.4)  # another picture than 张伟's
    other["id_card"] = other["id_card"].filter(ImageFilter.GaussianBlur(3))
    return _drawn_set(), other


def _normalised(images):
    result = {}
    for slot, image in images.items():
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=90)
        result[slot] = normalise(buffer.getvalue())
    return result


def _demo_candidate(county_code, seq, gender):
    id_number = demo_id_number(county_code, datetime.date(1998, 5, seq), seq, gender)
    return Candidate.objects.filter(id_number=id_number).first()


def _approved_history(candidate, photos):
    """An earlier, automatically approved submission (stored directly: the candidate is already approved)."""
    storage = private_storage()
    decided = candidate.identity_approved_at or timezone.now()
    submission = IdentitySubmission.objects.create(
        candidate=candidate, attempt=1, status=IdentitySubmission.Status.APPROVED,
        submitted_at=decided - datetime.timedelta(minutes=2), check_started_at=decided - datetime.timedelta(minutes=1),
        check_runs=1, checked_at=decided, decided_at=decided, decided_automatically=True,
        decision_method=IdentitySubmission.Method.AUTOMATIC,
    )
    for slot, photo in photos.items():
        name = storage.save(f"identity/demo/{uuid.uuid4().hex}.jpg", ContentFile(photo.content))
        IdentityPhoto.objects.create(
            submission=submission, slot=slot, file=name, sha256=photo.sha256, phash=photo.phash,
            size=photo.size, width=photo.width, height=photo.height,
        )
    results = checks.run_pipeline(**selectors.pipeline_inputs(submission))
    CheckResult.objects.bulk_create(
        CheckResult(
            submission=submission, name=c.name, subject=c.subject, outcome=c.outcome, value=c.value,
            threshold=c.threshold, detail=c.detail, reason=c.reason,
        )
        for c in results
    )


def _checked_submission(candidate, photos):
    """Upload and check now, exactly as a candidate's upload would be."""
    submission = services.submit_photos(candidate=candidate, photos=photos)
    tasks.run_identity_checks(submission.pk)  # the queued run (after commit) then finds it decided and skips


def seed():
    approved, review, rejected = (
        _demo_candidate("140105", 1, "M"), _demo_candidate("140105", 4, "M"), _demo_candidate("140105", 5, "F")
    )
    if None in (approved, review, rejected) or IdentitySubmission.objects.filter(candidate=review).exists():
        return []
    first_set, second_set = _photo_sets()
    first = _normalised(first_set)
    if not IdentitySubmission.objects.filter(candidate=approved).exists():
        _approved_history(approved, first)
    _checked_submission(review, first)
    if not IdentitySubmission.objects.filter(candidate=rejected).exists():
        _checked_submission(rejected, _normalised(second_set))
    return []
