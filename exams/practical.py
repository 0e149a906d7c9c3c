"""实践性环节报名: every state change, one function each (transaction, row lock, audit event).

    submit_practical_registration   candidate: 已提交 (待缴费), with its order
    (order_paid)                    payments: 已缴费, waits for the 主考院校
    (order_expired)                 payments: 无效 — 逾期未缴费，报名失败
    accept_practical                主考院校: 已提交 / 待线下确认 → 院校确认
    require_onsite                  主考院校: 已提交 → 待线下确认 (the candidate comes in person)
    void_practical                  主考院校: 待线下确认 → 无效 (never confirmed in person)
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from candidates.messaging import send_candidate_message
from candidates.models import Candidate, OfficerScope
from candidates.scopes import officer_scope
from exams.models import Course, Institution, PlanCourse
from exams.practical_models import PracticalRegistration, PracticalRegistrationItem, phone_validator
from payments import services as payments
from payments.models import Order
from payments.signals import order_expired, order_paid
from records import selectors as records
from zikao.audit import AuditAction, record_event
from zikao.errors import DomainError
from zikao.models import BusinessWindow
from zikao.selectors import current_window

Status = PracticalRegistration.Status
KIND = BusinessWindow.Kind.PRACTICAL_REGISTRATION
PURPOSE_TYPE = PracticalRegistration._meta.label_lower


class PracticalError(DomainError):
    pass


# --------------------------------------------------------------------------- eligibility


def _is_written(plan_course):
    return (
        plan_course.category != PlanCourse.Category.PRACTICAL
        and plan_course.course.exam_mode == Course.ExamMode.WRITTEN
    )


def _is_practical(plan_course):
    return not _is_written(plan_course)


@dataclass
class Eligibility:
    """What the page needs: the major, the written courses still missing, the practical ones on offer."""

    major: object = None
    missing: list = field(default_factory=list)  # PlanCourse, written, not passed / exempted / substituted
    offered: list = field(default_factory=list)  # PlanCourse, practical or thesis, not yet passed
    reason: str = ""

    @property
    def eligible(self):
        return not self.reason and not self.missing and bool(self.offered)

    @property
    def message(self):
        if self.reason:
            return self.reason
        if self.missing:
            names = "、".join(f"{pc.course.code} {pc.course.name}" for pc in self.missing)
            return f"您尚有 {len(self.missing)} 门理论课程未合格（或未免考、未顶替）：{names}。全部合格后方可报名实践性环节。"
        if not self.offered:
            return "您报考专业的实践性环节和毕业论文均已合格，无需再报名。"
        return ""


def eligibility(candidate):
    """Whether ``candidate`` may register, read from the ledger (substitutions count)."""
    if candidate.record_closed:
        return Eligibility(reason=Candidate.RECORD_CLOSED_MESSAGE)
    if candidate.major_id is None:
        return Eligibility(reason="您尚未选择报考专业，请先在个人中心选择报考专业。")
    progress = records.progress(candidate, records.passed_courses(candidate))
    result = Eligibility(major=progress.major)
    missing = {pc.pk for pc in progress.missing_required}
    for row in progress.rows:
        plan_course = row.plan_course
        if _is_written(plan_course):
            if plan_course.pk in missing:
                result.missing.append(plan_course)
        elif not row.done:
            result.offered.append(plan_course)
    return result


def institutions():
    """主考院校 that register practical courses on the platform and have set their fee."""
    return list(
        Institution.objects.filter(practical_on_platform=True, practical_fee__isnull=False)
        .select_related("practical_fee").order_by("code")
    )


# --------------------------------------------------------------------------- candidate


def live_registration(candidate, window):
    return (
        PracticalRegistration.objects.filter(candidate=candidate, window=window)
        .exclude(status=Status.VOID).select_related("institution").prefetch_related("items__course").first()
    )


def submit_practical_registration(
    *, candidate, institution_id, course_ids, recipient, address, phone, now=None,
):
    """Register the chosen practical courses with a 主考院校 and open the order that pays for them."""
    now = now or timezone.now()
    if not candidate.is_approved:
        raise PracticalError("身份验证通过后方可办理实践性环节报名。", code="not_approved")
    window = current_window(KIND, now=now)
    if window is None:
        raise PracticalError("现在不在实践性环节报名时间内，逾期不予补报。", code="window_closed")
    result = eligibility(candidate)
    if not result.eligible:
        raise PracticalError(result.message, code="not_eligible")
    institution = next((i for i in institutions() if i.pk == institution_id), None)
    if institution is None:
        raise PracticalError("请选择在平台办理实践性环节报名的主考院校。", code="bad_institution")
    offered = {pc.course_id: pc for pc in result.offered}
    chosen = sorted(set(course_ids))
    if not chosen:
        raise PracticalError("请至少选择一门实践课程或毕业论文。", code="no_courses")
    if any(course_id not in offered for course_id in chosen):
        raise PracticalError("所选课程不是您报考专业待考的实践性环节课程。", code="bad_course")
    recipient, address, phone = recipient.strip(), address.strip(), phone.strip()
    if not recipient or not address:
        raise PracticalError("请填写收件人和邮寄地址。", code="no_address")
    try:
        phone_validator(phone)
    except Exception:  # noqa: BLE001 — a ValidationError; the message is ours
        raise PracticalError("联系电话应为11位手机号码或带区号的固定电话。", code="bad_phone") from None
    fee = institution.practical_fee.fee_fen
    try:
        with transaction.atomic():
            registration = PracticalRegistration.objects.create(
                candidate=candidate, window=window, institution=institution, major=result.major,
                recipient=recipient, address=address, phone=phone, total_fen=fee * len(chosen), submitted_at=now,
            )
            PracticalRegistrationItem.objects.bulk_create([
                PracticalRegistrationItem(registration=registration, course_id=course_id, fee_fen=fee)
                for course_id in chosen
            ])
            record_event(
                actor=candidate.user, action=AuditAction.PRACTICAL_SUBMIT, obj=registration, to_state=Status.SUBMITTED,
                data={"institution": institution.code, "courses": [offered[c].course.code for c in chosen]},
            )
            order = payments.create_order(
                candidate=candidate, kind=Order.Kind.PRACTICAL_REGISTRATION,
                title=f"{window.title} {institution.name}", purpose=registration,
                lines=[
                    (str(offered[c].course), fee, offered[c].course.code) for c in chosen
                ],
                expires_at=window.closes_at, now=now,
            )
    except IntegrityError:
        # Two submits at once: the database kept one registration per candidate and window.
        raise PracticalError("您在本次报名时段已提交实践性环节报名，不能重复提交。", code="already_registered") from None
    return registration, order


# --------------------------------------------------------------------------- payments


def _lock(pk):
    return PracticalRegistration.objects.select_for_update().select_related("candidate__user").get(pk=pk)


@receiver(order_paid, dispatch_uid="practical_registration_paid")
def on_order_paid(sender, order, payment=None, **kwargs):
    if order.kind != Order.Kind.PRACTICAL_REGISTRATION or order.purpose_type != PURPOSE_TYPE:
        return
    registration = _lock(int(order.purpose_id))
    if registration.paid_at is not None:
        return
    registration.paid_at = order.paid_at or timezone.now()
    registration.save(update_fields=["paid_at"])
    record_event(
        actor=None, actor_label="system:payments", action=AuditAction.PRACTICAL_PAID, obj=registration,
        from_state=registration.status, to_state=registration.status, data={"order": order.number},
    )


@receiver(order_expired, dispatch_uid="practical_registration_expired")
def on_order_expired(sender, order, **kwargs):
    if order.kind != Order.Kind.PRACTICAL_REGISTRATION or order.purpose_type != PURPOSE_TYPE:
        return
    registration = _lock(int(order.purpose_id))
    if registration.status == Status.VOID or registration.paid_at is not None:
        return
    from_state = registration.status
    registration.status = Status.VOID
    registration.remark = "逾期未缴费，报名失败"
    registration.save(update_fields=["status", "remark"])
    record_event(
        actor=None, actor_label="system:expiry", action=AuditAction.PRACTICAL_VOID, obj=registration,
        from_state=from_state, to_state=Status.VOID, reason=registration.remark, data={"order": order.number},
    )
    send_candidate_message(
        candidate=registration.candidate, title="实践性环节报名失败",
        body=f"您的实践性环节报名 {registration.number} 在缴费截止时间前未缴费，报名失败。",
    )


# --------------------------------------------------------------------------- 主考院校


def can_decide(officer, registration):
    """Only the staff of the registration's own 主考院校 decide it."""
    scope = officer_scope(officer)
    return (
        scope is not None and scope.level == OfficerScope.Level.INSTITUTION
        and scope.institution_id == registration.institution_id
        and officer.has_perm("exams.decide_practical")
    )


def _decide(*, officer, registration, allowed_from, to_state, action, remark="", now=None):
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(registration.pk)
        if not can_decide(officer, locked):
            raise PracticalError("您无权处理其他院校的实践性环节报名。", code="not_in_scope")
        if locked.paid_at is None:
            raise PracticalError(f"报名 {locked.number} 尚未缴费，不能处理。", code="not_paid")
        if locked.status not in allowed_from:
            raise PracticalError(
                f"报名 {locked.number} 当前状态为“{locked.get_status_display()}”，不能执行此操作。", code="bad_state"
            )
        from_state = locked.status
        locked.status = to_state
        locked.remark = remark
        locked.decided_at = now
        locked.decided_by = officer
        locked.save(update_fields=["status", "remark", "decided_at", "decided_by"])
        record_event(
            actor=officer, action=action, obj=locked, from_state=from_state, to_state=to_state, reason=remark,
        )
        titles = {
            Status.ACCEPTED: ("实践性环节报名已由院校确认", f"{locked.institution.name}已确认您的实践性环节报名。"),
            Status.ONSITE: (
                "实践性环节报名需到主考院校现场确认",
                f"请携带身份证到{locked.institution.name}现场确认，未确认的报名无效。{remark}",
            ),
            Status.VOID: ("实践性环节报名无效", f"{locked.institution.name}：{remark or '未现场确认'}。"),
        }
        title, body = titles[to_state]
        send_candidate_message(candidate=locked.candidate, title=title, body=body)
    registration.refresh_from_db()
    return registration


def accept_practical(*, officer, registration, now=None):
    return _decide(
        officer=officer, registration=registration, allowed_from=(Status.SUBMITTED, Status.ONSITE),
        to_state=Status.ACCEPTED, action=AuditAction.PRACTICAL_ACCEPT, now=now,
    )


def require_onsite(*, officer, registration, remark, now=None):
    remark = (remark or "").strip()
    if not remark:
        raise PracticalError("请填写需现场确认的原因，考生将看到它。", code="no_remark")
    return _decide(
        officer=officer, registration=registration, allowed_from=(Status.SUBMITTED,),
        to_state=Status.ONSITE, action=AuditAction.PRACTICAL_ONSITE, remark=remark, now=now,
    )


def void_practical(*, officer, registration, remark="未到主考院校现场确认", now=None):
    return _decide(
        officer=officer, registration=registration, allowed_from=(Status.ONSITE,),
        to_state=Status.VOID, action=AuditAction.PRACTICAL_VOID, remark=(remark or "").strip() or "未到主考院校现场确认",
        now=now,
    )


# --------------------------------------------------------------------------- fees


def save_fee(*, officer, fee, before_fen=None):
    """Save a 主考院校's fee (admin form already validated it), audited with the amount before."""
    with transaction.atomic():
        created = fee.pk is None
        fee.save()
        record_event(
            actor=officer, action=AuditAction.CATALOGUE_CREATE if created else AuditAction.CATALOGUE_UPDATE,
            obj=fee, data={"institution": fee.institution.code, "fee_fen": fee.fee_fen, "before": before_fen},
        )
    return fee
