"""支付宝 电脑网站支付 (alipay.trade.page.pay) with python-alipay-sdk, RSA2.

The SDK signs the page-pay URL and the trade query, and verifies the asynchronous notification and
the query's answer with Alipay's public key; this module checks what the signature cannot: that the
notification is for our app id, names a payment of ours, and carries exactly that payment's amount.
Gateways repeat notifications (Alipay up to eight times over about 25 hours), so every repeat ends
in the same ``success`` and changes nothing (payments.services.confirm_payment).
"""

import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from urllib.error import URLError

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from alipay.utils import AliPayConfig
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.models import Payment, format_yuan
from payments.providers import BasePaymentProvider

logger = logging.getLogger("payments.alipay")

PAID_STATUSES = {"TRADE_SUCCESS", "TRADE_FINISHED"}
GATEWAY_TIME = "%Y-%m-%d %H:%M:%S"  # Alipay's times are Beijing time


def _key(inline, path):
    if inline:
        return inline.replace("\\n", "\n")
    if path:
        return Path(path).read_text()
    return ""


def _fen(total_amount):
    """"35.00" → 3500; None if it is not an amount in yuan with at most two decimals."""
    try:
        value = Decimal(str(total_amount)) * 100
    except (InvalidOperation, TypeError):
        return None
    return int(value) if value == value.to_integral_value() and value >= 0 else None


def _gateway_time(text):
    try:
        return timezone.make_aware(datetime.strptime(text, GATEWAY_TIME))
    except (TypeError, ValueError):
        return None


def _absolute(request, path):
    base = settings.PAYMENTS_PUBLIC_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@lru_cache(maxsize=4)
def _client(app_id, private_key, public_key, gateway, timeout):
    """One SDK client per configuration: parsing the two RSA keys is most of a notification's cost.
    The client keeps no per-request state, so threads share it."""
    client = AliPay(appid=app_id, app_private_key_string=private_key, alipay_public_key_string=public_key,
                    sign_type="RSA2", config=AliPayConfig(timeout=timeout))
    # The SDK knows only the production and sandbox gateways (a debug flag); the gateway is a
    # setting so that operators can use the sandbox and tests a local stand-in.
    client._gateway = gateway
    return client


class AlipayProvider(BasePaymentProvider):
    identifier = "alipay"
    verbose_name = "支付宝"
    description = "跳转到支付宝收银台付款，付款后自动返回本平台。"
    can_query = True

    @property
    def is_enabled(self):
        return bool(
            settings.ALIPAY_APP_ID
            and (settings.ALIPAY_APP_PRIVATE_KEY or settings.ALIPAY_APP_PRIVATE_KEY_PATH)
            and (settings.ALIPAY_PUBLIC_KEY or settings.ALIPAY_PUBLIC_KEY_PATH)
        )

    def client(self):
        return _client(
            settings.ALIPAY_APP_ID,
            _key(settings.ALIPAY_APP_PRIVATE_KEY, settings.ALIPAY_APP_PRIVATE_KEY_PATH),
            _key(settings.ALIPAY_PUBLIC_KEY, settings.ALIPAY_PUBLIC_KEY_PATH),
            settings.ALIPAY_GATEWAY,
            settings.ALIPAY_TIMEOUT,
        )

    # ------------------------------------------------------------------ paying

    def start(self, payment, request):
        order = payment.order
        signed = self.client().api_alipay_trade_page_pay(
            subject=f"{order.title}（订单 {order.number}）"[:120],
            out_trade_no=payment.out_trade_no,
            total_amount=format_yuan(payment.amount_fen),
            return_url=_absolute(request, reverse("payment_return", args=[self.identifier])),
            notify_url=_absolute(request, reverse("payment_notify", args=[self.identifier])),
            # The cashier refuses to take money after the order's deadline.
            time_expire=f"{timezone.localtime(order.expires_at):{GATEWAY_TIME}}",
        )
        return f"{settings.ALIPAY_GATEWAY}?{signed}"

    def handle_return(self, request):
        """The candidate is back from the cashier: ask the gateway (the notification may lag)."""
        payment = Payment.objects.filter(
            out_trade_no=request.GET.get("out_trade_no", ""), provider=self.identifier,
            order__candidate__user_id=request.user.pk if request.user.is_authenticated else None,
        ).select_related("order").first()
        if payment is None:
            return redirect("order_list")
        try:
            payment = self.query(payment)
        except services.PaymentError as error:
            messages.warning(request, error.message)
        return redirect("order_detail", number=payment.order.number)

    # ------------------------------------------------------------------ notifications

    def handle_notify(self, request):
        data = request.POST.dict()
        signature = data.pop("sign", None)
        if not signature:
            logger.warning("alipay notification without a signature refused")
            return HttpResponse("fail", status=400, content_type="text/plain")
        try:
            verified = self.client().verify(dict(data), signature)  # removes sign_type, as Alipay's rules say
        except (AliPayException, ValueError, TypeError) as error:
            logger.warning("alipay notification refused: %s", error)
            verified = False
        if not verified:
            logger.warning("alipay notification with a bad signature refused (out_trade_no=%s)",
                           data.get("out_trade_no", "")[:64])
            return HttpResponse("fail", status=400, content_type="text/plain")
        payment = Payment.objects.filter(out_trade_no=data.get("out_trade_no", ""), provider=self.identifier).first()
        if payment is None:
            logger.warning("alipay notification for an unknown out_trade_no refused")
            return HttpResponse("fail", status=400, content_type="text/plain")
        refusal = self._mismatch(payment, data)
        if refusal:
            services.record_refused_notification(
                payment=payment, provider=self.identifier, reason=refusal,
                data={key: data.get(key, "") for key in ("app_id", "total_amount", "trade_no", "trade_status")},
            )
            return HttpResponse("fail", status=400, content_type="text/plain")
        if data.get("trade_status") in PAID_STATUSES:
            self._confirm(payment, data)
        return HttpResponse("success", content_type="text/plain")

    def _mismatch(self, payment, data):
        if data.get("app_id") != settings.ALIPAY_APP_ID:
            return f"app_id 不符：{data.get('app_id', '')[:32]}"
        if _fen(data.get("total_amount")) != payment.amount_fen:
            return f"金额不符：通知 {data.get('total_amount', '')[:16]} 元，应付 {format_yuan(payment.amount_fen)} 元"
        return ""

    def _confirm(self, payment, data):
        return services.confirm_payment(
            payment=payment, actor=None, actor_label=f"gateway:{self.identifier}", money_received=True,
            gateway_txn_id=data.get("trade_no", "")[:64], raw=data,
            paid_at=_gateway_time(data.get("gmt_payment") or data.get("send_pay_date")),
        )

    # ------------------------------------------------------------------ 我已支付，刷新状态

    def query(self, payment):
        try:
            answer = self.client().api_alipay_trade_query(out_trade_no=payment.out_trade_no)
        except AliPayValidationError:
            logger.error("alipay query answer for %s had a bad signature", payment.out_trade_no)
            raise services.PaymentError("暂时无法确认支付结果，请稍后再试。", code="query_unverified") from None
        except AliPayException as error:  # e.g. ACQ.TRADE_NOT_EXIST: the cashier was never paid
            logger.info("alipay query for %s: %s", payment.out_trade_no, error)
            return payment
        except (URLError, OSError) as error:
            logger.warning("alipay query for %s failed: %s", payment.out_trade_no, error)
            raise services.PaymentError("暂时无法连接支付宝查询支付结果，请稍后再试。", code="gateway_unreachable") from None
        if answer.get("code") != "10000" or answer.get("trade_status") not in PAID_STATUSES:
            return payment
        answer = {**answer, "app_id": settings.ALIPAY_APP_ID}  # the signature already binds the answer to our app
        refusal = self._mismatch(payment, answer) if answer.get("out_trade_no") == payment.out_trade_no \
            else "out_trade_no 不符"
        if refusal:
            services.record_refused_notification(payment=payment, provider=self.identifier, reason=refusal,
                                                 data={"total_amount": answer.get("total_amount", "")})
            raise services.PaymentError("支付结果与订单不符，请联系报名点核实。", code="query_mismatch")
        return self._confirm(payment, answer)
