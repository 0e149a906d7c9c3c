from django.conf import settings
from django.db import models
from django.utils import timezone


def officer_field(verbose_name):
    """The account that did something to a row (decided, confirmed, published): optional, kept
    while the row exists (PROTECT), with no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=verbose_name,
    )


class City(models.Model):
    code = models.CharField("代码", max_length=4, primary_key=True)
    name = models.CharField("地市", max_length=20)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "地市"

    def __str__(self):
        return self.name


class County(models.Model):
    code = models.CharField("代码", max_length=6, primary_key=True)
    name = models.CharField("区县", max_length=20)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="counties", verbose_name="地市")

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "区县"

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.city.name}{self.name}"


class RegistrationPoint(models.Model):
    """The county enrollment office where candidates register and verify in person."""

    county = models.OneToOneField(
        County, on_delete=models.PROTECT, related_name="registration_point", verbose_name="区县"
    )
    name = models.CharField("报名点名称", max_length=60)
    address = models.CharField("地址", max_length=200)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    office_hours = models.CharField("办公时间", max_length=100)

    class Meta:
        ordering = ["county__code"]
        verbose_name = verbose_name_plural = "报名点"

    def __str__(self):
        return self.name


class NoticeQuerySet(models.QuerySet):
    def published(self, now=None):
        return self.filter(published_at__lte=now or timezone.now())


class Notice(models.Model):
    class Category(models.TextChoices):
        IMPORTANT = "important", "重要提示"
        NEWS = "news", "自考资讯"
        GUIDE = "guide", "报考简章"
        POLICY = "policy", "政策规定"
        FORMS = "forms", "表格下载"
        PLAN = "plan", "专业计划"
        SCHEDULE = "schedule", "课程考试安排"
        TEXTBOOK = "textbook", "课程教材"

    category = models.CharField("栏目", max_length=20, choices=Category.choices, db_index=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True, help_text="可使用段落、加粗、列表、表格和链接；脚本等不安全内容会被自动去除。")
    attachment = models.FileField("附件", upload_to="notices/%Y/", blank=True)
    published_at = models.DateTimeField("发布时间", default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        verbose_name="发布人",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = verbose_name_plural = "公告"

    def __str__(self):
        return self.title


class BusinessWindow(models.Model):
    """A period during which candidates may use one business (转考申请, 报名 …)."""

    class State(models.TextChoices):
        UPCOMING = "upcoming", "未开始"
        OPEN = "open", "进行中"
        CLOSED = "closed", "已结束"

    class Kind(models.TextChoices):
        THEORY_REGISTRATION = "theory_registration", "理论课报名"
        IN_PROVINCE_TRANSFER = "in_province_transfer", "省内转考申请"
        INTER_PROVINCE_TRANSFER_OUT = "inter_province_transfer_out", "省际转出申请"
        EXEMPTION = "exemption", "免考申请"
        PRACTICAL_REGISTRATION = "practical_registration", "实践性环节报名"
        GRADUATION = "graduation", "毕业申请"

    kind = models.CharField("业务", max_length=40, choices=Kind.choices, db_index=True)
    title = models.CharField("名称", max_length=100)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("结束时间")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = verbose_name_plural = "业务时间窗口"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="window_closes_after_opening"
            ),
        ]
        indexes = [models.Index(fields=["kind", "opens_at", "closes_at"])]

    def __str__(self):
        return self.title

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def state(self, now=None):
        now = now or timezone.now()
        if now < self.opens_at:
            return self.State.UPCOMING
        if now < self.closes_at:
            return self.State.OPEN
        return self.State.CLOSED


class BlockGeneration(models.Model):
    """The current token of one kind of cached page block (zikao.blocks).

    In the database, not the cache: every server process and every command sees the
    same row whatever the cache backend, the per-process memory of the embedded
    default included.
    """

    name = models.CharField(max_length=40, primary_key=True)
    token = models.UUIDField()
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "页面区块版本"

    def __str__(self):
        return self.name


class AuditEvent(models.Model):
    """Who did what to which object, from which state to which, and why. Never deleted."""

    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = officer_field("操作人")
    actor_label = models.CharField("操作人标识", max_length=150, blank=True)
    # One of zikao.audit.AuditAction; not a field choice, so that a new action needs no migration.
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, db_index=True)
    object_id = models.CharField("对象", max_length=64, db_index=True)
    from_state = models.CharField("原状态", max_length=40, blank=True)
    to_state = models.CharField("新状态", max_length=40, blank=True)
    reason = models.TextField("原因/备注", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "操作记录"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.action_label} {self.object_type}#{self.object_id}"

    @property
    def action_label(self):
        from zikao.audit import action_label  # zikao.audit imports this module

        return action_label(self.action)


class CaseClaim(models.Model):
    """由我处理: one officer holds one case of a queue for a while (zikao.workbench).

    One row per case: the unique constraint is what makes two officers claiming at
    the same instant end with one holder. A claim older than WORKBENCH_CLAIM_MINUTES
    has lapsed and may be taken over without asking.
    """

    queue = models.CharField("队列", max_length=40)
    object_id = models.PositiveBigIntegerField("案件")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="处理人"
    )
    claimed_at = models.DateTimeField("认领时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "案件认领"
        constraints = [models.UniqueConstraint(fields=["queue", "object_id"], name="one_claim_per_case")]

    def __str__(self):
        return f"{self.queue}#{self.object_id} → {self.holder_id}"
