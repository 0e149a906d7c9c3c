"""理论课报名: every state change of a candidate's theory-course registration.

Lock order: the candidate row, then the registration, then (through payments.services) its order.
The candidate row lock makes concurrent saves of one candidate queue; the partial unique
constraint on (candidate, sitting) makes "one registration per sitting" true whatever wrote it.
The registration is fixed as soon as a payment of its order is started.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from candidates.messaging import send_candidate_message
from candidates.models import Candidate
from exams.models import CourseRegistration, ExamSitting, TimetableEntry
from payments import services as payments
from payments.models import Order
from payments.signals import order_expired, order_paid
from records.models import PassedCourse
from zikao.audit import AuditAction, record_event
from zikao.errors import DomainError
from zikao.models import BusinessWindow
from zikao.selectors import window_refusal
from zikao.timefmt import local_text

Status = CourseRegistration.Status
WINDOW_KIND = BusinessWindow.Kind.THEORY_REGISTRATION
PURPOSE_TYPE = CourseRegistration._meta.label_lower


class RegistrationError(DomainError):
    def __init__(self, message, *, code, registration=None):
        super().__init__(message, code=code)
        self.registration = registration



def fee_per_course():
    return settings.THEORY_FEE_FEN


# --------------------------------------------------------------------------- reads


def current_window(*, now):
    return (
        BusinessWindow.objects.filter(kind=WINDOW_KIND, opens_at__lte=now, closes_at__gt=now)
        .order_by("-opens_at").first()
    )


def coming_sitting(*, now):
    """The next sitting with a timetable whose exams are still ahead."""
    return (
        ExamSitting.objects.filter(exam_start__gt=timezone.localdate(now), timetable__isnull=False)
        .distinct().order_by("exam_start").first()
    )


@dataclass(frozen=True)
class Access:
    window: BusinessWindow
    sitting: ExamSitting


def check_access(*, candidate, now=None):
    """The open window and the coming sitting, or a RegistrationError saying why not."""
    now = now or timezone.now()
    if candidate.record_closed:
        raise RegistrationError(Candidate.RECORD_CLOSED_MESSAGE, code="record_closed")
    if not candidate.is_approved:
        raise RegistrationError("您的身份验证尚未通过，通过后才能报名。", code="not_approved")
    window = current_window(now=now)
    if window is None:
        raise window_refusal(WINDOW_KIND, now=now, error=RegistrationError, act="报名", dates="报名时间",
                             closed_tail="不再受理报名。")
    sitting = coming_sitting(now=now)
    if sitting is None:
        raise RegistrationError("本次考试的课程安排尚未公布，暂不能报名。", code="no_sitting")
    return Access(window=window, sitting=sitting)


def live_registration(*, candidate, sitting):
    return (
        CourseRegistration.objects.filter(candidate=candidate, sitting=sitting, status__in=CourseRegistration.LIVE_STATUSES)
        .prefetch_related("items__course", "items__slot").first()
    )


def latest_registration(candidate, *, now=None):
    """The candidate's most recent registration (any status), for the personal centre.

    An order unpaid past its deadline is expired here first (as payments' read paths do), so the
    centre says 报名失败 even where no scheduler runs (the embedded default has no Celery beat).
    """
    registration = (
        CourseRegistration.objects.filter(candidate=candidate).select_related("sitting")
        .prefetch_related("items__course", "items__slot").order_by("-created_at", "-id").first()
    )
    if registration is not None and registration.status == Status.AWAITING_PAYMENT and registration.order_number:
        order = Order.objects.filter(number=registration.order_number).first()
        if order is not None and order.is_due(now or timezone.now()):
            payments.expire_order_if_due(order, now=now)
            registration.refresh_from_db(fields=["status"])
    return registration


def offered_entries(*, candidate, sitting):
    """The sitting's timetable without the courses already in the candidate's passed ledger."""
    passed = PassedCourse.objects.filter(candidate=candidate).values("course_id")
    return list(
        TimetableEntry.objects.filter(sitting=sitting).exclude(course_id__in=passed)
        .select_related("slot", "course").order_by("slot__date", "slot__period", "course__code")
    )


def offered_by_day(entries):
    """[(date, [(slot, [entry, …]), …]), …] for the form."""
    days = {}
    for entry in entries:
        days.setdefault(entry.slot.date, {}).setdefault(entry.slot, []).append(entry)
    return [(day, list(slots.items())) for day, slots in days.items()]


def is_fixed(registration):
    """Fixed once paid, or once a payment of its order has been started."""
    if registration.status == Status.PAID:
        return True
    if registration.status != Status.AWAITING_PAYMENT or not registration.order_number:
        return False
    return Order.objects.filter(
        number=registration.order_number, status__in=Order.LIVE_STATUSES, payments__isnull=False
    ).exists()


# --------------------------------------------------------------------------- rules


def choose_entries(*, candidate, sitting, course_ids):
    """The timetable entries of ``course_ids``, checked against every rule (or RegistrationError)."""
    course_ids = list(dict.fromkeys(int(pk) for pk in course_ids))
    if not course_ids:
        raise RegistrationError("请至少选择一门报考课程。", code="no_courses")
    if len(course_ids) > CourseRegistration.MAX_COURSES:
        raise RegistrationError(
            f"每次最多报考{CourseRegistration.MAX_COURSES}门课程，您选择了{len(course_ids)}门。", code="too_many_courses"
        )
    entries = {
        e.course_id: e for e in TimetableEntry.objects.filter(sitting=sitting, course_id__in=course_ids)
        .select_related("slot", "course")
    }
    if len(entries) != len(course_ids):
        raise RegistrationError("所选课程不在本次考试的课程安排中，请重新选择。", code="course_not_offered")
    passed = set(
        PassedCourse.objects.filter(candidate=candidate, course_id__in=course_ids).values_list("course__code", flat=True)
    )
    if passed:
        raise RegistrationError(f"课程 {'、'.join(sorted(passed))} 您已合格，不能再报考。", code="course_passed")
    by_slot = {}
    for course_id in course_ids:
        entry = entries[course_id]
        other = by_slot.get(entry.slot_id)
        if other is not None:
            raise RegistrationError(
                f"“{other.course}”和“{entry.course}”都在{entry.slot}考试，同一考试单元只能报考一门，请保留其中一门。",
                code="slot_clash",
            )
        by_slot[entry.slot_id] = entry
    return sorted(entries.values(), key=lambda e: (e.slot.date, e.slot.period, e.course.code))


def clean_contact(*, mobile, mailing_address):
    mobile = (mobile or "").strip()
    mailing_address = " ".join((mailing_address or "").split())
    if not (len(mobile) == 11 and mobile.isdigit() and mobile.startswith("1")):
        raise RegistrationError("请填写11位手机号码。", code="bad_mobile")
    if len(mailing_address) < 5:
        raise RegistrationError("请填写详细的通讯地址（省市区县、街道门牌）。", code="no_address")
    if len(mailing_address) > 200:
        raise RegistrationError("通讯地址不能超过200个字。", code="address_too_long")
    return mobile, mailing_address


# --------------------------------------------------------------------------- saving


def _fixed_refusal(registration):
    if registration.status == Status.PAID:
        return RegistrationError(
            "您本次的理论课报名已支付成功，报考课程已确定，不能再修改。", code="registration_paid", registration=registration
        )
    return RegistrationError(
        f"您已开始支付订单 {registration.order_number}，报考课程已锁定，不能再修改；请完成支付。",
        code="payment_started", registration=registration,
    )


def save_registration(*, candidate, course_ids, mobile, mailing_address, now=None):
    """Create or change the candidate's registration of the coming sitting and its pending order.

    Saving the same choice again changes nothing (a double submit returns the same registration
    and order). A changed choice cancels the unpaid order and creates a new one. Refused once a
    payment has been started or the registration is paid.
    """
    now = now or timezone.now()
    mobile, mailing_address = clean_contact(mobile=mobile, mailing_address=mailing_address)
    with transaction.atomic():
        # The candidate row only (of=self), read with its user: the audit and the order name the actor.
        candidate = Candidate.objects.select_for_update(of=("self",)).select_related("user").get(pk=candidate.pk)
        access = check_access(candidate=candidate, now=now)
        entries = choose_entries(candidate=candidate, sitting=access.sitting, course_ids=course_ids)
        fee = fee_per_course()
        registration = (
            CourseRegistration.objects.select_for_update()
            .filter(candidate=candidate, sitting=access.sitting, status__in=CourseRegistration.LIVE_STATUSES).first()
        )
        order = None
        if registration is not None:
            if registration.status == Status.PAID:
                raise _fixed_refusal(registration)
            order = payments.live_order(registration)
            if order is not None:
                order = Order.objects.select_for_update().get(pk=order.pk)
                if order.status == Order.Status.PAID or order.payments.exists():
                    raise _fixed_refusal(registration)
            same = (
                {i.course_id for i in registration.items.all()} == {e.course_id for e in entries}
                and registration.mobile == mobile and registration.mailing_address == mailing_address
                and order is not None and all(i.fee_fen == fee for i in registration.items.all())
            )
            if same:
                return registration
            from_state = registration.status
            if order is not None:
                payments.cancel_order(
                    order=order, actor=candidate.user, reason="考生修改了报考课程", now=now
                )
            registration.items.all().delete()
        else:
            from_state = ""
            registration = CourseRegistration(candidate=candidate, sitting=access.sitting)
        registration.window = access.window
        registration.mobile, registration.mailing_address = mobile, mailing_address
        registration.fee_fen = fee * len(entries)
        registration.status = Status.DRAFT
        registration.save()
        registration.items.bulk_create([
            registration.items.model(registration=registration, course=e.course, slot=e.slot, fee_fen=fee)
            for e in entries
        ])
        order = payments.create_order(
            candidate=candidate, kind=Order.Kind.THEORY_REGISTRATION,
            title=f"{access.sitting.label}考次 理论课报名", purpose=registration,
            lines=[(str(e.course), fee, e.course.code) for e in entries],
            expires_at=access.window.closes_at, actor=candidate.user, now=now,
        )
        registration.status = Status.AWAITING_PAYMENT
        registration.order_number = order.number
        registration.save(update_fields=["status", "order_number", "updated_at"])
        record_event(
            actor=candidate.user, action=AuditAction.THEORY_REGISTRATION_SAVE, obj=registration,
            from_state=from_state, to_state=registration.status,
            data={"courses": [e.course.code for e in entries], "fee_fen": registration.fee_fen, "order": order.number},
        )
    return registration


# --------------------------------------------------------------------------- order signals


def _registration_of(order):
    if order.kind != Order.Kind.THEORY_REGISTRATION or order.purpose_type != PURPOSE_TYPE:
        return None
    return CourseRegistration.objects.select_for_update().filter(pk=order.purpose_id).first()


@receiver(order_paid, dispatch_uid="exams.theory_registration_paid")
def on_order_paid(sender, order, payment=None, **kwargs):
    """Paid order → registration paid (runs inside the payment's transaction; a repeat changes nothing)."""
    registration = _registration_of(order)
    if registration is None or registration.status == Status.PAID:
        return
    from_state = registration.status
    registration.status = Status.PAID
    registration.paid_at = order.paid_at or timezone.now()
    registration.save(update_fields=["status", "paid_at", "updated_at"])
    record_event(
        actor=None, actor_label="system:payments", action=AuditAction.THEORY_REGISTRATION_PAID, obj=registration,
        from_state=from_state, to_state=Status.PAID, data={"order": order.number},
    )
    send_candidate_message(
        candidate=registration.candidate,
        title=f"{registration.sitting.label}考次理论课报名成功",
        body=f"您的报考费已支付（订单 {order.number}，{order.total_yuan} 元），报考课程："
        + "、".join(str(i.course) for i in registration.items.select_related("course")) + "。",
        link=reverse("theory_register"),
    )


@receiver(order_expired, dispatch_uid="exams.theory_registration_expired")
def on_order_expired(sender, order, **kwargs):
    """Order expired unpaid → 报名失败, with a message in the centre (a repeat changes nothing)."""
    registration = _registration_of(order)
    if registration is None or registration.status != Status.AWAITING_PAYMENT:
        return
    if registration.order_number and registration.order_number != order.number:
        return  # an older order of a changed registration
    registration.status = Status.FAILED
    registration.save(update_fields=["status", "updated_at"])
    record_event(
        actor=None, actor_label="system:expiry", action=AuditAction.THEORY_REGISTRATION_FAIL, obj=registration,
        from_state=Status.AWAITING_PAYMENT, to_state=Status.FAILED, data={"order": order.number},
    )
    send_candidate_message(
        candidate=registration.candidate,
        title=f"{registration.sitting.label}考次理论课报名失败",
        body=f"订单 {order.number} 在报名截止时间（{local_text(order.expires_at)}）前未支付，本次理论课报名失败。",
        link=reverse("order_detail", args=[order.number]),
    )
