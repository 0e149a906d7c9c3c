"""Orders and payments in admin, scoped to the officer's county / city / province.

Officers change nothing by editing: 确认线下收款 is a button with a confirmation page that calls
payments.services.confirm_offline_payment (which checks the scope again). Money that arrived for
a closed or already paid order (已到账待退款) is listed under its own filter.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from candidates.scopes import county_scope_q, covers_county
from payments import selectors, services
from payments.models import Order, OrderLine, Payment
from payments.providers import all_providers
from zikao.admin import ReadOnlyAdmin


def _provider_name(identifier):
    provider = all_providers().get(identifier)
    return provider.verbose_name if provider else identifier or "—"


class RefundDueFilter(admin.SimpleListFilter):
    title = "到账待退款"
    parameter_name = "refund_due"

    def lookups(self, request, model_admin):
        return [("yes", "有到账待退款的支付")]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return queryset.filter(Exists(Payment.objects.filter(order=OuterRef("pk"), state=Payment.State.REFUND_DUE)))


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["position", "description", "course_code", "amount_fen"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    fields = ["out_trade_no", "provider_name", "state", "amount_fen", "created_at", "confirmed_at",
              "confirmed_by", "gateway_txn_id", "refund_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="支付渠道")
    def provider_name(self, obj):
        return _provider_name(obj.provider)


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "candidate_name", "ticket_number", "county", "title", "total_yuan_text", "status",
                    "provider_name", "paid_at", "refund_due"]
    list_filter = ["status", "kind", RefundDueFilter, "paid_provider"]
    search_fields = ["=number", "=candidate__ticket_number", "candidate__name"]
    list_select_related = ["candidate__county__city"]
    date_hierarchy = "created_at"
    list_per_page = 50
    inlines = [OrderLineInline, PaymentInline]
    change_form_template = "payments/admin/order_change_form.html"
    fields = ["number", "candidate_name", "masked_id_number", "ticket_number", "county", "kind", "title",
              "purpose_type", "purpose_id", "total_yuan_text", "status", "created_at", "expires_at", "paid_at",
              "provider_name", "closed_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(selectors.officer_orders_q(request.user)).annotate(
            has_refund_due=Exists(Payment.objects.filter(order=OuterRef("pk"), state=Payment.State.REFUND_DUE))
        )

    @admin.display(description="姓名", ordering="candidate__name")
    def candidate_name(self, obj):
        return obj.candidate.name

    @admin.display(description="证件号码")
    def masked_id_number(self, obj):
        return obj.candidate.masked_id_number

    @admin.display(description="准考证号")
    def ticket_number(self, obj):
        return obj.candidate.ticket_number or "—"

    @admin.display(description="报名区县")
    def county(self, obj):
        return obj.candidate.county.full_name

    @admin.display(description="金额（元）", ordering="total_fen")
    def total_yuan_text(self, obj):
        return obj.total_yuan

    @admin.display(description="支付渠道")
    def provider_name(self, obj):
        return _provider_name(obj.paid_provider)

    @admin.display(description="到账待退款", boolean=True)
    def refund_due(self, obj):
        return getattr(obj, "has_refund_due", False)

    # ------------------------------------------------------------------ 确认线下收款

    def get_urls(self):
        return [
            path("<int:pk>/confirm-offline/", self.admin_site.admin_view(self.confirm_offline_view),
                 name="payments_confirm_offline"),
        ] + super().get_urls()

    def _may_confirm(self, user, order):
        return (order.is_payable and user.has_perm("payments.confirm_offline_payment")
                and covers_county(user, order.candidate.county))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        order = self.get_object(request, object_id)
        if order is not None:
            order = services.expire_order_if_due(order)
            if self._may_confirm(request.user, order):
                extra_context["confirm_offline_url"] = reverse("admin:payments_confirm_offline", args=[order.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def confirm_offline_view(self, request, pk):
        if not request.user.has_perm("payments.confirm_offline_payment"):
            raise PermissionDenied
        order = get_object_or_404(self.get_queryset(request).select_related("candidate__county"), pk=pk)
        change_url = reverse("admin:payments_order_change", args=[order.pk])
        if request.method == "POST":
            try:
                services.confirm_offline_payment(order=order, officer=request.user)
            except services.PaymentError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, f"已确认订单 {order.number} 线下收款 {order.total_yuan} 元。", messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        order = services.expire_order_if_due(order)
        return TemplateResponse(request, "payments/admin/confirm_offline.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"确认线下收款：{order.number}",
            "order": order,
            "change_url": change_url,
            "now": timezone.now(),
        })


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["out_trade_no", "order_link", "candidate_name", "provider_name", "state", "amount_fen",
                    "created_at", "confirmed_at", "refund_reason"]
    list_filter = ["state", "provider"]
    search_fields = ["=out_trade_no", "=order__number", "=gateway_txn_id"]
    list_select_related = ["order__candidate"]
    list_per_page = 50
    fields = ["out_trade_no", "order_link", "provider_name", "state", "amount_fen", "created_at", "confirmed_at",
              "confirmed_by", "gateway_txn_id", "refund_reason", "raw_notify"]
    readonly_fields = fields
    change_form_template = "payments/admin/payment_change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(county_scope_q(request.user, "order__candidate__county"))

    def get_urls(self):
        return [
            path("<int:pk>/refunded/", self.admin_site.admin_view(self.refunded_view), name="payments_mark_refunded"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        payment = self.get_object(request, object_id)
        if payment is not None and payment.state == Payment.State.REFUND_DUE and \
                request.user.has_perm("payments.refund_payment"):
            extra_context["refunded_url"] = reverse("admin:payments_mark_refunded", args=[payment.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def refunded_view(self, request, pk):
        if not request.user.has_perm("payments.refund_payment"):
            raise PermissionDenied
        payment = get_object_or_404(self.get_queryset(request).select_related("order__candidate"), pk=pk)
        change_url = reverse("admin:payments_payment_change", args=[payment.pk])
        if request.method == "POST":
            try:
                services.mark_payment_refunded(payment=payment, officer=request.user,
                                               reason=request.POST.get("reason", "")[:200])
            except services.PaymentError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, f"已标记 {payment.out_trade_no} 的 {payment.amount_yuan} 元已退款。",
                                  messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return TemplateResponse(request, "payments/admin/mark_refunded.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"标记已退款：{payment.out_trade_no}",
            "payment": payment,
            "change_url": change_url,
        })

    @admin.display(description="订单")
    def order_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:payments_order_change", args=[obj.order_id]),
                           obj.order.number)

    @admin.display(description="考生")
    def candidate_name(self, obj):
        return obj.order.candidate.name

    @admin.display(description="支付渠道")
    def provider_name(self, obj):
        return _provider_name(obj.provider)
