"""订单查询 and paying an order; the gateways' notify and return endpoints.

Candidates reach only their own orders (payments.selectors: 404 for anyone else's number). Every
change goes through payments.services; a provider decides how paying starts and how its gateway
answers (payments.providers).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.decorators import candidate_required
from payments import selectors, services
from payments.models import Payment
from payments.providers import all_providers, enabled_providers, get_provider


def _queryable(order):
    """Attempts the candidate may ask about (我已支付，刷新状态): a gateway's, not yet settled."""
    providers = all_providers()
    return [
        payment for payment in order.payments.all()
        if payment.state in (*Payment.OPEN_STATES, Payment.State.CANCELED)
        and getattr(providers.get(payment.provider), "can_query", False)
    ]


def _provider_names():
    return {identifier: provider.verbose_name for identifier, provider in all_providers().items()}


@candidate_required
@require_GET
def order_list(request):
    return render(request, "payments/order_list.html", {
        "candidate": request.candidate,
        "orders": selectors.candidate_orders(request.candidate),
        "provider_names": _provider_names(),
    })


@candidate_required
@require_GET
def order_detail(request, number):
    order = selectors.get_candidate_order(candidate=request.candidate, number=number)
    return render(request, "payments/order_detail.html", {
        "candidate": request.candidate,
        "order": order,
        "can_refresh": order.is_payable and bool(_queryable(order)),
        "provider_names": _provider_names(),
    })


@candidate_required
@require_http_methods(["GET", "POST"])
def order_pay(request, number):
    """选择支付方式 → the provider's cashier (a redirect) or its page."""
    order = selectors.get_candidate_order(candidate=request.candidate, number=number)
    if not order.is_payable:
        messages.info(request, services.not_payable_reason(order).message)
        return redirect("order_detail", number=order.number)
    providers = enabled_providers()
    if request.method == "POST":
        chosen = {provider.identifier: provider for provider in providers}.get(request.POST.get("provider"))
        if chosen is None:
            messages.error(request, "请选择一种支付方式。")
        else:
            try:
                payment = services.start_payment(order=order, provider=chosen, actor=request.user)
            except services.PaymentError as error:
                messages.error(request, error.message)
                return redirect("order_detail", number=order.number)
            answer = chosen.start(payment, request)
            return redirect(answer) if isinstance(answer, str) else answer
    return render(request, "payments/order_pay.html", {
        "candidate": request.candidate, "order": order, "providers": providers,
    }, status=400 if request.method == "POST" else 200)


@candidate_required
@require_POST
def order_refresh(request, number):
    """我已支付，刷新状态: ask the gateway about each unsettled attempt of this order."""
    order = selectors.get_candidate_order(candidate=request.candidate, number=number)
    providers = all_providers()
    try:
        for payment in _queryable(order):
            providers[payment.provider].query(payment)
    except services.PaymentError as error:
        messages.error(request, error.message)
        return redirect("order_detail", number=order.number)
    order.refresh_from_db(fields=["status"])
    if order.status == order.Status.PAID:
        messages.success(request, f"订单 {order.number} 已支付。")
    else:
        messages.info(request, "暂未查询到付款。如已付款，请稍后再刷新；支付截止时间前未付款的订单将自动关闭。")
    return redirect("order_detail", number=order.number)


@csrf_exempt  # the gateway posts without a session; the provider verifies its signature
@require_POST
def payment_notify(request, provider):
    response = get_provider(provider).handle_notify(request)
    return response if response is not None else HttpResponse(status=204)


@require_http_methods(["GET", "POST"])
def payment_return(request, provider):
    return get_provider(provider).handle_return(request)
