"""State changes of the base app: business windows (operators' commands), notices and registration
points (officers in admin)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from zikao.audit import AuditAction, record_event
from zikao.errors import DomainError
from zikao.models import BusinessWindow, CaseClaim, Notice, RegistrationPoint


class WindowError(DomainError):
    """A broken rule about business windows; the message is fit to show an operator."""


def _window_state(window):
    return {"title": window.title, "opens_at": window.opens_at.isoformat(), "closes_at": window.closes_at.isoformat()}


def _lock_kind(kind):
    # Serialise changes to one kind's windows so two operators cannot create
    # overlapping windows at the same moment.
    return list(BusinessWindow.objects.select_for_update().filter(kind=kind).order_by("pk"))


def _check_no_overlap(kind, opens_at, closes_at, *, exclude_pk=None):
    overlapping = BusinessWindow.objects.filter(kind=kind, opens_at__lt=closes_at, closes_at__gt=opens_at)
    if exclude_pk:
        overlapping = overlapping.exclude(pk=exclude_pk)
    other = overlapping.first()
    if other:
        local = timezone.localtime
        raise WindowError(
            f"与已有窗口 #{other.pk}“{other.title}”（{local(other.opens_at):%Y-%m-%d %H:%M} 至 "
            f"{local(other.closes_at):%Y-%m-%d %H:%M}）时间重叠。",
            code="overlap",
        )


def open_window(*, kind, opens_at, closes_at, title="", actor_label):
    if kind not in BusinessWindow.Kind.values:
        raise WindowError(f"未知的业务类型：{kind}。可选：{', '.join(BusinessWindow.Kind.values)}。", code="unknown_kind")
    if closes_at <= opens_at:
        raise WindowError("结束时间必须晚于开始时间。", code="ends_before_start")
    with transaction.atomic():
        _lock_kind(kind)
        _check_no_overlap(kind, opens_at, closes_at)
        window = BusinessWindow.objects.create(
            kind=kind,
            title=title or f"{timezone.localtime(opens_at):%Y年}{BusinessWindow.Kind(kind).label}",
            opens_at=opens_at,
            closes_at=closes_at,
        )
        record_event(
            actor=None, actor_label=actor_label, action=AuditAction.OPEN_WINDOW, obj=window,
            to_state=window.state(), data={"before": None, "after": _window_state(window)},
        )
    return window


def close_window(*, window_id, at=None, actor_label):
    """Close the window now (or at ``at``): its closes_at moves earlier."""
    at = at or timezone.now()
    with transaction.atomic():
        try:
            window = BusinessWindow.objects.select_for_update().get(pk=window_id)
        except BusinessWindow.DoesNotExist:
            raise WindowError(f"没有编号为 {window_id} 的窗口。", code="not_found") from None
        if window.closes_at <= at:
            raise WindowError(
                f"窗口 #{window.pk} 已于 {timezone.localtime(window.closes_at):%Y-%m-%d %H:%M} 结束，无需关闭。",
                code="already_closed",
            )
        if at <= window.opens_at:
            raise WindowError("关闭时间早于窗口的开始时间；如需取消尚未开始的窗口，请指定开始时间之后的时刻。", code="close_before_open")
        before = _window_state(window)
        from_state = window.state()
        window.closes_at = at
        window.save(update_fields=["closes_at"])
        record_event(
            actor=None, actor_label=actor_label, action=AuditAction.CLOSE_WINDOW, obj=window,
            from_state=from_state, to_state=window.state(),
            data={"before": before, "after": _window_state(window)},
        )
    return window


# --- content officers edit in admin ----------------------------------------------------------------
# Admin hands over its own instance (already carrying the edited values), so that its redirect and
# change message see the saved row; the service locks the stored row before writing over it.


def _changed_values(obj, fields):
    return {field: str(getattr(obj, field)) for field in fields}


@transaction.atomic
def publish_notice(*, notice, actor):
    """A new notice; it shows on the home page from its publication time."""
    notice.created_by = actor
    notice.save()
    record_event(
        actor=actor, action=AuditAction.PUBLISH_NOTICE, obj=notice,
        data={"title": notice.title, "category": notice.category, "published_at": notice.published_at.isoformat()},
    )
    return notice


@transaction.atomic
def update_notice(*, notice, actor, fields):
    """Save the edited ``fields`` of ``notice``; nothing is written or audited when none changed."""
    Notice.objects.select_for_update().get(pk=notice.pk)
    if fields:
        notice.save(update_fields=fields)
        record_event(
            actor=actor, action=AuditAction.UPDATE_NOTICE, obj=notice,
            data={"fields": list(fields), "title": notice.title},
        )
    return notice


@transaction.atomic
def delete_notice(*, notice, actor):
    """Withdraw a notice; the audit event keeps its title, since the row goes."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    record_event(
        actor=actor, action=AuditAction.DELETE_NOTICE, obj=notice,
        data={"title": notice.title, "category": notice.category},
    )
    notice.delete()


@transaction.atomic
def update_registration_point(*, point, actor, fields):
    """Save the edited contact details of a registration point, with before and after in the audit."""
    before = RegistrationPoint.objects.select_for_update().get(pk=point.pk)
    if fields:
        point.save(update_fields=fields)
        record_event(
            actor=actor, action=AuditAction.UPDATE_REGISTRATION_POINT, obj=point,
            data={"before": _changed_values(before, fields), "after": _changed_values(point, fields)},
        )
    return point


# --- 由我处理: claims on queued cases (zikao.workbench) ------------------------------------------
class ClaimError(DomainError):
    """A claim that cannot be taken or released; the message is fit to show an officer."""


def claim_lapse():
    from django.conf import settings

    return timedelta(minutes=settings.WORKBENCH_CLAIM_MINUTES)


def _holder_name(claim):
    return claim.holder.get_username()


def claim_case(*, officer, queue, obj, take_over=False):
    """Make ``officer`` the holder of ``obj`` in ``queue`` (a workbench queue key).

    Someone else's live claim is refused unless ``take_over`` (the officer was asked
    first); a lapsed one is taken without asking. Two officers claiming at the same
    instant: the unique constraint lets one INSERT through, the other re-reads the
    row it waited for and is refused.
    """
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                claim = (
                    CaseClaim.objects.select_for_update().select_related("holder")
                    .filter(queue=queue, object_id=obj.pk).first()
                )
                if claim is None:
                    claim = CaseClaim.objects.create(queue=queue, object_id=obj.pk, holder=officer, claimed_at=now)
                    record_event(actor=officer, action=AuditAction.CASE_CLAIMED, obj=obj, data={"queue": queue})
                    return claim
                if claim.holder_id == officer.pk:
                    claim.claimed_at = now
                    claim.save(update_fields=["claimed_at"])
                    return claim
                live = claim.claimed_at > now - claim_lapse()
                if live and not take_over:
                    raise ClaimError(
                        f"该案件已由 {_holder_name(claim)} 于 {timezone.localtime(claim.claimed_at):%H:%M} 认领处理。",
                        code="claimed_by_other",
                    )
                previous = _holder_name(claim)
                claim.holder, claim.claimed_at = officer, now
                claim.save(update_fields=["holder", "claimed_at"])
                record_event(
                    actor=officer, action=AuditAction.CASE_CLAIMED, obj=obj, from_state=previous,
                    data={"queue": queue, "took_over_from": previous, "lapsed": not live},
                )
                return claim
        except IntegrityError:
            continue  # the other officer's INSERT won; the second pass reads and refuses
    raise ClaimError("该案件正被他人认领，请稍后再试。", code="claim_contended")


def release_claim(*, officer, queue, obj):
    """放弃认领: only the holder releases; releasing nothing is not an error."""
    with transaction.atomic():
        claim = CaseClaim.objects.select_for_update().filter(queue=queue, object_id=obj.pk).first()
        if claim is None:
            return
        if claim.holder_id != officer.pk:
            raise ClaimError("只有认领人可以放弃认领。", code="not_holder")
        claim.delete()
        record_event(actor=officer, action=AuditAction.CASE_CLAIM_RELEASED, obj=obj, data={"queue": queue})
