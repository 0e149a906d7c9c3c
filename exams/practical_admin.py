"""主考院校 staff's queue of 实践性环节报名: scoped to their institution, decisions through
exams.practical (row lock, audit, message to the candidate), a confirmation page before each."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import path, reverse

from candidates.admin_columns import CandidateColumnsMixin
from exams import practical, practical_selectors
from exams.practical_models import PracticalFee, PracticalRegistration
from zikao.admin import ReadOnlyAdmin
from zikao.timefmt import local_short
from zikao.views_helpers import history_table
from zikao.workbench import Decision, Queue, WorkbenchMixin

Status = PracticalRegistration.Status



class OnsiteForm(forms.Form):
    remark = forms.CharField(
        label="需现场确认的原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="考生会在个人中心看到该原因（200字以内）。",
        error_messages={"required": "请填写需现场确认的原因。"},
    )


class VoidForm(forms.Form):
    remark = forms.CharField(
        label="无效原因", max_length=200, required=False, initial="未到主考院校现场确认",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


PRACTICAL_QUEUE = Queue(
    key="practical_review",
    label="实践性环节报名确认",
    open_q=Q(status__in=[Status.SUBMITTED, Status.ONSITE], paid_at__isnull=False),
    waiting_for=practical_selectors.awaiting_decision_q,
    since="paid_at",
    city="candidate__county__city",
    overdue_days=5,
    refusal_presets=("系统判定不符合报考条件，请携带身份证和成绩单到院校现场确认", "报考专业与所选课程不符"),
    export_columns=(
        ("报名号", lambda r: r.number),
        ("姓名", lambda r: r.candidate.name),
        ("证件号码", lambda r: r.candidate.masked_id_number),
        ("准考证号", lambda r: r.candidate.ticket_number),
        ("专业", lambda r: str(r.major)),
        ("课程", lambda r: "、".join(str(item.course) for item in r.items.all())),
        ("收件人", lambda r: r.recipient),
        ("邮寄地址", lambda r: r.address),
        ("联系电话", lambda r: r.phone),
        ("状态", lambda r: r.state_text),
        ("缴费时间", lambda r: local_short(r.paid_at)),
    ),
)


class StatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(PracticalRegistration)
class PracticalRegistrationAdmin(CandidateColumnsMixin, WorkbenchMixin, ReadOnlyAdmin):
    queue = PRACTICAL_QUEUE
    decision_template = "exams/practical/admin/decision.html"
    decision_object_name = "registration"
    decision_errors = (practical.PracticalError,)
    list_display = ["number", "candidate_name", "ticket_number", "major", "course_list", "state_text", "paid_at"]
    list_filter = [StatusFilter, ("window", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=candidate__ticket_number", "candidate__name"]
    list_select_related = ["candidate", "major", "institution"]
    list_per_page = 50
    fieldsets = [
        ("报名", {"fields": ["number", "window", "institution", "major", "courses", "total_yuan", "state_text",
                           "submitted_at", "paid_at"]}),
        ("考生", {"fields": ["candidate_name", "masked_id_number", "ticket_number"]}),
        ("邮寄信息", {"fields": ["recipient", "address", "phone"]}),
        ("院校确认", {"fields": ["decided_by", "decided_at", "history"]}),
    ]
    readonly_fields = [
        "number", "window", "institution", "major", "courses", "total_yuan", "state_text", "submitted_at", "paid_at",
        "candidate_name", "masked_id_number", "ticket_number", "recipient", "address", "phone", "decided_by",
        "decided_at", "history",
    ]

    def get_queryset(self, request):
        return practical_selectors.officer_registrations(request.user).prefetch_related("items__course")

    @admin.display(description="报名号", ordering="pk")
    def number(self, obj):
        return obj.number

    @admin.display(description="课程")
    def course_list(self, obj):
        return "、".join(str(item.course) for item in obj.items.all())

    @admin.display(description="课程")
    def courses(self, obj):
        return self.course_list(obj)

    @admin.display(description="金额")
    def total_yuan(self, obj):
        return f"{obj.total_fen / 100:.2f} 元"

    @admin.display(description="状态", ordering="status")
    def state_text(self, obj):
        return obj.state_text

    @admin.display(description="处理记录")
    def history(self, obj):
        return history_table(obj, Status.choices)

    # ------------------------------------------------------------------ decisions

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/accept/", wrap(self.accept_view), name="practical_accept"),
            path("<int:pk>/onsite/", wrap(self.onsite_view), name="practical_onsite"),
            path("<int:pk>/void/", wrap(self.void_view), name="practical_void"),
        ] + super().get_urls()

    def workbench_decisions(self, request, obj):
        if not practical.can_decide(request.user, obj) or obj.paid_at is None:
            return []
        decisions = []
        if obj.status in (Status.SUBMITTED, Status.ONSITE):
            decisions.append(Decision("院校确认", reverse("admin:practical_accept", args=[obj.pk])))
        if obj.status == Status.SUBMITTED:
            decisions.append(Decision(
                "需现场确认", reverse("admin:practical_onsite", args=[obj.pk]), form=OnsiteForm(), refuse=True,
                presets=self.queue.refusal_presets, preset_field="remark",
                note="考生须携带身份证到院校现场确认，未确认的报名无效。",
            ))
        if obj.status == Status.ONSITE:
            decisions.append(Decision(
                "未现场确认，报名无效", reverse("admin:practical_void", args=[obj.pk]), form=VoidForm(), refuse=True,
            ))
        return decisions

    def _registration(self, request, pk):
        if not request.user.has_perm("exams.decide_practical"):
            raise PermissionDenied
        registration = practical_selectors.officer_registrations(request.user).filter(pk=pk).first()
        if registration is None:
            raise Http404("没有这份实践性环节报名。")
        return registration

    def accept_view(self, request, pk):
        registration = self._registration(request, pk)
        if request.method == "POST":
            return self.workbench_finish(
                request, registration,
                lambda: practical.accept_practical(officer=request.user, registration=registration),
                f"已确认 {registration.number}。",
            )
        return self.decision_page(request, registration, title=f"院校确认：{registration.number}", button="确认报名")

    def onsite_view(self, request, pk):
        registration = self._registration(request, pk)
        form = OnsiteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self.workbench_finish(
                request, registration,
                lambda: practical.require_onsite(
                    officer=request.user, registration=registration, remark=form.cleaned_data["remark"]
                ),
                f"已将 {registration.number} 标记为待线下确认，考生将收到通知。",
            )
        return self.decision_page(
            request, registration, title=f"需现场确认：{registration.number}", button="确认需现场确认", form=form,
            danger=True, note="考生须携带身份证到院校现场确认，未确认的报名无效。",
        )

    def void_view(self, request, pk):
        registration = self._registration(request, pk)
        form = VoidForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self.workbench_finish(
                request, registration,
                lambda: practical.void_practical(
                    officer=request.user, registration=registration, remark=form.cleaned_data["remark"]
                ),
                f"{registration.number} 已标记为无效。",
            )
        return self.decision_page(
            request, registration, title=f"报名无效：{registration.number}", button="确认报名无效", form=form,
            danger=True,
        )


@admin.register(PracticalFee)
class PracticalFeeAdmin(admin.ModelAdmin):
    """Each 主考院校 sets its own fee; the province may set any."""

    list_display = ["institution", "fee_yuan"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(
            practical_selectors.fee_scope_q(request.user)
        ).select_related("institution")

    @admin.display(description="每门收费")
    def fee_yuan(self, obj):
        return f"{obj.fee_fen / 100:.2f} 元"

    def get_readonly_fields(self, request, obj=None):
        return ["institution"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        practical.save_fee(officer=request.user, fee=obj, before_fen=form.initial.get("fee_fen") if change else None)
