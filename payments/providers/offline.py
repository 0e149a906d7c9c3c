"""线下缴费: the candidate prints the order and pays at their county office; an officer of that
county confirms the receipt in admin (payments.admin, payments.services.confirm_offline_payment).
"""

from django.shortcuts import render

from payments.providers import BasePaymentProvider


class OfflineProvider(BasePaymentProvider):
    identifier = "offline"
    verbose_name = "线下缴费"
    description = "打印订单，在支付截止时间前到报名区县招考办缴费，工作人员确认后订单显示为已支付。"
    initial_state = "pending"

    def start(self, payment, request):
        return render(request, "payments/offline_pay.html", {"payment": payment, "order": payment.order})
