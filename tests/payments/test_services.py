"""Every transition of orders and payments, at the service level against the database."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from payments import services
from payments.models import Order, Payment
from payments.signals import order_canceled, order_expired, order_paid
from tests.factories import CandidateFactory, OfficerFactory, county
from tests.payments.conftest import make_order
from zikao.audit import events_of

pytestmark = pytest.mark.django_db
Status, State = Order.Status, Payment.State
NOW = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def received():
    """What the signals delivered, by name."""
    seen = []

    def receiver(signal_name):
        def handler(sender, order, **kwargs):
            seen.append((signal_name, order.number, kwargs.get("payment")))
        return handler

    handlers = {signal: receiver(name) for signal, name in
                [(order_paid, "paid"), (order_expired, "expired"), (order_canceled, "canceled")]}
    for signal, handler in handlers.items():
        signal.connect(handler)
    yield seen
    for signal, handler in handlers.items():
        signal.disconnect(handler)


# --------------------------------------------------------------------------- create_order


def test_create_order_numbers_lines_total_and_audit(candidate):
    order = make_order(candidate, now=NOW)
    assert order.status == Status.PENDING and order.total_fen == 7000 and order.total_yuan == "70.00"
    assert order.number == "20261130000001"
    assert [(line.position, line.course_code, line.amount_fen) for line in order.lines.all()] == [
        (1, "00015", 3500), (2, "03708", 3500)
    ]
    assert make_order(candidate, now=NOW).number == "20261130000002"
    assert [event.action for event in events_of(order)] == ["order_create"]


def test_order_numbers_restart_each_local_day(candidate):
    make_order(candidate, now=NOW)
    # 16:00 UTC is midnight in Shanghai: a new day, a new sequence.
    later = make_order(candidate, now=NOW.replace(hour=16, minute=30))
    assert later.number == "20261201000001"


def test_a_purpose_has_one_live_order(candidate):
    first = make_order(candidate, purpose=("tests.registration", 7))
    with pytest.raises(services.PaymentError) as refused:
        make_order(candidate, purpose=("tests.registration", 7))
    assert refused.value.code == "order_exists" and refused.value.order == first
    services.cancel_order(order=first, actor=candidate.user)
    again = make_order(candidate, purpose=("tests.registration", 7))  # a closed order frees the purpose
    assert again.status == Status.PENDING


def test_the_database_refuses_a_second_live_order_for_a_purpose(order):
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.create(
            number="X1", candidate=order.candidate, kind=order.kind, title="x", purpose_type=order.purpose_type,
            purpose_id=order.purpose_id, total_fen=1, expires_at=order.expires_at,
        )


def test_the_database_refuses_negative_amounts(order):
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(total_fen=-1)


@pytest.mark.parametrize(("lines", "code"), [
    ([], "no_lines"),
    ([("00015", -100, "00015")], "bad_amount"),
    ([("00015", 35.0, "00015")], "bad_amount"),
])
def test_bad_lines_are_refused(candidate, lines, code):
    with pytest.raises(services.PaymentError) as refused:
        services.create_order(candidate=candidate, kind="graduation", title="毕业申请费", purpose=("t", 1),
                              lines=lines, expires_at=timezone.now() + datetime.timedelta(hours=1))
    assert refused.value.code == code
    assert not Order.objects.exists()


def test_an_order_needs_a_future_deadline_and_a_known_kind(candidate):
    past = timezone.now() - datetime.timedelta(minutes=1)
    with pytest.raises(services.PaymentError) as refused:
        make_order(candidate, expires_at=past)
    assert refused.value.code == "expires_in_past"
    with pytest.raises(services.PaymentError) as refused:
        make_order(candidate, kind="lottery")
    assert refused.value.code == "bad_kind"


def test_a_model_instance_is_a_purpose(candidate):
    order = make_order(candidate, purpose=candidate, kind=Order.Kind.GRADUATION)
    assert (order.purpose_type, order.purpose_id) == ("candidates.candidate", str(candidate.pk))
    assert services.live_order(candidate) == order


# --------------------------------------------------------------------------- paying


def test_start_then_confirm_pays_the_order_once(order, demo, candidate, received):
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user)
    assert payment.state == State.CREATED and payment.out_trade_no == f"{order.number}P01"
    assert payment.amount_fen == 7000
    services.confirm_payment(payment=payment, actor=candidate.user, money_received=False)
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Status.PAID and order.paid_provider == "demo" and order.paid_at is not None
    assert payment.state == State.CONFIRMED
    assert received == [("paid", order.number, payment)]
    # Repeating changes nothing and sends nothing.
    services.confirm_payment(payment=payment, actor=candidate.user, money_received=False)
    assert len(received) == 1
    assert [e.action for e in events_of(order)] == ["order_create", "order_paid"]
    assert [e.action for e in events_of(payment)] == ["payment_start", "payment_confirm"]


def test_paying_closes_the_other_open_attempts(order, demo, offline, candidate):
    first = services.start_payment(order=order, provider=offline, actor=candidate.user)
    second = services.start_payment(order=order, provider=demo, actor=candidate.user)
    assert first.state == State.PENDING and second.out_trade_no.endswith("P02")
    services.confirm_payment(payment=second, money_received=False)
    first.refresh_from_db()
    assert first.state == State.CANCELED


def test_a_paid_order_cannot_be_paid_again(order, demo, candidate):
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user)
    other = services.start_payment(order=order, provider=demo, actor=candidate.user)
    services.confirm_payment(payment=payment, money_received=False)
    with pytest.raises(services.PaymentError) as refused:
        services.start_payment(order=order, provider=demo, actor=candidate.user)
    assert refused.value.code == "order_paid"
    with pytest.raises(services.PaymentError) as refused:
        services.confirm_payment(payment=other, money_received=False)
    assert refused.value.code == "order_paid"
    other.refresh_from_db()
    assert other.state == State.CANCELED
    assert Payment.objects.filter(order=order, state=State.CONFIRMED).count() == 1


def test_money_for_an_already_paid_order_is_kept_for_refund(order, demo, candidate):
    paid = services.start_payment(order=order, provider=demo, actor=candidate.user)
    late = services.start_payment(order=order, provider=demo, actor=candidate.user)
    services.confirm_payment(payment=paid, money_received=False)
    services.confirm_payment(payment=late, money_received=True, gateway_txn_id="T2")
    late.refresh_from_db()
    assert late.state == State.REFUND_DUE and "重复到账" in late.refund_reason and late.gateway_txn_id == "T2"
    order.refresh_from_db()
    assert order.status == Status.PAID and order.paid_provider == "demo"


def test_paid_is_final(order, demo, candidate):
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user)
    services.confirm_payment(payment=payment, money_received=False)
    with pytest.raises(services.PaymentError) as refused:
        services.cancel_order(order=order, actor=candidate.user)
    assert refused.value.code == "order_paid"
    with time_machine.travel(order.expires_at + datetime.timedelta(days=1), tick=False):
        assert services.expire_orders() == 0
    order.refresh_from_db()
    assert order.status == Status.PAID


def test_a_disabled_provider_is_refused(order, candidate, settings):
    from payments.providers import all_providers

    with pytest.raises(services.PaymentError) as refused:
        services.start_payment(order=order, provider=all_providers()["alipay"], actor=candidate.user)
    assert refused.value.code == "provider_disabled"


def test_cancel_payment_closes_only_an_open_attempt(order, demo, candidate):
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user)
    services.cancel_payment(payment=payment, actor=candidate.user)
    payment.refresh_from_db()
    assert payment.state == State.CANCELED
    assert [e.action for e in events_of(payment)] == ["payment_start", "payment_cancel"]
    with pytest.raises(services.PaymentError) as refused:
        services.cancel_payment(payment=payment, actor=candidate.user)
    assert refused.value.code == "payment_not_open"
    # Money arriving for a cancelled attempt of a still pending order pays it: the money is real.
    services.confirm_payment(payment=payment, money_received=True)
    order.refresh_from_db()
    assert order.status == Status.PAID


def test_cancel_order_closes_it_and_its_attempts(order, demo, candidate, received):
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user)
    services.cancel_order(order=order, actor=candidate.user, reason="考生修改报考课程")
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Status.CANCELED and order.status_text == "已关闭" and payment.state == State.CANCELED
    assert received == [("canceled", order.number, None)]
    services.confirm_payment(payment=payment, money_received=True)  # a late notification
    payment.refresh_from_db()
    assert payment.state == State.REFUND_DUE and payment.refund_reason == "订单已关闭（已取消）后到账"


# --------------------------------------------------------------------------- expiry


def test_expire_orders_at_the_deadline_edge(candidate, demo, received):
    order = make_order(candidate, now=NOW, expires_at=NOW + datetime.timedelta(hours=1))
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user, now=NOW)
    deadline = order.expires_at
    assert services.expire_orders(now=deadline - datetime.timedelta(seconds=1)) == 0
    assert services.expire_orders(now=deadline) == 1
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Status.EXPIRED and order.closed_at == deadline
    assert payment.state == State.CANCELED
    assert received == [("expired", order.number, None)]
    assert services.expire_orders(now=deadline) == 0  # nothing twice
    assert [e.action for e in events_of(order)] == ["order_create", "order_expire"]


def test_reading_an_overdue_order_expires_it(candidate):
    from payments import selectors

    order = make_order(candidate, now=NOW, expires_at=NOW + datetime.timedelta(hours=1))
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        shown = selectors.get_candidate_order(candidate=candidate, number=order.number)
    assert shown.status == Status.EXPIRED
    assert Order.objects.get(pk=order.pk).status == Status.EXPIRED


def test_start_payment_after_the_deadline_expires_and_refuses(candidate, demo):
    order = make_order(candidate, now=NOW, expires_at=NOW + datetime.timedelta(hours=1))
    with pytest.raises(services.PaymentError) as refused:
        services.start_payment(order=order, provider=demo, actor=candidate.user, now=order.expires_at)
    assert refused.value.code == "order_expired" and "逾期关闭" in refused.value.message
    assert Order.objects.get(pk=order.pk).status == Status.EXPIRED  # kept although the call failed


def test_a_late_notification_for_an_expired_order_is_kept_for_refund(candidate, demo, received):
    order = make_order(candidate, now=NOW, expires_at=NOW + datetime.timedelta(hours=1))
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user, now=NOW)
    services.expire_orders(now=order.expires_at)
    services.confirm_payment(payment=payment, money_received=True, gateway_txn_id="T9",
                             now=order.expires_at + datetime.timedelta(minutes=5))
    payment.refresh_from_db()
    order.refresh_from_db()
    assert order.status == Status.EXPIRED
    assert payment.state == State.REFUND_DUE and payment.refund_reason == "订单已关闭（逾期未支付）后到账"
    assert [e.action for e in events_of(payment)][-1] == "payment_refund_due"
    assert [name for name, *_ in received] == ["expired"]  # never "paid"


def test_a_payment_made_before_the_deadline_but_notified_after_it_pays(candidate, demo):
    order = make_order(candidate, now=NOW, expires_at=NOW + datetime.timedelta(hours=1))
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user, now=NOW)
    services.confirm_payment(payment=payment, money_received=True, paid_at=order.expires_at - datetime.timedelta(seconds=30),
                             now=order.expires_at + datetime.timedelta(minutes=2))
    order.refresh_from_db()
    assert order.status == Status.PAID and order.paid_at == order.expires_at - datetime.timedelta(seconds=30)


def test_expire_orders_command(candidate, capsys):
    from django.core.management import call_command

    order = make_order(candidate, expires_at=timezone.now() + datetime.timedelta(minutes=1))
    with time_machine.travel(order.expires_at + datetime.timedelta(seconds=1), tick=False):
        call_command("expire_orders", "--dry-run")
        assert Order.objects.get(pk=order.pk).status == Status.PENDING
        call_command("expire_orders")
    out = capsys.readouterr().out
    assert order.number in out and "已关闭 1 个逾期未支付的订单" in out
    assert Order.objects.get(pk=order.pk).status == Status.EXPIRED


def test_expire_orders_task(candidate):
    from payments.tasks import expire_orders

    order = make_order(candidate, expires_at=timezone.now() + datetime.timedelta(minutes=1))
    with time_machine.travel(order.expires_at, tick=False):
        assert expire_orders() == 1


# --------------------------------------------------------------------------- offline and refunds


def test_a_county_officer_confirms_cash_once(order, candidate, offline, received):
    officer = OfficerFactory(scope__level="county", scope__county=county("140105"))
    services.start_payment(order=order, provider=offline, actor=candidate.user)
    payment = services.confirm_offline_payment(order=order, officer=officer)
    order.refresh_from_db()
    assert order.status == Status.PAID and order.paid_provider == "offline"
    assert payment.confirmed_by == officer and payment.out_trade_no.endswith("P01")
    assert events_of(payment).last().actor == officer
    with pytest.raises(services.PaymentError) as refused:
        services.confirm_offline_payment(order=order, officer=officer)
    assert refused.value.code == "order_paid"
    assert len(received) == 1


def test_another_countys_officer_cannot_confirm_cash(order):
    officer = OfficerFactory(scope__level="county", scope__county=county("140106"))
    with pytest.raises(services.PaymentError) as refused:
        services.confirm_offline_payment(order=order, officer=officer)
    assert refused.value.code == "out_of_scope"
    city_officer = OfficerFactory(scope__level="city", scope__city=county("140105").city)
    with pytest.raises(services.PaymentError) as refused:  # cities follow orders but take no cash
        services.confirm_offline_payment(order=order, officer=city_officer)
    assert refused.value.code == "out_of_scope"
    assert Order.objects.get(pk=order.pk).status == Status.PENDING


def test_mark_refunded_only_after_refund_due(order, demo, candidate):
    officer = OfficerFactory(scope__level="province")
    payment = services.start_payment(order=order, provider=demo, actor=candidate.user)
    with pytest.raises(services.PaymentError) as refused:
        services.mark_payment_refunded(payment=payment, officer=officer)
    assert refused.value.code == "not_refund_due"
    services.cancel_order(order=order, actor=candidate.user)
    services.confirm_payment(payment=payment, money_received=True)
    services.mark_payment_refunded(payment=payment, officer=officer, reason="已原路退回")
    payment.refresh_from_db()
    assert payment.state == State.REFUNDED
    county_officer = OfficerFactory(scope__level="county", scope__county=county("140105"))
    with pytest.raises(services.PaymentError) as refused:
        services.mark_payment_refunded(payment=payment, officer=county_officer)
    assert refused.value.code == "not_allowed"


def test_a_receiver_that_fails_rolls_the_payment_back(order, demo, candidate):
    def broken(sender, order, **kwargs):
        raise RuntimeError("registration could not be updated")

    payment = services.start_payment(order=order, provider=demo, actor=candidate.user)
    order_paid.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            services.confirm_payment(payment=payment, money_received=True)
    finally:
        order_paid.disconnect(broken)
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Status.PENDING and payment.state == State.CREATED


def test_another_candidates_purpose_numbers_do_not_collide():
    first = CandidateFactory(approved=True)
    second = CandidateFactory(approved=True)
    a = make_order(first, purpose=("tests.registration", 1))
    b = make_order(second, purpose=("tests.other", 1))
    assert a.number != b.number
