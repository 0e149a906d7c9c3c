"""Every state change of an in-province transfer application.

Lock order, everywhere: the candidate row first, then the application row.
"""

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from candidates.messaging import send_candidate_message
from candidates.models import Candidate, OfficerScope
from candidates.scopes import officer_scope
from transfers import selectors
from transfers.exports import applications_csv
from transfers.models import DailyNumberCounter, TransferApplication
from zikao.audit import AuditAction, record_event
from zikao.errors import ApplicationError
from zikao.models import BusinessWindow, City, County
from zikao.selectors import current_window, window_refusal
from zikao.sequences import next_number
from zikao.timefmt import local_text

Status = TransferApplication.Status
WINDOW_KIND = BusinessWindow.Kind.IN_PROVINCE_TRANSFER
NUMBER_PREFIX = "SNZK"


class TransferError(ApplicationError):
    """A broken rule; ``message`` is fit to show the candidate or the officer."""


# --------------------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class Eligibility:
    window: BusinessWindow | None
    existing: TransferApplication | None
    refusal: TransferError | None

    @property
    def allowed(self):
        return self.refusal is None


def active_application(*, candidate, window):
    if window is None:
        return None
    return (
        TransferApplication.objects.filter(candidate=candidate, window=window, status__in=TransferApplication.ACTIVE_STATUSES)
        .select_related("from_city", "to_city", "to_county__city")
        .first()
    )


def _already_applied(existing):
    return TransferError(
        f"您在本次转考时间内已提交过省内转考申请（申请编号 {existing.number}），不能重复申请。",
        code="already_applied", application=existing,
    )


def check_eligibility(*, candidate, now=None):
    """Whether ``candidate`` may apply now, and if not, why (before they fill anything)."""
    now = now or timezone.now()
    window = current_window(WINDOW_KIND, now=now)
    if candidate.record_closed:
        return Eligibility(window, None, TransferError(Candidate.RECORD_CLOSED_MESSAGE, code="record_closed"))
    if not candidate.is_approved:
        return Eligibility(window, None, TransferError(
            "您的身份验证尚未通过，通过后才能申请省内转考。请先到“身份验证”页面完成验证。", code="not_approved"
        ))
    if not candidate.ticket_number:
        return Eligibility(window, None, TransferError(
            "您还没有准考证号，取得准考证号后才能申请省内转考。如有疑问请联系所属报名点。", code="no_ticket_number"
        ))
    if window is None:
        return Eligibility(None, None, window_refusal(WINDOW_KIND, now=now, error=TransferError))
    existing = active_application(candidate=candidate, window=window)
    if existing is not None:
        return Eligibility(window, existing, _already_applied(existing))
    return Eligibility(window, None, None)


def check_destination(*, candidate, to_city):
    if to_city is None:
        raise TransferError("请选择转入市。", code="no_destination")
    if to_city.pk == candidate.county.city_id:
        raise TransferError(
            f"转入市不能是您现在的所属地市（{candidate.county.city.name}），请选择其他地市。", code="same_city"
        )


# --------------------------------------------------------------------------- numbers


def _next_number(now):
    """SNZK + YYYYMMDD + 5-digit sequence of that day (Asia/Shanghai), under a row lock."""
    day = timezone.localdate(now)
    last = next_number(DailyNumberCounter, day=day)
    return f"{NUMBER_PREFIX}{day:%Y%m%d}{last:05d}"


def new_form_token():
    return uuid.uuid4()


# --------------------------------------------------------------------------- candidate actions


def _details_link(application):
    return reverse("transfer_detail", kwargs={"number": application.number})


def submit_transfer(*, candidate, to_city, token, window_id=None, now=None):
    """Create the candidate's application; returns ``(application, created)``.

    ``token`` comes from the form the candidate filled: posting the same form
    again returns the application it created.  ``window_id`` is the window the
    form was opened in, so a form opened before closing time and posted after
    it is refused with its own message.
    """
    now = now or timezone.now()
    try:
        return _submit_locked(candidate=candidate, to_city=to_city, token=token, window_id=window_id, now=now)
    except IntegrityError:
        # Only reachable if something bypassed the candidate lock; the database
        # constraint decided and the whole submission (number included) was
        # rolled back, so answer with what it kept.
        existing = (
            TransferApplication.objects.filter(idempotency_token=token, candidate=candidate).first()
            or active_application(candidate=candidate, window=current_window(WINDOW_KIND, now=now))
        )
        if existing is None:
            raise
        if existing.idempotency_token == token:
            return existing, False
        raise _already_applied(existing) from None


@transaction.atomic
def _submit_locked(*, candidate, to_city, token, window_id, now):
    # Serialises every submission of this candidate (double clicks, two tabs).
    candidate = (
        Candidate.objects.select_for_update(of=("self",)).select_related("county__city", "user").get(pk=candidate.pk)
    )

    earlier = TransferApplication.objects.filter(idempotency_token=token).first()
    if earlier is not None:
        if earlier.candidate_id != candidate.pk:
            raise TransferError("该申请表已失效，请重新打开申请页面填写。", code="bad_token")
        return earlier, False

    eligibility = check_eligibility(candidate=candidate, now=now)
    if window_id is not None and (eligibility.window is None or eligibility.window.pk != window_id):
        opened_in = BusinessWindow.objects.filter(pk=window_id, kind=WINDOW_KIND).first()
        if opened_in is not None and opened_in.closes_at <= now:
            raise TransferError(
                f"本次省内转考申请已于{local_text(opened_in.closes_at)}截止，您的申请未能提交。",
                code="window_closed_since_opened",
            )
    if not eligibility.allowed:
        raise eligibility.refusal
    check_destination(candidate=candidate, to_city=to_city)

    application = TransferApplication.objects.create(
        number=_next_number(now),
        candidate=candidate,
        window=eligibility.window,
        from_city=candidate.county.city,
        from_county=candidate.county,
        to_city=to_city,
        status=Status.PENDING_ORIGIN,
        idempotency_token=token,
        submitted_at=now,
    )
    record_event(
        actor=candidate.user, action=AuditAction.TRANSFER_SUBMIT, obj=application, to_state=application.status,
        data={"number": application.number, "from_city": application.from_city_id, "to_city": to_city.pk},
    )
    send_candidate_message(
        candidate=candidate,
        title="省内转考申请已提交",
        body=f"您的省内转考申请（{application.number}，{application.from_city.name}→{to_city.name}）已提交，"
             f"等待{application.from_city.name}招考办审核。",
        link=_details_link(application),
    )
    return application, True


def can_withdraw(application, *, now=None):
    now = now or timezone.now()
    return application.status == Status.PENDING_ORIGIN and application.window.is_open(now)


def withdraw_transfer(*, candidate, application, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        Candidate.objects.select_for_update().get(pk=candidate.pk)
        application = (
            TransferApplication.objects.select_for_update(of=("self",))
            .select_related("window")
            .get(pk=application.pk)
        )
        if application.candidate_id != candidate.pk:
            raise TransferError("只能撤销本人的申请。", code="not_owner")
        if application.status != Status.PENDING_ORIGIN:
            raise TransferError(
                f"该申请当前状态为“{application.remark_text}”，已不能撤销。"
                "只有待原属地市审核的申请可以撤销。",
                code="cannot_withdraw",
            )
        if not application.window.is_open(now):
            raise TransferError("本次省内转考申请时间已结束，申请不能再撤销。", code="window_closed")
        application.status = Status.WITHDRAWN
        application.withdrawn_at = now
        application.save(update_fields=["status", "withdrawn_at", "updated_at"])
        record_event(
            actor=candidate.user, action=AuditAction.TRANSFER_WITHDRAW, obj=application,
            from_state=Status.PENDING_ORIGIN, to_state=Status.WITHDRAWN,
        )
        send_candidate_message(
            candidate=candidate,
            title="省内转考申请已撤销",
            body=f"您已撤销省内转考申请（{application.number}）。在转考时间内您可以重新申请。",
            link=_details_link(application),
        )
    return application


# --------------------------------------------------------------------------- officer decisions


def _is_city_officer_of(user, city_id):
    scope = officer_scope(user)
    return scope is not None and scope.level == OfficerScope.Level.CITY and scope.city_id == city_id


def may_decide_origin(user, application):
    """Officers of the original city decide 同意转出 / 不同意转出 (superusers as operators)."""
    return user.is_superuser or _is_city_officer_of(user, application.from_city_id)


def may_decide_destination(user, application):
    return user.is_superuser or _is_city_officer_of(user, application.to_city_id)


DECISIONS_BY_STATUS = {
    Status.PENDING_ORIGIN: ("transfers.decide_origin", may_decide_origin, ["release", "refuse_release"]),
    Status.PENDING_DESTINATION: (
        "transfers.decide_destination", may_decide_destination, ["accept", "refuse_acceptance"],
    ),
}


def allowed_decisions(*, officer, application):
    """The decisions ``officer`` may take on ``application`` now (``release``, ``refuse_release``,
    ``accept``, ``refuse_acceptance``): admin shows these buttons and no others."""
    permission, may_decide, decisions = DECISIONS_BY_STATUS.get(application.status, (None, None, []))
    if permission is None or not officer.has_perm(permission) or not may_decide(officer, application):
        return []
    return decisions


def _lock_for_decision(application_pk, expected, *, allowed, officer):
    """Lock candidate then application; refuse if another officer already decided."""
    candidate_id = TransferApplication.objects.values_list("candidate_id", flat=True).get(pk=application_pk)
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("county__city").get(pk=candidate_id)
    application = (
        TransferApplication.objects.select_for_update(of=("self",))
        .select_related("from_city", "to_city", "to_county__city", "from_county")
        .get(pk=application_pk)
    )
    if not allowed(officer, application):
        raise TransferError("您不负责该申请的这一步审核。", code="out_of_scope")
    if application.status != expected:
        raise TransferError(
            f"该申请已被处理，当前状态为“{application.remark_text}”，无需再次审核。请刷新页面查看。",
            code="already_decided",
        )
    return candidate, application


def _clean_remark(remark, *, required):
    remark = (remark or "").strip()
    if required and not remark:
        raise TransferError("不同意时必须填写原因，考生会在申请详情中看到该原因。", code="remark_required")
    if len(remark) > 200:
        raise TransferError("原因请控制在200字以内。", code="remark_too_long")
    return remark


def _decide(application, *, candidate, officer, step, to_state, now, action, title, body, remark="",
            extra_fields=(), data=None):
    """Stamp the decision of ``step`` ("origin" or "destination"), save, audit and tell the candidate."""
    from_state = application.status
    application.status = to_state
    setattr(application, f"{step}_decided_at", now)
    setattr(application, f"{step}_decided_by", officer)
    fields = ["status", f"{step}_decided_at", f"{step}_decided_by", "updated_at", *extra_fields]
    if remark:
        application.remark = remark
        fields.append("remark")
    application.save(update_fields=fields)
    record_event(
        actor=officer, action=action, obj=application, from_state=from_state, to_state=to_state,
        reason=remark, data=data,
    )
    send_candidate_message(candidate=candidate, title=title, body=body, link=_details_link(application))
    return application


def release_transfer(*, officer, application, now=None):
    """同意转出: the original city lets the candidate go; the receiving city decides next."""
    with transaction.atomic():
        candidate, application = _lock_for_decision(
            application.pk, Status.PENDING_ORIGIN, allowed=may_decide_origin, officer=officer
        )
        return _decide(
            application, candidate=candidate, officer=officer, step="origin", to_state=Status.PENDING_DESTINATION,
            now=now or timezone.now(), action=AuditAction.TRANSFER_RELEASE,
            title="省内转考：原属地市已同意转出",
            body=f"{application.from_city.name}招考办已同意您的转出申请（{application.number}），"
                 f"等待{application.to_city.name}招考办审核。",
        )


def refuse_release(*, officer, application, remark, now=None):
    """不同意转出, with the reason the candidate will read."""
    remark = _clean_remark(remark, required=True)
    with transaction.atomic():
        candidate, application = _lock_for_decision(
            application.pk, Status.PENDING_ORIGIN, allowed=may_decide_origin, officer=officer
        )
        return _decide(
            application, candidate=candidate, officer=officer, step="origin", to_state=Status.REJECTED_BY_ORIGIN,
            now=now or timezone.now(), action=AuditAction.TRANSFER_REFUSE_RELEASE, remark=remark,
            title="省内转考：原属地市未同意转出",
            body=f"{application.from_city.name}招考办未同意您的转出申请（{application.number}）。原因：{remark}",
        )


def accept_transfer(*, officer, application, to_county, now=None):
    """同意转入: the candidate's 报名区县 becomes ``to_county``; the ticket number stays."""
    with transaction.atomic():
        candidate, application = _lock_for_decision(
            application.pk, Status.PENDING_DESTINATION, allowed=may_decide_destination, officer=officer
        )
        if to_county is None or to_county.city_id != application.to_city_id:
            raise TransferError(f"请选择{application.to_city.name}所辖的报名区县。", code="county_not_in_city")
        old_county = candidate.county
        candidate.county = to_county
        candidate.save(update_fields=["county", "updated_at"])
        moved = {"from_county": old_county.pk, "to_county": to_county.pk}
        record_event(
            actor=officer, action=AuditAction.CANDIDATE_COUNTY_CHANGE, obj=candidate,
            data={**moved, "transfer": application.number},
        )
        application.to_county = to_county
        return _decide(
            application, candidate=candidate, officer=officer, step="destination", to_state=Status.ACCEPTED,
            now=now or timezone.now(), action=AuditAction.TRANSFER_ACCEPT, extra_fields=["to_county"], data=moved,
            title="省内转考：已转入",
            body=f"{application.to_city.name}招考办已同意您的转入申请（{application.number}），"
                 f"您的报名区县已变更为{to_county.full_name}，准考证号不变。",
        )


def refuse_acceptance(*, officer, application, remark, now=None):
    """不同意转入, with the reason the candidate will read."""
    remark = _clean_remark(remark, required=True)
    with transaction.atomic():
        candidate, application = _lock_for_decision(
            application.pk, Status.PENDING_DESTINATION, allowed=may_decide_destination, officer=officer
        )
        return _decide(
            application, candidate=candidate, officer=officer, step="destination",
            to_state=Status.REJECTED_BY_DESTINATION, now=now or timezone.now(),
            action=AuditAction.TRANSFER_REFUSE_ACCEPTANCE, remark=remark,
            title="省内转考：转入市未同意转入",
            body=f"{application.to_city.name}招考办未同意您的转入申请（{application.number}）。原因：{remark}",
        )


def destination_counties(application):
    return County.objects.filter(city_id=application.to_city_id).select_related("city").order_by("code")


def other_cities(candidate):
    return City.objects.exclude(pk=candidate.county.city_id).order_by("code")


# --------------------------------------------------------------------------- export


@transaction.atomic
def export_applications(*, officer, window):
    """A window's applications within ``officer``'s scope as CSV bytes, audited as taken by ``officer``.

    ID numbers are masked as on every other screen: the file leaves the system (mail, USB sticks)
    where no scope or audit protects it, and the application and ticket numbers already identify
    each candidate.
    """
    applications = selectors.officer_applications(officer).filter(window=window).order_by("number")
    body, count = applications_csv(applications)
    record_event(actor=officer, action=AuditAction.TRANSFER_EXPORT, obj=window, data={"rows": count})
    return body
