"""毕业申请: the one eligibility rule and every state change (transaction, row lock, audit).

    check_conditions          the rule 毕业合格条件查询 shows and the application enforces
    submit_graduation         candidate: 已提交，待缴费, with its order (photo checked first)
    (order_paid)              payments: 已缴费，待县区初审
    (order_expired/canceled)  payments: 已失效 — the order closed unpaid
    precheck_graduation       county office: 待县区初审 → 待省招考中心审核
    refuse_precheck           county office: 待县区初审 → 县区初审未通过 (reason)
    approve_graduation        province: 待省招考中心审核 → 已批准毕业 (date, certificate number)
    reject_graduation         province: 待省招考中心审核 → 省招考中心未批准 (reason)

A rejected candidate may apply once more in the same window (``attempt`` 2, the database refuses a
third); an application whose order closed unpaid counts as an attempt too. Lock order, everywhere: the candidate row, then the application, then the certificate counter.

The photo checks run synchronously, before any lock is taken: the candidate must learn at once
whether the photo is usable (one face on a light background, sharp), the three checks take well
under a second on a 2 MB photo, and nothing waits for them afterwards, unlike identity verification
where a queue decides. An unsure verdict (or a face engine that cannot load) does not refuse the
photo: the county office looks at it anyway in its pre-check, and the application says so.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from candidates.messaging import send_candidate_message
from candidates.models import Candidate, OfficerScope
from candidates.scopes import officer_scope
from identity import checks as photo_checks
from identity.storage import private_storage
from payments import services as payments
from payments.models import Order
from payments.signals import order_canceled, order_expired, order_paid
from records import selectors as records
from records.graduation_models import MAX_ATTEMPTS, CertificateCounter, GraduationApplication
from zikao.audit import AuditAction, record_event
from zikao.errors import ApplicationError
from zikao.models import BusinessWindow
from zikao.selectors import current_window, window_refusal
from zikao.sequences import next_number
from zikao.timefmt import local_text

Status = GraduationApplication.Status
KIND = BusinessWindow.Kind.GRADUATION
PURPOSE_TYPE = GraduationApplication._meta.label_lower
PROVINCE_CODE = "14"  # 山西 in GB/T 2260; every certificate number starts with it


class GraduationError(ApplicationError):
    """A broken rule; ``message`` is fit to show the candidate or the officer."""


# --------------------------------------------------------------------------- the rule


@dataclass
class Conditions:
    """毕业合格条件: the plan's progress (records.selectors.progress) plus what the record needs."""

    progress: object = None
    problems: list = field(default_factory=list)  # sentences about the record itself (no major, …)

    @property
    def missing(self):
        """Everything that stops the candidate graduating, one sentence each."""
        return self.problems + (self.progress.shortfalls if self.progress else [])

    @property
    def met(self):
        return not self.missing


def check_conditions(candidate, ledger=None):
    """The one rule: may ``candidate`` graduate from their 报考专业 on the ledger as it stands?

    Read from the ledger of passed courses only (exam, exemption, transfer in, substitution),
    against the major's plan: every required course and practical (毕业论文 / 毕业考核 included,
    with or without credits) passed, exempted or substituted (顶替); every elective group with as
    many courses as it asks for; and the credits at least the major's minimum.
    """
    problems = []
    if not candidate.is_approved:
        problems.append("身份验证尚未通过")
    if not candidate.ticket_number:
        problems.append("尚未取得准考证号")
    if candidate.major_id is None:
        problems.append("尚未选择报考专业，请先在个人中心选择报考专业")
        return Conditions(None, problems)
    if ledger is None:
        ledger = records.passed_courses(candidate)
    return Conditions(records.progress(candidate, ledger), problems)


# --------------------------------------------------------------------------- eligibility


def applications_in(candidate, window):
    return list(GraduationApplication.objects.filter(candidate=candidate, window=window).order_by("attempt"))


@dataclass
class Eligibility:
    window: BusinessWindow | None = None
    conditions: Conditions | None = None
    existing: GraduationApplication | None = None
    attempt: int = 1
    refusal: GraduationError | None = None

    @property
    def allowed(self):
        return self.refusal is None


def check_eligibility(*, candidate, now=None):
    """Whether ``candidate`` may apply now, and if not, why (asked by the page and by the submit)."""
    now = now or timezone.now()
    window = current_window(KIND, now=now)
    conditions = check_conditions(candidate)
    if candidate.record_closed:  # transferred out of Shanxi: reads only
        return Eligibility(window, conditions, refusal=GraduationError(Candidate.RECORD_CLOSED_MESSAGE,
                                                                       code="record_closed"))
    if window is None:
        return Eligibility(None, conditions, refusal=window_refusal(KIND, now=now, error=GraduationError))
    earlier = applications_in(candidate, window)
    active = next((a for a in earlier if a.is_active), None)
    if active is not None:
        return Eligibility(
            window,
            conditions,
            active,
            refusal=GraduationError(
                f"您在本次毕业申请时间内已提交申请（{active.number}，{active.get_status_display()}），不能重复申请。",
                code="already_applied",
                application=active,
            ),
        )
    if len(earlier) >= MAX_ATTEMPTS:
        # The first application and one more after a rejection (or an order that lapsed).
        last = earlier[-1]
        why = "未获通过" if last.is_rejected else "已失效"
        return Eligibility(
            window,
            conditions,
            last,
            refusal=GraduationError(
                f"您在本次毕业申请时间内已申请过 {len(earlier)} 次，最近一次{why}，请在下次毕业申请时间再申请。",
                code="no_attempts_left",
                application=last,
            ),
        )
    if not conditions.met:
        return Eligibility(
            window,
            conditions,
            refusal=GraduationError(
                "您尚不符合毕业条件：" + "；".join(conditions.missing) + "。",
                code="not_eligible",
            ),
        )
    return Eligibility(window, conditions, attempt=len(earlier) + 1)


# --------------------------------------------------------------------------- the photo


def check_photo(photo):
    """Run the identity pipeline's headshot checks (one face, light plain background, sharp) on a
    normalised photo; returns ``(checks, needs_review)`` or raises ``photo_rejected``."""
    subject = photo_checks.Photo(
        "headshot", photo_checks.load_rgb(photo.content, photo_checks.WORKING_SIDE["headshot"])
    )
    engine = photo_checks.get_engine()
    results = []
    if engine is None:
        results.extend(photo_checks.engine_unavailable_checks(["headshot"]))
    else:
        photo_checks.find_faces(engine, subject, allow_rotation=False)
        results.append(photo_checks.face_count_check(subject))
    results.append(photo_checks.background_check(subject))
    results.append(photo_checks.sharpness_check(subject))
    reasons = [check.reason.replace("免冠照", "毕业照片") for check in results if check.failed]
    if reasons:
        raise GraduationError("毕业照片不符合要求：" + "".join(reasons), code="photo_rejected")
    stored = [
        {"name": c.name, "outcome": c.outcome, "value": c.value, "threshold": c.threshold, "detail": c.detail}
        for c in results
    ]
    return stored, any(check.outcome == photo_checks.UNCERTAIN for check in results)


# --------------------------------------------------------------------------- candidate


def _link():
    return reverse("graduation_apply")


def submit_graduation(*, candidate, photo, scan, now=None):
    """Apply for graduation with a normalised ``photo`` and 思想品德鉴定 ``scan`` (identity.intake);
    returns ``(application, order)``. The order (GRADUATION_FEE_FEN) closes with the window."""
    now = now or timezone.now()
    first = check_eligibility(candidate=candidate, now=now)
    if not first.allowed:
        raise first.refusal
    checks, needs_review = check_photo(photo)
    stamp = timezone.localdate(now)
    names = [
        private_storage().save(f"graduation/{stamp:%Y/%m}/{uuid.uuid4().hex}.jpg", ContentFile(item.content))
        for item in (photo, scan)
    ]
    try:
        return _submit_locked(
            candidate=candidate, names=names, photo=photo, checks=checks, needs_review=needs_review, now=now
        )
    except BaseException:
        for name in names:  # nothing kept of a refused submission
            private_storage().delete(name)
        raise


def _submit_locked(*, candidate, names, photo, checks, needs_review, now):
    fee = settings.GRADUATION_FEE_FEN
    try:
        with transaction.atomic():
            # Serialises this candidate's submissions (double clicks, two tabs).
            candidate = (
                Candidate.objects.select_for_update(of=("self",)).select_related("user").get(pk=candidate.pk)
            )
            eligibility = check_eligibility(candidate=candidate, now=now)
            if not eligibility.allowed:
                raise eligibility.refusal
            progress = eligibility.conditions.progress
            application = GraduationApplication.objects.create(
                candidate=candidate,
                window=eligibility.window,
                attempt=eligibility.attempt,
                major=progress.major,
                plan_version=progress.major.plan_version,
                credits=progress.credits,
                photo=names[0],
                photo_sha256=photo.sha256,
                photo_checks=checks,
                photo_needs_review=needs_review,
                conduct_scan=names[1],
                fee_fen=fee,
                submitted_at=now,
            )
            record_event(
                actor=candidate.user,
                action=AuditAction.GRADUATION_SUBMIT,
                obj=application,
                to_state=application.status,
                data={
                    "attempt": application.attempt,
                    "major": progress.major.code,
                    "credits": progress.credits,
                    "photo_needs_review": needs_review,
                },
            )
            order = payments.create_order(
                candidate=candidate,
                kind=Order.Kind.GRADUATION,
                title=f"{eligibility.window.title} 毕业申请费",
                purpose=application,
                lines=[("毕业申请费", fee)],
                expires_at=eligibility.window.closes_at,
                now=now,
            )
            send_candidate_message(
                candidate=candidate,
                title="毕业申请已提交，请缴费",
                body=f"您的毕业申请（{application.number}）已提交，请在{local_text(eligibility.window.closes_at)}前"
                f"缴纳毕业申请费 {fee / 100:.2f} 元，逾期申请失效。",
                link=_link(),
            )
    except IntegrityError:
        # Two submits at once past the candidate lock: the database kept one application.
        raise GraduationError(
            "您在本次毕业申请时间内已提交申请，不能重复申请。", code="already_applied"
        ) from None
    return application, order


def live_order(application):
    return payments.live_order(application)


# --------------------------------------------------------------------------- payments


def _lock(pk):
    candidate_id = GraduationApplication.objects.values_list("candidate_id", flat=True).get(pk=pk)
    candidate = Candidate.objects.select_for_update(of=("self",)).get(pk=candidate_id)
    application = (
        GraduationApplication.objects.select_for_update(of=("self",))
        .select_related("window", "major", "candidate__county__city")
        .get(pk=pk)
    )
    return candidate, application


@receiver(order_paid, dispatch_uid="graduation_paid")
def on_order_paid(sender, order, payment=None, **kwargs):
    if order.kind != Order.Kind.GRADUATION or order.purpose_type != PURPOSE_TYPE:
        return
    candidate, application = _lock(int(order.purpose_id))
    if application.paid_at is not None:
        return  # gateways repeat themselves
    application.paid_at = order.paid_at or timezone.now()
    fields = ["paid_at"]
    if application.status == Status.AWAITING_PAYMENT:
        application.status = Status.PENDING_COUNTY
        fields.append("status")
    application.save(update_fields=fields)
    record_event(
        actor=None,
        actor_label="system:payments",
        action=AuditAction.GRADUATION_PAID,
        obj=application,
        from_state=Status.AWAITING_PAYMENT,
        to_state=application.status,
        data={"order": order.number},
    )
    send_candidate_message(
        candidate=candidate,
        title="毕业申请费已缴纳",
        body=f"您的毕业申请（{application.number}）已缴费，请打印毕业生登记表，等待县区招考办初审。",
        link=_link(),
    )


@receiver(order_expired, dispatch_uid="graduation_expired")
@receiver(order_canceled, dispatch_uid="graduation_canceled")
def on_order_expired(sender, order, **kwargs):
    """An order that closed unpaid (expired with the window, or canceled) voids the application."""
    if order.kind != Order.Kind.GRADUATION or order.purpose_type != PURPOSE_TYPE:
        return
    candidate, application = _lock(int(order.purpose_id))
    if application.status != Status.AWAITING_PAYMENT:
        return
    application.status = Status.VOID
    application.save(update_fields=["status"])
    record_event(
        actor=None,
        actor_label="system:expiry",
        action=AuditAction.GRADUATION_VOID,
        obj=application,
        from_state=Status.AWAITING_PAYMENT,
        to_state=Status.VOID,
        data={"order": order.number},
    )
    send_candidate_message(
        candidate=candidate,
        title="毕业申请已失效",
        body=f"您的毕业申请（{application.number}）的订单已关闭，未缴费，申请已失效。",
        link=_link(),
    )


# --------------------------------------------------------------------------- officers


def may_precheck(user, application):
    """The county office of the candidate's 报名区县 pre-checks (superusers as operators)."""
    if user.is_superuser:
        return True
    scope = officer_scope(user)
    return (
        scope is not None
        and scope.level == OfficerScope.Level.COUNTY
        and scope.county_id == application.candidate.county_id
    )


def may_decide_province(user, application):
    if user.is_superuser:
        return True
    scope = officer_scope(user)
    return scope is not None and scope.level == OfficerScope.Level.PROVINCE


DECISIONS_BY_STATUS = {
    Status.PENDING_COUNTY: ("records.precheck_graduation", may_precheck, ["precheck", "refuse_precheck"]),
    Status.PENDING_PROVINCE: ("records.decide_graduation", may_decide_province, ["approve", "reject"]),
}


def allowed_decisions(*, officer, application):
    """The decisions ``officer`` may take on ``application`` now: admin shows these buttons only."""
    permission, may_decide, decisions = DECISIONS_BY_STATUS.get(application.status, (None, None, []))
    if permission is None or not officer.has_perm(permission) or not may_decide(officer, application):
        return []
    return decisions


def _lock_for_decision(pk, expected, *, allowed, officer):
    candidate, application = _lock(pk)
    if not allowed(officer, application):
        raise GraduationError("您不负责该毕业申请的这一步审核。", code="out_of_scope")
    if application.status != expected:
        raise GraduationError(
            f"该申请已被处理，当前状态为“{application.get_status_display()}”，无需再次审核。请刷新页面查看。",
            code="already_decided",
        )
    return candidate, application


def _clean_remark(remark):
    remark = (remark or "").strip()
    if not remark:
        raise GraduationError(
            "不通过时必须填写原因，考生会在毕业申请页面看到该原因。", code="remark_required"
        )
    if len(remark) > 200:
        raise GraduationError("原因请控制在200字以内。", code="remark_too_long")
    return remark


def _decide(
    application,
    *,
    candidate,
    officer,
    step,
    to_state,
    now,
    action,
    title,
    body,
    remark="",
    extra_fields=(),
    data=None,
):
    from_state = application.status
    application.status = to_state
    setattr(application, f"{step}_decided_at", now)
    setattr(application, f"{step}_decided_by", officer)
    fields = ["status", f"{step}_decided_at", f"{step}_decided_by", *extra_fields]
    if remark:
        application.remark = remark
        fields.append("remark")
    application.save(update_fields=fields)
    record_event(
        actor=officer,
        action=action,
        obj=application,
        from_state=from_state,
        to_state=to_state,
        reason=remark,
        data=data,
    )
    send_candidate_message(candidate=candidate, title=title, body=body, link=_link())
    return application


def _resubmit_hint(application):
    if application.attempt < MAX_ATTEMPTS and application.window.is_open(timezone.now()):
        return "您可在本次毕业申请时间内修改后重新申请一次。"
    return ""


def precheck_graduation(*, officer, application, now=None):
    with transaction.atomic():
        candidate, application = _lock_for_decision(
            application.pk, Status.PENDING_COUNTY, allowed=may_precheck, officer=officer
        )
        return _decide(
            application,
            candidate=candidate,
            officer=officer,
            step="county",
            to_state=Status.PENDING_PROVINCE,
            now=now or timezone.now(),
            action=AuditAction.GRADUATION_PRECHECK,
            title="毕业申请：县区初审通过",
            body=f"您的毕业申请（{application.number}）已通过县区初审，等待省招考中心审核。",
        )


def refuse_precheck(*, officer, application, remark, now=None):
    remark = _clean_remark(remark)
    with transaction.atomic():
        candidate, application = _lock_for_decision(
            application.pk, Status.PENDING_COUNTY, allowed=may_precheck, officer=officer
        )
        return _decide(
            application,
            candidate=candidate,
            officer=officer,
            step="county",
            to_state=Status.REJECTED_BY_COUNTY,
            now=now or timezone.now(),
            action=AuditAction.GRADUATION_REFUSE_PRECHECK,
            remark=remark,
            title="毕业申请：县区初审未通过",
            body=f"您的毕业申请（{application.number}）未通过县区初审。原因：{remark}。{_resubmit_hint(application)}",
        )


def graduation_date_for(moment):
    """The graduation date of an approval at ``moment``: 06-30 in the first half of the year
    (January–June, Asia/Shanghai), 12-30 in the second."""
    day = timezone.localdate(moment)
    return datetime.date(day.year, 6, 30) if day.month <= 6 else datetime.date(day.year, 12, 30)


def certificate_period(graduation_date):
    return f"{graduation_date.year}{1 if graduation_date.month == 6 else 2}"


def _next_certificate_number(graduation_date):
    """14 (山西) + YYYY + 1|2 (06-30 / 12-30) + a 6-digit sequence of that half-year, e.g.
    1420271000001. The counter row is locked by the UPDATE until the approval commits."""
    period = certificate_period(graduation_date)
    last = next_number(CertificateCounter, period=period)
    return f"{PROVINCE_CODE}{period}{last:06d}"


def approve_graduation(*, officer, application, now=None):
    """批准毕业: the graduation date of this half-year and the next certificate number."""
    now = now or timezone.now()
    with transaction.atomic():
        candidate, application = _lock_for_decision(
            application.pk, Status.PENDING_PROVINCE, allowed=may_decide_province, officer=officer
        )
        application.graduation_date = graduation_date_for(now)
        application.certificate_number = _next_certificate_number(application.graduation_date)
        return _decide(
            application,
            candidate=candidate,
            officer=officer,
            step="province",
            to_state=Status.APPROVED,
            now=now,
            action=AuditAction.GRADUATION_APPROVE,
            extra_fields=["graduation_date", "certificate_number"],
            data={
                "graduation_date": application.graduation_date.isoformat(),
                "certificate_number": application.certificate_number,
            },
            title="毕业申请已批准",
            body=f"恭喜！您的毕业申请（{application.number}）已批准。毕业时间 {application.graduation_date:%Y年%m月%d日}，"
            f"毕业证书编号 {application.certificate_number}。",
        )


def reject_graduation(*, officer, application, remark, now=None):
    remark = _clean_remark(remark)
    with transaction.atomic():
        candidate, application = _lock_for_decision(
            application.pk, Status.PENDING_PROVINCE, allowed=may_decide_province, officer=officer
        )
        return _decide(
            application,
            candidate=candidate,
            officer=officer,
            step="province",
            to_state=Status.REJECTED_BY_PROVINCE,
            now=now or timezone.now(),
            action=AuditAction.GRADUATION_REJECT,
            remark=remark,
            title="毕业申请未获批准",
            body=f"您的毕业申请（{application.number}）未获省招考中心批准。原因：{remark}。{_resubmit_hint(application)}",
        )
