"""Orders (订单), their lines and the payment attempts made for them.

An order pays for something another app owns (a registration, a graduation application). Payments
never imports that app: the order names it by ``purpose_type`` (the model's ``app_label.model``)
and ``purpose_id``, and the business reacts to ``payments.signals.order_paid`` / ``order_expired``.
Money is integer fen everywhere.
"""

from django.db import models
from django.utils import timezone

from candidates.models import Candidate
from zikao.models import officer_field


class Order(models.Model):
    class Kind(models.TextChoices):
        THEORY_REGISTRATION = "theory_registration", "理论课报名"
        PRACTICAL_REGISTRATION = "practical_registration", "实践性环节报名"
        GRADUATION = "graduation", "毕业申请费"

    class Status(models.TextChoices):
        PENDING = "pending", "待支付"
        PAID = "paid", "已支付"
        EXPIRED = "expired", "已关闭（逾期未支付）"
        CANCELED = "canceled", "已关闭（已取消）"
        # Reserved for a refund decided outside the portal (e.g. a sitting called off): paid is
        # otherwise final, and no service of this app leaves PAID.
        REFUNDED = "refunded", "已退款"

    # While an order is in one of these, its purpose cannot get another one.
    LIVE_STATUSES = (Status.PENDING, Status.PAID)
    CLOSED_STATUSES = (Status.EXPIRED, Status.CANCELED)

    number = models.CharField("订单号", max_length=20, unique=True)
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="orders", verbose_name="考生")
    kind = models.CharField("订单类型", max_length=30, choices=Kind.choices)
    title = models.CharField("订单内容", max_length=120, help_text="例如“2026年10月考次 理论课报名”")
    purpose_type = models.CharField("业务对象类型", max_length=80)
    purpose_id = models.CharField("业务对象编号", max_length=40)
    total_fen = models.PositiveIntegerField("金额（分）")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField("下单时间", default=timezone.now)
    expires_at = models.DateTimeField("支付截止时间", db_index=True)
    paid_at = models.DateTimeField("支付时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    paid_provider = models.CharField("支付渠道", max_length=30, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "订单"
        permissions = [("confirm_offline_payment", "确认线下缴费")]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose_type", "purpose_id"],
                condition=models.Q(status__in=["pending", "paid"]),
                name="one_live_order_per_purpose",
            ),
            models.CheckConstraint(condition=models.Q(total_fen__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(status="paid") | models.Q(paid_at__isnull=False), name="paid_order_has_paid_at"
            ),
        ]
        indexes = [models.Index(fields=["candidate", "-created_at"])]

    def __str__(self):
        return self.number

    @property
    def is_payable(self):
        return self.status == self.Status.PENDING

    @property
    def status_text(self):
        """What 订单查询 shows: 待支付 / 已支付 / 已关闭 (/ 已退款)."""
        if self.status in self.CLOSED_STATUSES:
            return "已关闭"
        return self.get_status_display()

    @property
    def total_yuan(self):
        return format_yuan(self.total_fen)

    def is_due(self, now):
        return self.status == self.Status.PENDING and self.expires_at <= now


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name="订单")
    position = models.PositiveSmallIntegerField("序号")
    description = models.CharField("项目", max_length=120)
    course_code = models.CharField("课程代码", max_length=10, blank=True)
    amount_fen = models.PositiveIntegerField("金额（分）")

    class Meta:
        ordering = ["order", "position"]
        verbose_name = verbose_name_plural = "订单明细"
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="one_line_per_position"),
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="order_line_amount_not_negative"),
        ]

    def __str__(self):
        return self.description

    @property
    def amount_yuan(self):
        return format_yuan(self.amount_fen)


class Payment(models.Model):
    """One attempt to pay an order through one provider (pretix's OrderPayment)."""

    class State(models.TextChoices):
        CREATED = "created", "待支付"
        PENDING = "pending", "支付中"
        CONFIRMED = "confirmed", "已支付"
        CANCELED = "canceled", "已取消"
        FAILED = "failed", "失败"
        # Money arrived for an order that was no longer payable (expired, canceled, or already
        # paid through another attempt): kept and shown in admin until it is refunded.
        REFUND_DUE = "refund_due", "已到账待退款"
        REFUNDED = "refunded", "已退款"

    OPEN_STATES = (State.CREATED, State.PENDING)
    MONEY_STATES = (State.CONFIRMED, State.REFUND_DUE, State.REFUNDED)

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments", verbose_name="订单")
    provider = models.CharField("支付渠道", max_length=30)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.CREATED, db_index=True)
    amount_fen = models.PositiveIntegerField("金额（分）")
    out_trade_no = models.CharField("商户订单号", max_length=64, unique=True)
    gateway_txn_id = models.CharField("渠道交易号", max_length=64, blank=True)
    raw_notify = models.JSONField("渠道通知", default=dict, blank=True)
    created_at = models.DateTimeField("发起时间", default=timezone.now)
    confirmed_at = models.DateTimeField("到账时间", null=True, blank=True)
    confirmed_by = officer_field("确认人")
    refund_reason = models.CharField("待退款原因", max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "支付记录"
        permissions = [("refund_payment", "标记到账款项已退款")]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(state="confirmed"), name="one_confirmed_payment_per_order"
            ),
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="payment_amount_not_negative"),
        ]

    def __str__(self):
        return self.out_trade_no

    @property
    def amount_yuan(self):
        return format_yuan(self.amount_fen)


class OrderNumberCounter(models.Model):
    """The last order sequence number of one (Asia/Shanghai) day; its row is locked while a number
    is taken, so two orders never share one."""

    day = models.DateField("日期", primary_key=True)
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "订单号计数"

    def __str__(self):
        return f"{self.day:%Y%m%d}: {self.last}"


def format_yuan(fen):
    """35 元 as "35.00": the string Alipay's total_amount uses and the pages show."""
    return f"{fen // 100}.{fen % 100:02d}"
