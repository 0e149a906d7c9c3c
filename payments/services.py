"""Every state change of orders and payments.

Lock order, everywhere: the order row first, then its payment rows. Every function that touches a
payment locks its order, so a notification, the expiry job, a second tab and an officer confirming
cash queue on one row and the first to get it decides; the others see what it decided.

A business uses three calls: ``create_order`` (with its purpose and lines), ``live_order`` (the
order of a purpose, if any) and ``cancel_order``; it reacts to ``payments.signals``.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from candidates.scopes import covers_county
from payments.models import Order, OrderLine, OrderNumberCounter, Payment
from payments.signals import order_canceled, order_expired, order_paid
from zikao.audit import AuditAction, record_event
from zikao.errors import DomainError
from zikao.sequences import next_number
from zikao.timefmt import local_text

logger = logging.getLogger("payments")

Status = Order.Status
State = Payment.State


class PaymentError(DomainError):
    def __init__(self, message, *, code, order=None):
        super().__init__(message, code=code)
        self.order = order



def purpose_key(purpose):
    """(purpose_type, purpose_id) of a model instance, or of a ``(type, id)`` pair."""
    if isinstance(purpose, models.Model):
        return purpose._meta.label_lower, str(purpose.pk)
    purpose_type, purpose_id = purpose
    return str(purpose_type), str(purpose_id)


def live_order(purpose):
    """The pending or paid order of ``purpose``, or None."""
    purpose_type, purpose_id = purpose_key(purpose)
    return Order.objects.filter(
        purpose_type=purpose_type, purpose_id=purpose_id, status__in=Order.LIVE_STATUSES
    ).first()


def not_payable_reason(order):
    if order.status == Status.PAID:
        return PaymentError(f"订单 {order.number} 已支付，无需再次支付。", code="order_paid", order=order)
    if order.status == Status.EXPIRED:
        return PaymentError(
            f"订单 {order.number} 已于{local_text(order.expires_at)}逾期关闭，不能再支付。", code="order_expired", order=order
        )
    return PaymentError(f"订单 {order.number} 已关闭，不能再支付。", code="order_closed", order=order)


# --------------------------------------------------------------------------- numbers


def _next_number(now):
    """YYYYMMDD + 6-digit sequence of that day (Asia/Shanghai), taken under the day's row lock."""
    day = timezone.localdate(now)
    last = next_number(OrderNumberCounter, day=day)
    return f"{day:%Y%m%d}{last:06d}"


# --------------------------------------------------------------------------- orders


def create_order(
    *, candidate, kind, title, purpose, lines: Iterable, expires_at: datetime, actor=None, now=None,
):
    """A pending order for ``purpose`` with ``lines`` of ``(description, amount_fen[, course_code])``.

    Refused (``order_exists``, with ``error.order``) while the purpose has a pending or paid order;
    the database constraint makes that true under concurrency too. Runs in the caller's transaction
    if there is one, so a business can create its row and its order together.
    """
    now = now or timezone.now()
    rows = []
    for line in lines:
        description, amount_fen, *rest = line
        if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen < 0:
            raise PaymentError(f"订单金额有误：{description}。", code="bad_amount")
        rows.append((str(description), amount_fen, str(rest[0]) if rest and rest[0] else ""))
    if not rows:
        raise PaymentError("订单没有任何缴费项目。", code="no_lines")
    if kind not in Order.Kind.values:
        raise PaymentError("未知的订单类型。", code="bad_kind")
    if expires_at <= now:
        raise PaymentError("订单的支付截止时间已过，不能创建订单。", code="expires_in_past")
    purpose_type, purpose_id = purpose_key(purpose)

    def exists(order):
        return PaymentError(
            f"该业务已有订单 {order.number}（{order.status_text}），不能重复下单。", code="order_exists", order=order
        )

    existing = live_order((purpose_type, purpose_id))
    if existing is not None:
        raise exists(existing)
    try:
        with transaction.atomic():
            order = Order.objects.create(
                number=_next_number(now), candidate=candidate, kind=kind, title=title,
                purpose_type=purpose_type, purpose_id=purpose_id,
                total_fen=sum(amount for _, amount, _ in rows), created_at=now, expires_at=expires_at,
            )
            OrderLine.objects.bulk_create([
                OrderLine(order=order, position=index, description=description, amount_fen=amount, course_code=code)
                for index, (description, amount, code) in enumerate(rows, start=1)
            ])
            record_event(
                actor=actor or candidate.user, action=AuditAction.ORDER_CREATE, obj=order, to_state=order.status,
                data={"number": order.number, "kind": kind, "purpose": f"{purpose_type}:{purpose_id}",
                      "total_fen": order.total_fen},
            )
    except IntegrityError:
        existing = live_order((purpose_type, purpose_id))
        if existing is None:
            raise
        raise exists(existing) from None
    return order


def _cancel_open_payments(order, *, actor, actor_label, reason, exclude=None):
    open_payments = order.payments.select_for_update().filter(state__in=Payment.OPEN_STATES)
    if exclude is not None:
        open_payments = open_payments.exclude(pk=exclude.pk)
    for payment in open_payments:
        from_state = payment.state
        payment.state = State.CANCELED
        payment.save(update_fields=["state"])
        record_event(
            actor=actor, actor_label=actor_label, action=AuditAction.PAYMENT_CANCEL, obj=payment,
            from_state=from_state, to_state=State.CANCELED, reason=reason,
        )


def _lock(order_pk):
    return Order.objects.select_for_update().select_related("candidate__county").get(pk=order_pk)


def _expire_locked(order, *, now):
    order.status = Status.EXPIRED
    order.closed_at = now
    order.save(update_fields=["status", "closed_at"])
    _cancel_open_payments(order, actor=None, actor_label="system:expiry", reason="订单逾期关闭")
    record_event(
        actor=None, actor_label="system:expiry", action=AuditAction.ORDER_EXPIRE, obj=order,
        from_state=Status.PENDING, to_state=Status.EXPIRED, data={"expires_at": order.expires_at.isoformat()},
    )
    order_expired.send(sender=Order, order=order)


def expire_order_if_due(order, *, now=None):
    """Expire ``order`` if it is still pending at its deadline; returns the order as it now is.

    Read paths call this, so an unpaid order is shown (and acted on) as closed even when no
    scheduler ran: the embedded default has no Celery beat.
    """
    now = now or timezone.now()
    if not order.is_due(now):
        return order
    with transaction.atomic():
        locked = _lock(order.pk)
        if locked.is_due(now):
            _expire_locked(locked, now=now)
    order.status, order.closed_at = locked.status, locked.closed_at
    return order


def expire_orders(*, now=None):
    """Expire every pending order whose deadline has passed; returns how many were expired."""
    now = now or timezone.now()
    due = list(Order.objects.filter(status=Status.PENDING, expires_at__lte=now).values_list("pk", flat=True))
    expired = 0
    for pk in due:
        with transaction.atomic():
            order = _lock(pk)
            if order.is_due(now):  # a notification may have paid it meanwhile
                _expire_locked(order, now=now)
                expired += 1
    return expired


def cancel_order(*, order, actor=None, actor_label="", reason="", now=None):
    """Close a pending order (e.g. the business changed what it pays for)."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _lock(order.pk)
        if order.status != Status.PENDING:
            raise not_payable_reason(order)
        order.status = Status.CANCELED
        order.closed_at = now
        order.save(update_fields=["status", "closed_at"])
        _cancel_open_payments(order, actor=actor, actor_label=actor_label, reason="订单已取消")
        record_event(
            actor=actor, actor_label=actor_label, action=AuditAction.ORDER_CANCEL, obj=order,
            from_state=Status.PENDING, to_state=Status.CANCELED, reason=reason,
        )
        order_canceled.send(sender=Order, order=order)
    return order


def cancel_orders_of(*, candidate, actor=None, actor_label="", reason="", now=None):
    """Cancel every unpaid order of ``candidate`` (their record was closed: nothing may be paid any
    more); the businesses hear ``order_canceled`` as for any cancellation. Returns the orders."""
    canceled = []
    for order in Order.objects.filter(candidate=candidate, status=Status.PENDING).order_by("pk"):
        try:
            canceled.append(cancel_order(order=order, actor=actor, actor_label=actor_label, reason=reason, now=now))
        except PaymentError:
            continue  # paid or expired in the meantime: nothing left to cancel
    return canceled


# --------------------------------------------------------------------------- payments


def start_payment(*, order, provider, actor, now=None):
    """A new payment attempt of ``order`` through ``provider`` (a BasePaymentProvider).

    Each attempt has its own ``out_trade_no`` (order number + P + attempt), so two tabs paying the
    same order are two attempts; the first confirmed one pays the order and the others are closed.
    """
    now = now or timezone.now()
    if not provider.is_enabled:
        raise PaymentError(f"“{provider.verbose_name}”暂不可用，请选择其他支付方式。", code="provider_disabled")
    refusal = None
    with transaction.atomic():
        order = _lock(order.pk)
        if order.is_due(now):
            _expire_locked(order, now=now)
        if order.status != Status.PENDING:
            refusal = not_payable_reason(order)
        else:
            attempt = order.payments.count() + 1
            payment = Payment.objects.create(
                order=order, provider=provider.identifier, state=provider.initial_state,
                amount_fen=order.total_fen, out_trade_no=f"{order.number}P{attempt:02d}", created_at=now,
            )
            record_event(
                actor=actor, action=AuditAction.PAYMENT_START, obj=payment, to_state=payment.state,
                data={"order": order.number, "provider": provider.identifier, "amount_fen": payment.amount_fen},
            )
    if refusal is not None:  # raised after commit: an expiry found on the way is kept
        raise refusal
    payment.order = order
    return payment


def _mark_paid(order, payment, *, actor, actor_label, now, paid_at, gateway_txn_id, raw):
    from_state = payment.state
    payment.state = State.CONFIRMED
    payment.confirmed_at = now
    payment.confirmed_by = actor
    payment.gateway_txn_id = gateway_txn_id or payment.gateway_txn_id
    payment.raw_notify = raw or payment.raw_notify
    payment.save(update_fields=["state", "confirmed_at", "confirmed_by", "gateway_txn_id", "raw_notify"])
    order.status = Status.PAID
    order.paid_at = paid_at or now
    order.paid_provider = payment.provider
    order.save(update_fields=["status", "paid_at", "paid_provider"])
    _cancel_open_payments(
        order, actor=actor, actor_label=actor_label, reason="订单已通过其他支付记录支付", exclude=payment
    )
    record_event(
        actor=actor, actor_label=actor_label, action=AuditAction.PAYMENT_CONFIRM, obj=payment,
        from_state=from_state, to_state=State.CONFIRMED, data={"gateway_txn_id": payment.gateway_txn_id},
    )
    record_event(
        actor=actor, actor_label=actor_label, action=AuditAction.ORDER_PAID, obj=order,
        from_state=Status.PENDING, to_state=Status.PAID,
        data={"payment": payment.out_trade_no, "provider": payment.provider, "amount_fen": payment.amount_fen},
    )
    order_paid.send(sender=Order, order=order, payment=payment)


def _flag_refund_due(order, payment, *, actor, actor_label, now, gateway_txn_id, raw):
    """Money arrived for an order that can no longer take it: keep it, visibly, for a refund."""
    from_state = payment.state
    if order.status == Status.PAID:
        reason = f"订单已通过 {order.paid_provider} 支付，本次为重复到账"
    else:
        reason = f"订单{order.get_status_display()}后到账"
    payment.state = State.REFUND_DUE
    payment.confirmed_at = now
    payment.gateway_txn_id = gateway_txn_id or payment.gateway_txn_id
    payment.raw_notify = raw or payment.raw_notify
    payment.refund_reason = reason
    payment.save(update_fields=["state", "confirmed_at", "gateway_txn_id", "raw_notify", "refund_reason"])
    record_event(
        actor=actor, actor_label=actor_label, action=AuditAction.PAYMENT_REFUND_DUE, obj=payment,
        from_state=from_state, to_state=State.REFUND_DUE, reason=reason,
        data={"order": order.number, "order_status": order.status, "gateway_txn_id": payment.gateway_txn_id},
    )
    logger.warning("payment %s of order %s arrived late (%s): flagged for refund", payment.out_trade_no,
                   order.number, order.status)


def confirm_payment(
    *, payment, actor=None, actor_label="", money_received=True, gateway_txn_id="", raw=None, paid_at=None,
    now=None,
):
    """The provider says ``payment`` is paid. Safe to call any number of times.

    ``money_received``: the gateway took the money (a verified notification or query). If the order
    can no longer be paid (expired, canceled, or paid through another attempt) that money is
    recorded as 已到账待退款, never dropped. Without money (the demo button, an officer about to
    take cash) the attempt is closed and ``PaymentError`` raised instead.

    ``paid_at`` is when the gateway says the buyer paid: a notification delayed past the deadline
    for a payment made before it still pays the order, unless the expiry got there first.
    """
    now = now or timezone.now()
    refusal = None
    with transaction.atomic():
        order = _lock(payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state in Payment.MONEY_STATES:
            payment.order = order
            return payment  # a repeated notification or a second click: nothing changes
        if order.is_due(paid_at or now):
            _expire_locked(order, now=now)
        if order.status == Status.PENDING:
            _mark_paid(order, payment, actor=actor, actor_label=actor_label, now=now, paid_at=paid_at,
                       gateway_txn_id=gateway_txn_id, raw=raw)
        elif money_received:
            _flag_refund_due(order, payment, actor=actor, actor_label=actor_label, now=now,
                             gateway_txn_id=gateway_txn_id, raw=raw)
        else:
            refusal = not_payable_reason(order)
            if payment.state in Payment.OPEN_STATES:
                _cancel_open_payments(order, actor=actor, actor_label=actor_label, reason=refusal.message)
                payment.refresh_from_db(fields=["state"])
    if refusal is not None:
        raise refusal
    payment.order = order
    return payment


def cancel_payment(*, payment, actor, actor_label="", reason=""):
    """Close an attempt that has not been paid (the candidate gave up on it)."""
    with transaction.atomic():
        order = _lock(payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state not in Payment.OPEN_STATES:
            raise PaymentError(
                f"支付记录 {payment.out_trade_no} 当前为“{payment.get_state_display()}”，不能取消。",
                code="payment_not_open", order=order,
            )
        _cancel_open_payments(order, actor=actor, actor_label=actor_label, reason=reason or "考生取消支付")
        payment.refresh_from_db(fields=["state"])
    return payment


def confirm_offline_payment(*, order, officer, now=None):
    """A county officer has received the fee in cash at the office (线下缴费)."""
    now = now or timezone.now()
    if not officer.has_perm("payments.confirm_offline_payment") or not covers_county(officer, order.candidate.county):
        raise PaymentError("您无权确认该订单的线下缴费。", code="out_of_scope", order=order)
    refusal = None
    with transaction.atomic():
        order = _lock(order.pk)
        if order.is_due(now):
            _expire_locked(order, now=now)
        if order.status != Status.PENDING:
            refusal = not_payable_reason(order)
        else:
            payment = order.payments.filter(provider="offline", state__in=Payment.OPEN_STATES).first()
            if payment is None:
                payment = Payment.objects.create(
                    order=order, provider="offline", state=State.PENDING, amount_fen=order.total_fen,
                    out_trade_no=f"{order.number}P{order.payments.count() + 1:02d}", created_at=now,
                )
            _mark_paid(order, payment, actor=officer, actor_label="", now=now, paid_at=now,
                       gateway_txn_id="", raw={"confirmed_by": officer.get_username()})
    if refusal is not None:
        raise refusal
    return payment


def mark_payment_refunded(*, payment, officer, reason=""):
    """The money of a 已到账待退款 payment has been returned to the payer."""
    if not officer.has_perm("payments.refund_payment"):
        raise PaymentError("您无权标记退款。", code="not_allowed")
    with transaction.atomic():
        _lock(payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.state != State.REFUND_DUE:
            raise PaymentError("只有“已到账待退款”的支付记录可以标记为已退款。", code="not_refund_due")
        payment.state = State.REFUNDED
        payment.save(update_fields=["state"])
        record_event(
            actor=officer, action=AuditAction.PAYMENT_REFUNDED, obj=payment,
            from_state=State.REFUND_DUE, to_state=State.REFUNDED, reason=reason,
        )
    return payment


def record_refused_notification(*, payment, provider, reason, data):
    """A signed notification that does not match its payment (amount, app id): logged and kept."""
    logger.warning("%s notification for %s refused: %s", provider, payment.out_trade_no, reason)
    record_event(
        actor=None, actor_label=f"gateway:{provider}", action=AuditAction.PAYMENT_NOTIFY_REFUSED, obj=payment,
        reason=reason, data=data,
    )
