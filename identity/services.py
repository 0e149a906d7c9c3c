"""Every state change of identity verification: one function each (see STYLE.md).

Automatic decisions (the check pipeline, ``actor=None``) and officers' decisions
go through the same ``approve_identity`` / ``reject_identity`` /
``refer_identity_for_review``. Each runs in one transaction, re-reads the
submission with a row lock, checks its current state, writes an audit event
and leaves the candidate a message in the personal centre.
"""

import logging
import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from candidates.messaging import send_candidate_message
from candidates.models import Candidate, EnrolledRecord
from candidates.scopes import covers_county
from identity import checks as pipeline
from identity.models import (
    SLOT_SHORT_LABELS,
    CheckResult,
    IdentityPhoto,
    IdentitySubmission,
    TicketSequence,
    slots_for,
)
from identity.storage import private_storage
from zikao.audit import AuditAction, record_event
from zikao.errors import DomainError

logger = logging.getLogger(__name__)

Status = IdentitySubmission.Status
Method = IdentitySubmission.Method
SYSTEM_ACTOR = "system:identity-checks"
# Each upload costs a check run on a worker; a candidate who keeps failing is
# better served at the registration point than by a hundredth attempt.
MAX_SUBMISSIONS_PER_DAY = 10

# 不通过 reasons an officer picks from; the text is what the candidate reads.
REJECTION_REASONS = {
    "blurry": ("照片不清晰", "照片不够清晰，无法辨认。请在光线充足处对准焦点重新拍摄。"),
    "not_same_person": ("照片与本人不符", "照片中的人像与身份证不一致。请上传您本人的照片和您本人的身份证。"),
    "headshot": (
        "免冠照不符合要求",
        "免冠照须为本人近期免冠正面彩色照片，背景为蓝色、白色或浅灰色，不戴帽子和墨镜。请重新拍摄后上传。",
    ),
    "id_card": (
        "身份证照片不符合要求",
        "身份证照片须为第二代居民身份证人像面，四角完整、字迹和人像清晰，无反光、无遮挡。请重新拍摄后上传。",
    ),
    "handheld": (
        "手持身份证照不符合要求",
        "手持身份证照须为本人手持身份证人像面的半身照，面部和身份证都要清晰可见。请重新拍摄后上传。",
    ),
    "edited": ("照片经过修改或翻拍", "照片疑似经过修改、翻拍或截图。请上传用手机或相机直接拍摄的照片。"),
    "other": ("其他原因（在说明中写明）", ""),
}


class IdentityError(DomainError):
    """A broken rule; ``message`` is fit to show to a candidate or an officer."""


# --- tickets -------------------------------------------------------------------------
def exam_sitting(moment=None):
    """(year, sitting) of ``moment`` in Asia/Shanghai: sitting 1 is January–June, 2 is July–December."""
    local = timezone.localtime(moment or timezone.now())
    return local.year, 1 if local.month <= 6 else 2


def ticket_prefix(county, year, sitting):
    """City (2) + county (2) + year (2) + sitting (1): 太原市小店区 140105, 2021 first sitting → 0105211."""
    return f"{county.code[2:4]}{county.code[4:6]}{year % 100:02d}{sitting}"


def issue_ticket_number(*, county, moment=None):
    """The next unused 12-digit ticket number for ``county`` in the sitting of ``moment``.

    Must run inside the approving transaction: the sequence row stays locked
    until it commits, so concurrent approvals queue here and never share a
    number (a number taken by the enrolled registry is skipped; gaps are fine).
    """
    year, sitting = exam_sitting(moment)
    prefix = ticket_prefix(county, year, sitting)
    # get_or_create retries its INSERT in a savepoint, so two first approvals racing
    # to create the row end up locking the same one.
    sequence, _ = TicketSequence.objects.get_or_create(county=county, year=year, sitting=sitting)
    sequence = TicketSequence.objects.select_for_update().get(pk=sequence.pk)
    number = sequence.last_number
    while True:
        number += 1
        if number > 99999:
            raise IdentityError("本考次该区县的准考证号已用完，请联系省招考中心。", code="ticket_numbers_exhausted")
        ticket = f"{prefix}{number:05d}"
        taken = (
            Candidate.objects.filter(ticket_number=ticket).exists()
            or EnrolledRecord.objects.filter(ticket_number=ticket).exists()
        )
        if not taken:
            break
    sequence.last_number = number
    sequence.save(update_fields=["last_number"])
    return ticket


# --- submitting photos -------------------------------------------------------------------
def submit_photos(*, candidate, photos):
    """Store the normalised ``photos`` ({slot: NormalisedPhoto}) as a new submission and queue the checks.

    All-or-nothing: every photo has already passed intake; if anything fails
    here, the files written so far are removed again.
    """
    required = slots_for(candidate)
    missing = [slot for slot in required if slot not in photos]
    if missing:
        raise IdentityError("请上传全部照片：" + "、".join(SLOT_SHORT_LABELS[slot] for slot in missing) + "。", code="photos_missing")
    storage = private_storage()
    stored = []
    try:
        with transaction.atomic():
            candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
            if candidate.is_approved:
                raise IdentityError("您的身份验证已经通过，照片已锁定，不能再上传。", code="already_approved")
            if IdentitySubmission.objects.filter(
                candidate=candidate, status__in=IdentitySubmission.ACTIVE_STATUSES
            ).exists():
                raise IdentityError("您上次提交的照片正在检查或等待人工审核，请等待结果后再上传。", code="submission_pending")
            now = timezone.now()
            today = IdentitySubmission.objects.filter(candidate=candidate, submitted_at__gte=now - timedelta(days=1))
            if today.count() >= MAX_SUBMISSIONS_PER_DAY:
                raise IdentityError(
                    f"24 小时内最多提交 {MAX_SUBMISSIONS_PER_DAY} 次照片，请明天再试，或携带身份证到所属报名点进行人工审核。",
                    code="daily_limit",
                )
            last = IdentitySubmission.objects.filter(candidate=candidate).aggregate(Max("attempt"))["attempt__max"]
            submission = IdentitySubmission.objects.create(
                candidate=candidate, attempt=(last or 0) + 1, submitted_at=now
            )
            for slot in required:
                photo = photos[slot]
                name = storage.save(f"identity/{now:%Y/%m}/{uuid.uuid4().hex}.jpg", ContentFile(photo.content))
                stored.append(name)
                IdentityPhoto.objects.create(
                    submission=submission, slot=slot, file=name, sha256=photo.sha256, phash=photo.phash,
                    size=photo.size, width=photo.width, height=photo.height, created_at=now,
                )
            candidate_status = candidate.identity_status
            candidate.identity_status = Candidate.IdentityStatus.CHECKING
            candidate.save(update_fields=["identity_status", "updated_at"])
            record_event(
                actor=candidate.user, action=AuditAction.IDENTITY_SUBMIT, obj=submission, to_state=Status.SUBMITTED,
                data={"attempt": submission.attempt, "slots": list(required), "candidate_status": candidate_status},
            )
            transaction.on_commit(lambda: enqueue_checks(submission.pk))
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise
    return submission


def enqueue_checks(submission_id):
    """Queue the checks; if the broker is unreachable the periodic re-queue picks the submission up."""
    from identity.tasks import run_identity_checks

    try:
        run_identity_checks.delay(submission_id)
    except Exception:  # noqa: BLE001 — the upload has committed; never turn a broker outage into an error page
        logger.exception("identity: could not queue checks for submission %s; the periodic job will", submission_id)


# --- the check run -------------------------------------------------------------------------
def start_checks(*, submission_id, stale_after):
    """Claim a submission for a check run; None if it is decided or another run is still fresh.

    A run that started more than ``stale_after`` ago is presumed dead (its
    worker was killed) and may be claimed again.
    """
    with transaction.atomic():
        submission = IdentitySubmission.objects.select_for_update().filter(pk=submission_id).first()
        if submission is None:
            return None
        now = timezone.now()
        fresh_run = (
            submission.status == Status.CHECKING
            and submission.check_started_at is not None
            and submission.check_started_at > now - stale_after
        )
        if submission.status not in (Status.SUBMITTED, Status.CHECKING) or fresh_run:
            return None
        from_state = submission.status
        submission.status = Status.CHECKING
        submission.check_started_at = now
        submission.check_runs += 1
        submission.save(update_fields=["status", "check_started_at", "check_runs"])
        record_event(
            actor=None, actor_label=SYSTEM_ACTOR, action=AuditAction.IDENTITY_CHECKS_STARTED, obj=submission,
            from_state=from_state, to_state=Status.CHECKING, data={"run": submission.check_runs},
        )
        return submission


def finish_checks(*, submission_id, checks):
    """Record the measured checks and decide automatically, unless the submission was decided meanwhile.

    Results and decision are written in one transaction under the row lock,
    so a re-run can never add a second set of results or a second decision.
    """
    with transaction.atomic():
        submission = IdentitySubmission.objects.select_for_update().get(pk=submission_id)
        if submission.status != Status.CHECKING:
            logger.info("identity: submission %s already %s; results of this run dropped", submission_id, submission.status)
            return None
        now = timezone.now()
        CheckResult.objects.bulk_create(
            [
                CheckResult(
                    submission=submission, name=check.name, subject=check.subject, outcome=check.outcome,
                    value=check.value, threshold=check.threshold, detail=check.detail, reason=check.reason,
                    created_at=now,
                )
                for check in checks
            ]
        )
        submission.checked_at = now
        submission.save(update_fields=["checked_at"])
        outcome = pipeline.decide(checks)
        if outcome == "approved":
            return approve_identity(submission=submission, actor=None)
        if outcome == "rejected":
            reasons = list(dict.fromkeys(check.reason for check in checks if check.failed and check.reason))
            return reject_identity(submission=submission, actor=None, reasons=reasons)
        return refer_identity_for_review(submission=submission, note="\n".join(pipeline.review_notes(checks)))


# --- decisions ------------------------------------------------------------------------------
def _lock(submission):
    """Re-read ``submission`` under a row lock (only its own row: the candidate is locked separately)."""
    return (
        IdentitySubmission.objects.select_for_update(of=("self",))
        .select_related("candidate__county__city", "candidate__user")
        .get(pk=submission.pk)
    )


def _already_decided(submission):
    who = submission.decided_by.get_username() if submission.decided_by else "系统"
    when = f"（{timezone.localtime(submission.decided_at):%Y-%m-%d %H:%M}）" if submission.decided_at else ""
    return IdentityError(
        f"该申请已由{who}处理为“{submission.get_status_display()}”{when}，您的操作没有执行。请刷新页面查看最新状态。",
        code="already_decided",
    )


def _check_officer(actor, submission, permission):
    if not actor.has_perm(permission):
        raise IdentityError("您没有办理此项身份验证审核的权限。", code="no_permission")
    if not covers_county(actor, submission.candidate.county):
        raise IdentityError("该考生不属于您管辖的区县，不能处理。", code="out_of_scope")


def _allowed_from(method, submission):
    if method == Method.AUTOMATIC:
        return submission.status == Status.CHECKING
    if method == Method.OFFICER:
        return submission.status in (Status.SUBMITTED, Status.CHECKING, Status.NEEDS_REVIEW)
    # In person at the registration point: also after a rejection, on the latest submission.
    if submission.status in (Status.SUBMITTED, Status.CHECKING, Status.NEEDS_REVIEW):
        return True
    latest = IdentitySubmission.objects.filter(candidate=submission.candidate).order_by("-attempt").first()
    return submission.status == Status.REJECTED and latest.pk == submission.pk


def allowed_decisions(*, actor, submission):
    """The officer decisions (``approve``, ``reject``, ``in_person``) ``actor`` may take on ``submission``
    now: the same rules the decisions below enforce, so admin offers no button that would be refused."""
    if not covers_county(actor, submission.candidate.county):
        return []
    decisions = []
    if actor.has_perm("identity.decide_identitysubmission") and _allowed_from(Method.OFFICER, submission):
        decisions += ["approve", "reject"]
    if (
        actor.has_perm("identity.verify_identity_in_person")
        and not submission.candidate.is_approved
        and _allowed_from(Method.IN_PERSON, submission)
    ):
        decisions.append("in_person")
    return decisions


DECISION_ACTIONS = {
    Status.APPROVED: AuditAction.IDENTITY_APPROVED,
    Status.REJECTED: AuditAction.IDENTITY_REJECTED,
    Status.NEEDS_REVIEW: AuditAction.IDENTITY_NEEDS_REVIEW,
}


def _record_decision(submission, *, actor, method, from_state, reasons, note, data=None, now=None):
    now = now or timezone.now()
    if submission.status in IdentitySubmission.FINAL_STATUSES:
        submission.decided_at = now
        submission.decided_by = actor
        submission.decided_automatically = actor is None
        submission.decision_method = method
    submission.reasons = reasons
    submission.save(
        update_fields=["status", "decided_at", "decided_by", "decided_automatically", "decision_method", "reasons"]
    )
    record_event(
        actor=actor, actor_label="" if actor else SYSTEM_ACTOR, action=DECISION_ACTIONS[submission.status],
        obj=submission, from_state=from_state, to_state=submission.status,
        reason="\n".join([*reasons, note] if note else reasons),
        data={"method": method, "candidate": submission.candidate_id, **(data or {})},
    )
    return now


def approve_identity(*, submission, actor=None, in_person=False, note=""):
    """通过 (automatic when ``actor`` is None, 现场核验通过 when ``in_person``); issues a NEW candidate's ticket."""
    method = Method.AUTOMATIC if actor is None else (Method.IN_PERSON if in_person else Method.OFFICER)
    with transaction.atomic():
        submission = _lock(submission)
        if actor is not None:
            permission = "identity.verify_identity_in_person" if in_person else "identity.decide_identitysubmission"
            _check_officer(actor, submission, permission)
        if not _allowed_from(method, submission):
            raise _already_decided(submission)
        candidate = Candidate.objects.select_for_update().get(pk=submission.candidate_id)
        if candidate.is_approved:
            raise IdentityError("该考生的身份验证已经通过，无需重复审核。", code="already_approved")
        now = timezone.now()
        new_ticket = None
        if candidate.kind == Candidate.Kind.NEW and not candidate.ticket_number:
            new_ticket = issue_ticket_number(county=candidate.county, moment=now)
            candidate.ticket_number = new_ticket
        from_state = submission.status
        submission.status = Status.APPROVED
        _record_decision(
            submission, actor=actor, method=method, from_state=from_state, reasons=[], note=note,
            data={"ticket_number": new_ticket} if new_ticket else None, now=now,
        )
        candidate.identity_status = Candidate.IdentityStatus.APPROVED
        candidate.identity_approved_at = now
        candidate.save(update_fields=["identity_status", "identity_approved_at", "ticket_number", "updated_at"])
        if new_ticket:
            record_event(
                actor=actor, actor_label="" if actor else SYSTEM_ACTOR, action=AuditAction.TICKET_NUMBER_ISSUED,
                obj=candidate, to_state=new_ticket, data={"submission": submission.pk},
            )
        body = f"您的身份验证已于 {timezone.localtime(now):%Y年%m月%d日 %H:%M} 通过"
        body += "（报名点现场核验）。" if in_person else "。"
        if new_ticket:
            body += f"您的准考证号为 {new_ticket}，今后可用身份证号或准考证号登录。"
        send_candidate_message(candidate=candidate, title="身份验证已通过", body=body, link=reverse("center"))
        return submission


def reject_identity(*, submission, actor=None, reasons=None, reason_code="", note=""):
    """不通过: automatic (``reasons`` from the failed checks) or by an officer (a listed reason plus free text)."""
    method = Method.AUTOMATIC if actor is None else Method.OFFICER
    if actor is not None:
        if reason_code not in REJECTION_REASONS:
            raise IdentityError("请选择不通过的原因。", code="reason_required")
        if reason_code == "other" and not note.strip():
            raise IdentityError("选择“其他原因”时，请在说明中写明原因。", code="note_required")
        reasons = [text for text in [REJECTION_REASONS[reason_code][1], note.strip()] if text]
    reasons = list(reasons or []) or ["照片不符合要求，请按页面上的要求重新拍摄后上传。"]
    with transaction.atomic():
        submission = _lock(submission)
        if actor is not None:
            _check_officer(actor, submission, "identity.decide_identitysubmission")
        if not _allowed_from(method, submission):
            raise _already_decided(submission)
        candidate = Candidate.objects.select_for_update().get(pk=submission.candidate_id)
        from_state = submission.status
        submission.status = Status.REJECTED
        _record_decision(
            submission, actor=actor, method=method, from_state=from_state, reasons=reasons, note="",
            data={"reason_code": reason_code} if reason_code else None,
        )
        candidate.identity_status = Candidate.IdentityStatus.REJECTED
        candidate.save(update_fields=["identity_status", "updated_at"])
        body = "您上传的照片未通过身份验证，原因：\n" + "\n".join(f"{i}. {text}" for i, text in enumerate(reasons, 1))
        body += "\n请按要求重新拍摄后在“身份验证”页面重新上传。"
        send_candidate_message(candidate=candidate, title="身份验证未通过", body=body, link=reverse("identity"))
        return submission


def refer_identity_for_review(*, submission, note=""):
    """待人工审核: the checks could not decide; an officer of the candidate's county will (``note``: why, for them)."""
    with transaction.atomic():
        submission = _lock(submission)
        if submission.status != Status.CHECKING:
            raise _already_decided(submission)
        candidate = Candidate.objects.select_for_update().get(pk=submission.candidate_id)
        submission.status = Status.NEEDS_REVIEW
        _record_decision(
            submission, actor=None, method=Method.AUTOMATIC, from_state=Status.CHECKING, reasons=[], note=note
        )
        candidate.identity_status = Candidate.IdentityStatus.NEEDS_REVIEW
        candidate.save(update_fields=["identity_status", "updated_at"])
        send_candidate_message(
            candidate=candidate,
            title="照片已转人工审核",
            body="系统无法自动确定您的身份验证结果，照片已交由报名点工作人员人工审核，结果会通知到个人中心。",
            link=reverse("identity"),
        )
        return submission



def verify_in_person(*, candidate, officer, note):
    """现场核验通过 at the registration point's desk, whatever the candidate uploaded.

    The candidate stands at the desk with their ID card: their latest submission (still
    waiting, or rejected) is approved in person; a candidate who never uploaded photos gets
    a submission without photos, recorded as such, approved in person in the same transaction.
    """
    note = (note or "").strip()
    if not note:
        raise IdentityError("请填写核验说明。", code="note_required")
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().select_related("county__city").get(pk=candidate.pk)
        if not officer.has_perm("identity.verify_identity_in_person"):
            raise IdentityError("您没有办理现场核验的权限。", code="no_permission")
        if not covers_county(officer, candidate.county):
            raise IdentityError("该考生不属于您管辖的区县，不能办理现场核验。", code="out_of_scope")
        if candidate.is_approved:
            raise IdentityError("该考生的身份验证已经通过，无需现场核验。", code="already_approved")
        latest = IdentitySubmission.objects.filter(candidate=candidate).order_by("-attempt").first()
        if latest is None or latest.status == Status.APPROVED:
            latest = IdentitySubmission.objects.create(
                candidate=candidate, attempt=(latest.attempt + 1) if latest else 1, status=Status.SUBMITTED,
            )
            record_event(
                actor=officer, action="identity_in_person_without_photos", obj=latest, to_state=Status.SUBMITTED,
                reason=note, data={"candidate": candidate.pk},
            )
        return approve_identity(submission=latest, actor=officer, in_person=True, note=note)
