"""省际转出: every state change, one function each (transaction, row lock, audit event, message).

    submit_transfer_out      candidate: 待网上确认, with the snapshot of the transferable courses
    correct_transfer_out     candidate: 待网上确认 / 已退回 → 待网上确认 (new snapshot; window open)
    confirm_transfer_out     candidate: 待网上确认 → 待市招考办审核 (photo of the signed 转出登记表)
    pass_city_check          city office: 待市招考办审核 → 待省招考中心初审
    send_transfer_out        province: 待省招考中心初审 → 已报送全国平台
    close_transfer_out       province: 已报送全国平台 → 已转出 (the record in Shanxi is closed)
    return_transfer_out      city or province: any of the three review steps → 已退回, with the reason
    lapse_unconfirmed        timed: 待网上确认 when the window has closed → 已失效

Lock order, everywhere: the candidate row first, then the application row.

Rules the candidate is told about (``check_out_eligibility``), each with its code:
record_closed, not_approved, no_ticket_number, window_not_open / window_closed, in_review,
no_exam_pass, recent_transfer_in, all_passed. "Transferred in" is read from the ledger: the latest
``recorded_at`` of a passed course with source 转入 (``PassedCourse.Source.TRANSFER_IN``) is the day
the record came to Shanxi; a year must have passed since. "Every course passed" is the plan's
progress being complete (``records.selectors.progress``): such a candidate graduates in Shanxi.
"""

import datetime
import re
import uuid
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from candidates.messaging import send_candidate_message
from candidates.models import Candidate, OfficerScope
from candidates.scopes import is_province_officer, officer_scope
from records import selectors as records
from records.models import PassedCourse
from transfers.out_models import TARGET_PROVINCES, TransferOut
from transfers.signals import record_closed
from zikao.audit import AuditAction, record_event
from zikao.errors import ApplicationError
from zikao.models import BusinessWindow
from zikao.selectors import current_window, window_refusal
from zikao.timefmt import local_text

Status = TransferOut.Status
WINDOW_KIND = BusinessWindow.Kind.INTER_PROVINCE_TRANSFER_OUT
# What moves to the other province: courses passed by examination (in Shanxi, or before in the
# province the record came from). Exemptions never transfer; a 顶替 entry is Shanxi's plan crediting
# one course for another (the course actually passed is in the ledger itself and transfers).
TRANSFERABLE_SOURCES = (PassedCourse.Source.EXAM, PassedCourse.Source.TRANSFER_IN)
TRANSFER_IN_WAIT_DAYS = 365
TICKET_PATTERN = re.compile(r"^[0-9A-Za-z]{6,20}$")
REASON_MAX = 200
LAPSE_ACTOR = "system:transfer-out-lapse"


class TransferOutError(ApplicationError):
    """A broken rule; ``application`` is the candidate's existing application where that is the answer."""


# --------------------------------------------------------------------------- the ledger


def transferable_courses(ledger):
    """The entries of ``ledger`` that move with the record, by course code."""
    return [entry for entry in ledger if entry.source in TRANSFERABLE_SOURCES]


def course_snapshot(ledger):
    """What the 转出登记表 prints for each transferable course (stored on the application)."""
    return [
        {
            "code": entry.course.code,
            "name": entry.course.name,
            "score": entry.score_text,
            "sitting": entry.sitting.code if entry.sitting else "",
            "source": entry.get_source_display(),
        }
        for entry in transferable_courses(ledger)
    ]


def transferred_in_at(ledger):
    """When the record came to Shanxi from another province (latest 转入 entry), or None."""
    return max(
        (entry.recorded_at for entry in ledger if entry.source == PassedCourse.Source.TRANSFER_IN),
        default=None,
    )


def _ledger_refusal(candidate, ledger, now):
    """The rule of the record that refuses a transfer out, or None."""
    if not any(entry.source == PassedCourse.Source.EXAM for entry in ledger):
        return TransferOutError(
            "省际转出须至少有一门课程在我省考试合格（免考、转入的课程不计）。您目前没有考试合格的课程，暂不能申请转出。",
            code="no_exam_pass",
        )
    arrived = transferred_in_at(ledger)
    if arrived is not None and now < arrived + datetime.timedelta(days=TRANSFER_IN_WAIT_DAYS):
        allowed = timezone.localdate(arrived + datetime.timedelta(days=TRANSFER_IN_WAIT_DAYS))
        return TransferOutError(
            f"您的考籍于{timezone.localdate(arrived):%Y年%m月%d日}由外省转入我省，转入未满一年不能转出，"
            f"{allowed:%Y年%m月%d日}后可以申请。",
            code="recent_transfer_in",
        )
    progress = records.progress(candidate, ledger)
    if progress is not None and progress.complete:
        return TransferOutError(
            f"您已考完报考专业（{progress.major.code} {progress.major.name}）的全部课程，不能再转出，"
            "请在我省申请毕业（毕业申请）。",
            code="all_passed",
        )
    return None


# --------------------------------------------------------------------------- eligibility


@dataclass
class Eligibility:
    window: BusinessWindow | None = None
    existing: TransferOut | None = None
    refusal: TransferOutError | None = None
    ledger: list = field(default_factory=list)

    @property
    def allowed(self):
        return self.refusal is None

    @property
    def courses(self):
        return transferable_courses(self.ledger)


def active_application(*, candidate, window):
    if window is None:
        return None
    return TransferOut.objects.filter(
        candidate=candidate, window=window, status__in=TransferOut.ACTIVE_STATUSES
    ).first()


def check_out_eligibility(*, candidate, now=None):
    """Whether ``candidate`` may apply now, and if not, which rule says no."""
    now = now or timezone.now()
    if candidate.record_closed:
        return Eligibility(refusal=TransferOutError(Candidate.RECORD_CLOSED_MESSAGE, code="record_closed"))
    if not candidate.is_approved:
        return Eligibility(
            refusal=TransferOutError(
                "您的身份验证尚未通过，通过后才能申请省际转出。请先到“身份验证”页面完成验证。",
                code="not_approved",
            )
        )
    if not candidate.ticket_number:
        return Eligibility(
            refusal=TransferOutError(
                "您还没有准考证号，没有我省考籍，不能申请省际转出。", code="no_ticket_number"
            )
        )
    window = current_window(WINDOW_KIND, now=now)
    if window is None:
        return Eligibility(refusal=window_refusal(WINDOW_KIND, now=now, error=TransferOutError))
    existing = active_application(candidate=candidate, window=window)
    if existing is not None:
        return Eligibility(
            window=window,
            existing=existing,
            refusal=TransferOutError(
                f"您在本次转出时间内已提交过省际转出申请（{existing.number}）。",
                code="already_applied",
                application=existing,
            ),
        )
    in_review = TransferOut.objects.filter(
        candidate=candidate, status__in=TransferOut.IN_REVIEW_STATUSES
    ).first()
    if in_review is not None:
        return Eligibility(
            window=window,
            existing=in_review,
            refusal=TransferOutError(
                f"您之前的省际转出申请（{in_review.number}）仍在审核中，审核结束前不能再次申请。",
                code="in_review",
                application=in_review,
            ),
        )
    ledger = records.passed_courses(candidate)
    return Eligibility(window=window, ledger=ledger, refusal=_ledger_refusal(candidate, ledger, now))


def clean_answers(*, target_province, target_ticket_number, reason):
    """The three answers, stripped; refused with the field's message."""
    target_province = (target_province or "").strip()
    target_ticket_number = (target_ticket_number or "").strip()
    reason = (reason or "").strip()
    if target_province not in dict(TARGET_PROVINCES):
        raise TransferOutError("请从列表中选择转入省份（不能选择山西省）。", code="bad_province")
    if not TICKET_PATTERN.match(target_ticket_number):
        raise TransferOutError(
            "转入省准考证号应为6至20位数字或字母，请按转入省考籍管理机构发放的准考证号填写。",
            code="bad_ticket_number",
        )
    if len(reason) < 2:
        raise TransferOutError("请填写转出原因，例如工作调动、随迁等。", code="no_reason")
    if len(reason) > REASON_MAX:
        raise TransferOutError(f"转出原因请控制在{REASON_MAX}字以内。", code="reason_too_long")
    return target_province, target_ticket_number, reason


# --------------------------------------------------------------------------- candidate actions


def detail_link(application):
    return reverse("transfer_out_detail", kwargs={"number": application.number})


def new_form_token():
    return uuid.uuid4()


def _lock_candidate(candidate):
    return (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("county__city", "user")
        .get(pk=candidate.pk)
    )


def submit_transfer_out(*, candidate, target_province, target_ticket_number, reason, token, now=None):
    """Create the application (待网上确认) with its course snapshot; returns ``(application, created)``.

    Posting the same form (``token``) again returns the application it created; two different
    forms at once end with one application (candidate row lock, and the conditional unique
    constraint ``one_active_transfer_out_per_window`` under it).
    """
    now = now or timezone.now()
    answers = clean_answers(
        target_province=target_province,
        target_ticket_number=target_ticket_number,
        reason=reason,
    )
    try:
        return _submit_locked(candidate=candidate, answers=answers, token=token, now=now)
    except IntegrityError:
        existing = TransferOut.objects.filter(idempotency_token=token, candidate=candidate).first() or (
            active_application(candidate=candidate, window=current_window(WINDOW_KIND, now=now))
        )
        if existing is None:
            raise
        if existing.idempotency_token == token:
            return existing, False
        raise TransferOutError(
            f"您在本次转出时间内已提交过省际转出申请（{existing.number}）。",
            code="already_applied",
            application=existing,
        ) from None


@transaction.atomic
def _submit_locked(*, candidate, answers, token, now):
    candidate = _lock_candidate(candidate)
    earlier = TransferOut.objects.filter(idempotency_token=token).first()
    if earlier is not None:
        if earlier.candidate_id != candidate.pk:
            raise TransferOutError("该申请表已失效，请重新打开申请页面填写。", code="bad_token")
        return earlier, False
    eligibility = check_out_eligibility(candidate=candidate, now=now)
    if not eligibility.allowed:
        raise eligibility.refusal
    target_province, target_ticket_number, reason = answers
    application = TransferOut.objects.create(
        candidate=candidate,
        window=eligibility.window,
        from_city=candidate.county.city,
        from_county=candidate.county,
        target_province=target_province,
        target_ticket_number=target_ticket_number,
        reason=reason,
        courses=course_snapshot(eligibility.ledger),
        snapshot_at=now,
        idempotency_token=token,
        submitted_at=now,
    )
    record_event(
        actor=candidate.user,
        action=AuditAction.TRANSFER_OUT_SUBMIT,
        obj=application,
        to_state=application.status,
        data={"target_province": target_province, "courses": [row["code"] for row in application.courses]},
    )
    send_candidate_message(
        candidate=candidate,
        title="省际转出申请已保存，请完成网上确认",
        body=f"您的省际转出申请（{application.number}，转往{application.target_province_name}）已保存。请下载"
        f"《转出登记表》，本人签字后拍照上传完成网上确认；{local_text(eligibility.window.closes_at)}前未确认的申请将失效。",
        link=detail_link(application),
    )
    return application, True


def _lock_own(candidate, application):
    candidate = _lock_candidate(candidate)
    application = (
        TransferOut.objects.select_for_update(of=("self",)).select_related("window").get(pk=application.pk)
    )
    if application.candidate_id != candidate.pk:
        raise TransferOutError("只能办理本人的申请。", code="not_owner")
    return candidate, application


def can_correct(application, *, now=None):
    return application.status in (Status.UNCONFIRMED, Status.RETURNED) and application.window.is_open(now)


def can_confirm(application, *, now=None):
    return application.status == Status.UNCONFIRMED and application.window.is_open(now)


def _window_still_open(application, now):
    if not application.window.is_open(now):
        raise TransferOutError(
            f"本次省际转出申请已于{local_text(application.window.closes_at)}结束，不能再修改或确认。",
            code="window_closed",
        )


def correct_transfer_out(*, candidate, application, target_province, target_ticket_number, reason, now=None):
    """修改: a 待网上确认 or 已退回 application gets new answers and a new snapshot, and waits for a new
    signed form (the one on file no longer matches what it would confirm)."""
    now = now or timezone.now()
    answers = clean_answers(
        target_province=target_province,
        target_ticket_number=target_ticket_number,
        reason=reason,
    )
    with transaction.atomic():
        candidate, application = _lock_own(candidate, application)
        if application.status not in (Status.UNCONFIRMED, Status.RETURNED):
            raise TransferOutError(
                f"该申请当前状态为“{application.get_status_display()}”，不能修改。", code="cannot_correct"
            )
        _window_still_open(application, now)
        ledger = records.passed_courses(candidate)
        refusal = _ledger_refusal(candidate, ledger, now)
        if refusal is not None:
            raise refusal
        from_state = application.status
        application.target_province, application.target_ticket_number, application.reason = answers
        application.courses = course_snapshot(ledger)
        application.snapshot_at = now
        application.status = Status.UNCONFIRMED
        application.signed_form = ""
        application.signed_form_sha256 = ""
        application.confirmed_at = None
        application.save(
            update_fields=[
                "target_province",
                "target_ticket_number",
                "reason",
                "courses",
                "snapshot_at",
                "status",
                "signed_form",
                "signed_form_sha256",
                "confirmed_at",
                "updated_at",
            ]
        )
        record_event(
            actor=candidate.user,
            action=AuditAction.TRANSFER_OUT_CORRECT,
            obj=application,
            from_state=from_state,
            to_state=Status.UNCONFIRMED,
            data={"target_province": application.target_province},
        )
    return application


def confirm_transfer_out(*, candidate, application, photo, now=None):
    """网上确认: ``photo`` (identity.intake.NormalisedPhoto, already checked and re-encoded) of the
    signed 转出登记表 is stored privately and the application goes to the city office."""
    now = now or timezone.now()
    stored = None
    try:
        with transaction.atomic():
            candidate, application = _lock_own(candidate, application)
            if application.status != Status.UNCONFIRMED:
                raise TransferOutError(
                    f"该申请当前状态为“{application.get_status_display()}”，无需再次确认。",
                    code="not_unconfirmed",
                    application=application,
                )
            _window_still_open(application, now)
            application.signed_form.save("signed.jpg", ContentFile(photo.content), save=False)
            stored = application.signed_form.name
            application.signed_form_sha256 = photo.sha256
            application.confirmed_at = now
            application.status = Status.PENDING_CITY
            application.return_reason = ""
            application.save(
                update_fields=[
                    "signed_form",
                    "signed_form_sha256",
                    "confirmed_at",
                    "status",
                    "return_reason",
                    "updated_at",
                ]
            )
            record_event(
                actor=candidate.user,
                action=AuditAction.TRANSFER_OUT_CONFIRM,
                obj=application,
                from_state=Status.UNCONFIRMED,
                to_state=Status.PENDING_CITY,
                data={"sha256": photo.sha256, "width": photo.width, "height": photo.height},
            )
            send_candidate_message(
                candidate=candidate,
                title="省际转出申请已网上确认",
                body=f"您的省际转出申请（{application.number}）已确认，等待{application.from_city.name}招考办审核。",
                link=detail_link(application),
            )
    except BaseException:
        if stored:  # the transaction did not commit: no file of it stays behind
            application.signed_form.storage.delete(stored)
        raise
    return application


# --------------------------------------------------------------------------- officer decisions


def may_decide_city(user, application):
    """The office of the candidate's city (at application time) checks first."""
    if user.is_superuser:
        return True
    scope = officer_scope(user)
    return (
        scope is not None
        and scope.level == OfficerScope.Level.CITY
        and scope.city_id == application.from_city_id
    )


def may_decide_province(user, application):
    return is_province_officer(user)


DECISIONS_BY_STATUS = {
    Status.PENDING_CITY: ("transfers.decide_out_city", may_decide_city, ["city_pass", "return"]),
    Status.PENDING_PROVINCE: ("transfers.decide_out_province", may_decide_province, ["send", "return"]),
    Status.SENT: ("transfers.decide_out_province", may_decide_province, ["close", "return"]),
}


def allowed_decisions(*, officer, application):
    """What ``officer`` may decide on ``application`` now; admin shows exactly these buttons."""
    permission, may_decide, decisions = DECISIONS_BY_STATUS.get(application.status, (None, None, []))
    if permission is None or not officer.has_perm(permission) or not may_decide(officer, application):
        return []
    return decisions


def _lock_for_decision(application_pk, expected, *, officer):
    """Lock candidate then application; refuse another office's step or a step already decided."""
    candidate_id = TransferOut.objects.values_list("candidate_id", flat=True).get(pk=application_pk)
    candidate = Candidate.objects.select_for_update(of=("self",)).get(pk=candidate_id)
    application = (
        TransferOut.objects.select_for_update(of=("self",)).select_related("from_city").get(pk=application_pk)
    )
    permission, may_decide, _decisions = DECISIONS_BY_STATUS[expected]
    if not officer.has_perm(permission) or not may_decide(officer, application):
        raise TransferOutError("您不负责该申请的这一步审核。", code="out_of_scope")
    if application.status != expected:
        raise TransferOutError(
            f"该申请已被处理，当前状态为“{application.state_text}”，无需再次处理。请刷新页面查看。",
            code="already_decided",
        )
    return candidate, application


def _decide(application, *, candidate, officer, to_state, stamp, now, action, title, body, reason=""):
    from_state = application.status
    application.status = to_state
    setattr(application, f"{stamp}_at", now)
    setattr(application, f"{stamp}_by", officer)
    fields = ["status", f"{stamp}_at", f"{stamp}_by", "updated_at"]
    if reason:
        application.return_reason = reason
        fields.append("return_reason")
    application.save(update_fields=fields)
    record_event(
        actor=officer, action=action, obj=application, from_state=from_state, to_state=to_state, reason=reason
    )
    send_candidate_message(candidate=candidate, title=title, body=body, link=detail_link(application))
    return application


def pass_city_check(*, officer, application, now=None):
    with transaction.atomic():
        candidate, application = _lock_for_decision(application.pk, Status.PENDING_CITY, officer=officer)
        return _decide(
            application,
            candidate=candidate,
            officer=officer,
            to_state=Status.PENDING_PROVINCE,
            stamp="city_decided",
            now=now or timezone.now(),
            action=AuditAction.TRANSFER_OUT_CITY_PASS,
            title="省际转出：市招考办审核通过",
            body=f"{application.from_city.name}招考办已审核通过您的省际转出申请（{application.number}），等待省招考中心初审。",
        )


def send_transfer_out(*, officer, application, now=None):
    """初审通过: the province uploads the record to the national platform (outside this portal)."""
    with transaction.atomic():
        candidate, application = _lock_for_decision(application.pk, Status.PENDING_PROVINCE, officer=officer)
        return _decide(
            application,
            candidate=candidate,
            officer=officer,
            to_state=Status.SENT,
            stamp="province_decided",
            now=now or timezone.now(),
            action=AuditAction.TRANSFER_OUT_SEND,
            title="省际转出：已报送全国平台",
            body=f"省招考中心已初审通过您的省际转出申请（{application.number}）并报送全国自考考籍转移平台，"
            f"等待{application.target_province_name}接收。",
        )


def close_transfer_out(*, officer, application, now=None):
    """已转出: the other province took the record; it is closed in Shanxi (Candidate.record_closed)."""
    with transaction.atomic():
        candidate, application = _lock_for_decision(application.pk, Status.SENT, officer=officer)
        closed = _decide(
            application,
            candidate=candidate,
            officer=officer,
            to_state=Status.TRANSFERRED,
            stamp="closed",
            now=now or timezone.now(),
            action=AuditAction.TRANSFER_OUT_CLOSE,
            title="省际转出：考籍已转出",
            body=f"您的考籍已转出至{application.target_province_name}（{application.number}）。此后请在"
            f"{application.target_province_name}办理自学考试业务；本平台仍可登录查询您在我省的信息和成绩。",
        )
        record_closed.send(sender=TransferOut, candidate=candidate, application=closed, officer=officer)
        return closed


def return_transfer_out(*, officer, application, reason, expected_status=None, now=None):
    """退回 at the step ``expected_status`` (the one the officer saw), with the reason the candidate reads."""
    reason = (reason or "").strip()
    if not reason:
        raise TransferOutError("退回时必须填写原因，考生会在申请详情中看到该原因。", code="reason_required")
    if len(reason) > 200:
        raise TransferOutError("原因请控制在200字以内。", code="reason_too_long")
    expected = expected_status or application.status
    if expected not in DECISIONS_BY_STATUS:
        raise TransferOutError("该申请当前不在审核中，不能退回。", code="already_decided")
    with transaction.atomic():
        candidate, application = _lock_for_decision(application.pk, expected, officer=officer)
        window_open = application.window.is_open(now)
        then = (
            "请在本次转出时间内修改后重新网上确认。"
            if window_open
            else "本次转出时间已结束，如仍需转出请在下次开放时重新申请。"
        )
        return _decide(
            application,
            candidate=candidate,
            officer=officer,
            to_state=Status.RETURNED,
            stamp="returned",
            now=now or timezone.now(),
            action=AuditAction.TRANSFER_OUT_RETURN,
            reason=reason,
            title="省际转出申请被退回",
            body=f"您的省际转出申请（{application.number}）被退回。原因：{reason}。{then}",
        )


# --------------------------------------------------------------------------- lapse (timed)


def _lapse_locked(application, now):
    application.status = Status.LAPSED
    application.lapsed_at = now
    application.save(update_fields=["status", "lapsed_at", "updated_at"])
    record_event(
        actor=None,
        actor_label=LAPSE_ACTOR,
        action=AuditAction.TRANSFER_OUT_LAPSE,
        obj=application,
        from_state=Status.UNCONFIRMED,
        to_state=Status.LAPSED,
        reason="转出时间结束前未完成网上确认",
    )
    send_candidate_message(
        candidate=application.candidate,
        title="省际转出申请已失效",
        body=f"您的省际转出申请（{application.number}）在{local_text(application.window.closes_at)}转出时间结束前"
        "未完成网上确认，已失效。如仍需转出，请在下次开放时重新申请。",
        link=detail_link(application),
    )


def _is_due(application, now):
    return application.status == Status.UNCONFIRMED and application.window.closes_at <= now


def lapse_if_due(application, *, now=None):
    """Lapse ``application`` if its window closed unconfirmed; read paths call this, so nothing
    depends on a scheduler (the embedded default has no Celery beat)."""
    now = now or timezone.now()
    if not _is_due(application, now):
        return application
    with transaction.atomic():
        Candidate.objects.select_for_update(of=("self",)).get(pk=application.candidate_id)
        locked = (
            TransferOut.objects.select_for_update(of=("self",))
            .select_related("window", "candidate")
            .get(pk=application.pk)
        )
        if _is_due(locked, now):
            _lapse_locked(locked, now)
    application.refresh_from_db(fields=["status", "lapsed_at", "updated_at"])
    return application


def due_for_lapse(*, now=None):
    now = now or timezone.now()
    return TransferOut.objects.filter(status=Status.UNCONFIRMED, window__closes_at__lte=now)


def lapse_unconfirmed(*, now=None):
    """Every unconfirmed application whose window has closed lapses; returns how many did.
    Safe to run twice and beside the read paths (each one re-checked under its lock)."""
    now = now or timezone.now()
    lapsed = 0
    for application in due_for_lapse(now=now).select_related("window"):
        before = application.status
        if lapse_if_due(application, now=now).status != before:
            lapsed += 1
    return lapsed
