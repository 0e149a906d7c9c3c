"""Demo 考场座位 and 准考证 (idempotent): the coming sitting's paid registrations (钱进's, from
exams.registration_demo) are seated in the demo venues (exams.demo), the ticket print date is
brought forward to now when it is still ahead, and 钱进 gets a verified headshot (an approved
现场核验 with a photo), so ``make run`` shows 准考证打印 with a photo-bearing PDF."""

import datetime
import uuid

from django.core.files.base import ContentFile
from django.utils import timezone

from candidates.demo import CANDIDATE_PASSWORD
from candidates.models import Candidate
from exams import seats, services
from exams.models import CourseRegistration, ExamSitting
from exams.registration_demo import PAID_TICKET
from identity.models import IdentityPhoto, IdentitySubmission, Slot
from identity.selectors import verified_headshot
from identity.storage import private_storage

ACTOR = "seed_demo"


def _headshot_bytes():
    from identity import samples
    from identity.demo import _drawn_person
    from identity.intake import normalise

    image = samples.headshot("astronaut") if samples.available() else _drawn_person(samples.WHITE)
    return normalise(samples.jpeg_bytes(image))


def _verified_headshot(candidate, now):
    """An approved in-person identity check with a headshot, unless the candidate has one already."""
    if verified_headshot(candidate) is not None:
        return
    photo = _headshot_bytes()
    attempt = IdentitySubmission.objects.filter(candidate=candidate).count() + 1
    submission = IdentitySubmission.objects.create(
        candidate=candidate, attempt=attempt, status=IdentitySubmission.Status.APPROVED, submitted_at=now,
        checked_at=now, decided_at=now, decision_method=IdentitySubmission.Method.IN_PERSON,
    )
    name = private_storage().save(f"identity/demo/{uuid.uuid4().hex}.jpg", ContentFile(photo.content))
    IdentityPhoto.objects.create(
        submission=submission, slot=Slot.HEADSHOT, file=name, sha256=photo.sha256, phash=photo.phash,
        size=photo.size, width=photo.width, height=photo.height,
    )


def seed(now=None):
    now = now or timezone.now()
    candidate = Candidate.objects.filter(ticket_number=PAID_TICKET).first()
    registration = (
        CourseRegistration.objects.filter(candidate=candidate, status=CourseRegistration.Status.PAID)
        .select_related("sitting").order_by("-sitting__exam_start").first()
        if candidate is not None else None
    )
    if registration is None:
        return []  # no paid demo registration (the demo window is closed, or no demo payments)
    sitting = registration.sitting
    if sitting.ticket_print_from is None or sitting.ticket_print_from > now:
        services.upsert(ExamSitting, lookup={"pk": sitting.pk},
                        values={"ticket_print_from": now - datetime.timedelta(hours=1)}, actor_label=ACTOR)
        sitting.refresh_from_db()
    _verified_headshot(candidate, now)
    try:
        seats.assign_seats(sitting=sitting, actor_label=ACTOR, now=now)
    except seats.SeatError:
        return []  # the demo venues are full: nothing to show
    return [("考生：已编排考场座位，可打印准考证（钱进）", candidate.ticket_number, CANDIDATE_PASSWORD)]
