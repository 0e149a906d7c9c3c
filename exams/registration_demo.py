"""Demo 理论课报名 (idempotent): while the demo window is open, 钱进 has a paid registration for
four courses of the coming sitting, so the centre and 订单查询 show a finished one; 赵磊 is left
to register in the browser."""

from django.utils import timezone

from candidates.demo import CANDIDATE_PASSWORD
from candidates.models import Candidate
from exams import registration as services
from payments import services as payments
from payments.models import Order
from payments.providers import all_providers

PAID_TICKET = "010624100032"  # 钱进 (records.demo)
ADDRESS = "山西省太原市迎泽区迎泽大街100号"


def _four_courses(candidate, sitting):
    chosen, slots = [], set()
    for entry in services.offered_entries(candidate=candidate, sitting=sitting):
        if entry.slot_id not in slots:
            chosen.append(entry.course_id)
            slots.add(entry.slot_id)
    return chosen[:4]


def seed(now=None):
    now = now or timezone.now()
    candidate = Candidate.objects.filter(ticket_number=PAID_TICKET).first()
    demo = all_providers().get("demo")
    if candidate is None or demo is None or not demo.is_enabled:
        return []  # no demo candidate, or a deployment without the demo provider
    try:
        access = services.check_access(candidate=candidate, now=now)
    except services.RegistrationError:
        return []  # the demo window is not open
    existing = services.live_registration(candidate=candidate, sitting=access.sitting)
    if existing is None:
        existing = services.save_registration(
            candidate=candidate, course_ids=_four_courses(candidate, access.sitting),
            mobile=candidate.mobile or "13903510032", mailing_address=ADDRESS, now=now,
        )
    order = Order.objects.get(number=existing.order_number)
    if order.status == Order.Status.PENDING:
        payment = payments.start_payment(order=order, provider=demo, actor=candidate.user, now=now)
        payments.confirm_payment(payment=payment, actor=candidate.user, money_received=False, now=now)
    return [("考生：理论课报名已支付（钱进）", candidate.ticket_number, CANDIDATE_PASSWORD)]
