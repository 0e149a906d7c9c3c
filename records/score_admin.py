"""Scores and 成绩复核 in admin: officers read the scores of their scope; county offices answer the
re-check requests of their county through the workbench (records.scores does every change)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import path, reverse

from candidates.admin_columns import CandidateColumnsMixin
from records import score_selectors, scores
from records.score_models import Score, ScorePublication, ScoreRecheck
from zikao.admin import ReadOnlyAdmin
from zikao.timefmt import local_short
from zikao.views_helpers import history_table
from zikao.workbench import Decision, Queue, WorkbenchMixin

Status = ScoreRecheck.Status
KEEP_PRESETS = ("经复核，试卷无漏评，合分、登分无误，维持原成绩", "经复核，答题卡信息与考生本人一致，维持原成绩")



class KeepForm(forms.Form):
    remark = forms.CharField(
        label="复核说明", max_length=200, required=False, initial=KEEP_PRESETS[0],
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), help_text="考生会在成绩查询页和个人中心看到（200字以内）。",
    )


class CorrectForm(forms.Form):
    corrected_score = forms.DecimalField(
        label="更正后成绩", min_value=0, max_value=100, decimal_places=1, max_digits=4,
        error_messages={"required": "请填写更正后的成绩。", "invalid": "成绩应为0到100之间的数字。",
                        "min_value": "成绩应在0到100之间。", "max_value": "成绩应在0到100之间。"},
    )
    remark = forms.CharField(
        label="复核说明", max_length=200, required=False, initial="经复核，合分有误，已更正",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


RECHECK_QUEUE = Queue(
    key="score_recheck",
    label="成绩复核",
    open_q=Q(status=Status.PENDING),
    waiting_for=score_selectors.awaiting_decision_q,
    since="submitted_at",
    city="candidate__county__city",
    overdue_days=3,
    refusal_presets=KEEP_PRESETS,
    export_columns=(
        ("姓名", lambda r: r.candidate.name),
        ("证件号码", lambda r: r.candidate.masked_id_number),
        ("准考证号", lambda r: r.candidate.ticket_number),
        ("考次", lambda r: r.score.sitting.code),
        ("课程", lambda r: str(r.score.course)),
        ("原成绩", lambda r: r.original_text),
        ("申请理由", lambda r: r.reason),
        ("状态", lambda r: r.outcome_text),
        ("申请时间", lambda r: local_short(r.submitted_at)),
    ),
)


@admin.register(ScoreRecheck)
class ScoreRecheckAdmin(CandidateColumnsMixin, WorkbenchMixin, ReadOnlyAdmin):
    queue = RECHECK_QUEUE
    decision_template = "records/admin/scores_recheck_decision.html"
    decision_object_name = "recheck"
    decision_errors = (scores.ScoreError,)
    list_display = ["candidate_name", "ticket_number", "sitting", "course", "original_text", "status_text",
                    "submitted_at"]
    list_filter = ["status", ("score__sitting", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=candidate__ticket_number", "candidate__name", "score__course__code"]
    list_per_page = 50
    fieldsets = [
        ("申请", {"fields": ["candidate_name", "masked_id_number", "ticket_number", "sitting", "course",
                           "original_text", "reason", "submitted_at"]}),
        ("复核结果", {"fields": ["status_text", "remark", "decided_by", "decided_at", "history"]}),
    ]
    readonly_fields = ["candidate_name", "masked_id_number", "ticket_number", "sitting", "course", "original_text",
                       "reason", "submitted_at", "status_text", "remark", "decided_by", "decided_at", "history"]

    def get_queryset(self, request):
        return score_selectors.officer_rechecks(request.user)

    @admin.display(description="考次")
    def sitting(self, obj):
        return obj.score.sitting.label

    @admin.display(description="课程")
    def course(self, obj):
        return str(obj.score.course)

    @admin.display(description="原成绩")
    def original_text(self, obj):
        return obj.original_text

    @admin.display(description="状态", ordering="status")
    def status_text(self, obj):
        return obj.outcome_text

    @admin.display(description="处理记录")
    def history(self, obj):
        return history_table(obj, Status.choices, reason_label="说明")

    # ------------------------------------------------------------------ decisions

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/keep/", wrap(self.keep_view), name="score_recheck_keep"),
            path("<int:pk>/correct/", wrap(self.correct_view), name="score_recheck_correct"),
        ] + super().get_urls()

    def workbench_decisions(self, request, obj):
        if not scores.can_decide(request.user, obj):
            return []
        return [
            Decision("更正成绩", reverse("admin:score_recheck_correct", args=[obj.pk]), form=CorrectForm(),
                     note="更正后的成绩立即对考生可见；达到60分的课程记入合格成绩。"),
            Decision("维持原成绩", reverse("admin:score_recheck_keep", args=[obj.pk]), form=KeepForm(), refuse=True,
                     presets=KEEP_PRESETS, preset_field="remark"),
        ]

    def _recheck(self, request, pk):
        if not request.user.has_perm("records.decide_scorerecheck"):
            raise PermissionDenied
        recheck = score_selectors.officer_rechecks(request.user).filter(pk=pk).first()
        if recheck is None:
            raise Http404("没有这份成绩复核申请。")
        return recheck

    def keep_view(self, request, pk):
        recheck = self._recheck(request, pk)
        form = KeepForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self.workbench_finish(
                request, recheck,
                lambda: scores.keep_score(officer=request.user, recheck=recheck, remark=form.cleaned_data["remark"]),
                f"已答复：{recheck.candidate.name} {recheck.score.course.code} 维持原成绩。",
            )
        return self.decision_page(request, recheck, title="成绩复核：维持原成绩", button="确认维持原成绩", form=form,
                             danger=True)

    def correct_view(self, request, pk):
        recheck = self._recheck(request, pk)
        form = CorrectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self.workbench_finish(
                request, recheck,
                lambda: scores.correct_score(
                    officer=request.user, recheck=recheck, corrected_score=form.cleaned_data["corrected_score"],
                    remark=form.cleaned_data["remark"],
                ),
                f"已更正：{recheck.candidate.name} {recheck.score.course.code} 成绩为 "
                f"{form.cleaned_data['corrected_score'].normalize():f}。",
            )
        return self.decision_page(request, recheck, title="成绩复核：更正成绩", button="确认更正", form=form)


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    """Scores of the candidates in the officer's scope, published or not (read only)."""

    list_display = ["ticket_number", "candidate_name", "sitting", "course", "result_text", "published"]
    list_filter = ["sitting", "published", "mark"]
    search_fields = ["=candidate__ticket_number", "course__code"]
    list_per_page = 100

    def get_queryset(self, request):
        return score_selectors.officer_scores(request.user)

    @admin.display(description="准考证号", ordering="candidate__ticket_number")
    def ticket_number(self, obj):
        return obj.candidate.ticket_number

    @admin.display(description="姓名")
    def candidate_name(self, obj):
        return obj.candidate.name

    @admin.display(description="成绩")
    def result_text(self, obj):
        return obj.result_text


@admin.register(ScorePublication)
class ScorePublicationAdmin(ReadOnlyAdmin):
    list_display = ["sitting", "published_at", "published_by_label", "score_count", "passed_count"]
