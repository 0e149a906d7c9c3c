"""演示支付: a button that pays, so the embedded default shows the whole journey without a gateway.

Listed only in zikao.settings.local and zikao.settings.test; zikao.settings.production refuses to
start with it.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from candidates.decorators import candidate_required
from payments import selectors, services
from payments.providers import BasePaymentProvider


class DemoProvider(BasePaymentProvider):
    identifier = "demo"
    verbose_name = "演示支付"
    description = "仅用于演示和测试，不会产生真实扣款。"

    def start(self, payment, request):
        return render(request, "payments/demo_pay.html", {"payment": payment, "order": payment.order})

    def handle_return(self, request):
        return _pay(request)


@candidate_required
@require_POST
def _pay(request):
    """The demo cashier's 确认支付: only the order's own candidate, CSRF-protected."""
    payment = selectors.get_candidate_payment(
        candidate=request.candidate, out_trade_no=request.POST.get("payment", ""), provider="demo"
    )
    try:
        payment = services.confirm_payment(
            payment=payment, actor=request.user, money_received=False, raw={"demo": True}
        )
    except services.PaymentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"订单 {payment.order.number} 已支付。")
    return redirect("order_detail", number=payment.order.number)
