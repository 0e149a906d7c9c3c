"""当次成绩查询 and 成绩复核: the signed-in candidate's own scores, and their re-check requests."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from records import score_selectors, scores
from records.decorators import own_record_required


def _recheck(row):
    try:
        return row.recheck
    except scores.ScoreRecheck.DoesNotExist:
        return None


def _with_rechecks(rows):
    for row in rows:
        row.request = _recheck(row)
    return rows


def _publication(sitting):
    try:
        return sitting.score_publication
    except scores.ScorePublication.DoesNotExist:
        return None


@require_GET
@own_record_required
def current_scores(request):
    """The latest published sitting's scores; before a publication, when it will come."""
    now = timezone.now()
    state_copy, scores_copy = scores.page_copies(request.candidate)
    state = scores.publish_if_due(now, cached=state_copy)
    rows = _with_rechecks(score_selectors.latest_published_scores_copy(
        request.candidate, latest_publication=state["latest_publication"], cached=scores_copy))
    sitting = rows[0].sitting if rows else None
    upcoming = [u for u in state["upcoming"] if sitting is None or u.code > sitting.code]
    return render(request, "records/scores_current.html", {
        "candidate": request.candidate,
        "rows": rows,
        "sitting": sitting,
        "publication": _publication(sitting) if sitting else None,
        "upcoming": upcoming,
        "now": now,
        "recheck_open": sitting is not None and scores.recheck_open(sitting, now),
        "can_recheck": sitting is not None and scores.recheck_open(sitting, now)
        and any(row.request is None for row in rows),
    })


class RecheckForm(forms.Form):
    scores = forms.MultipleChoiceField(
        label="申请复核的课程", widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": "请至少勾选一门需要复核的课程。", "invalid_choice": "所选课程不能申请复核。"},
    )
    reason = forms.CharField(
        label="申请理由", max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="成绩复核只核查是否漏评、合分或登分是否有误（200字以内）。",
        error_messages={"required": "请填写申请复核的理由。", "max_length": "申请理由请控制在200字以内。"},
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scores"].choices = [
            (str(row.pk), f"{row.course.code} {row.course.name}（{row.result_text}）") for row in rows
        ]


@require_http_methods(["GET", "POST"])
@own_record_required
def recheck(request):
    """成绩复核: tick courses of the latest published sitting and give a reason."""
    now = timezone.now()
    rows = _with_rechecks(score_selectors.latest_published_scores(request.candidate))
    sitting = rows[0].sitting if rows else None
    if sitting is None or not scores.recheck_open(sitting, now):
        messages.error(request, "当前没有可以申请复核的成绩（成绩未发布或已过复核截止日期）。")
        return redirect("current_scores")
    open_rows = [row for row in rows if row.request is None]
    if not open_rows:
        messages.info(request, "本考次的课程都已申请过复核。")
        return redirect("current_scores")
    form = RecheckForm(request.POST or None, rows=open_rows)
    if request.method == "POST":
        chosen = score_selectors.own_scores(request.candidate, _ids(request.POST.getlist("scores")))
        if form.is_valid():
            try:
                made = scores.submit_rechecks(
                    candidate=request.candidate, scores=chosen, reason=form.cleaned_data["reason"], now=now,
                )
            except scores.ScoreError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"已提交 {len(made)} 门课程的成绩复核申请，县区招考办复核后会通知您。")
                return redirect("current_scores")
    return render(request, "records/scores_recheck.html", {
        "candidate": request.candidate, "sitting": sitting, "form": form, "rows": rows,
    })


def _ids(values):
    """Primary keys from the form; anything that is not one names no score of this candidate."""
    try:
        return [int(value) for value in values]
    except ValueError:
        raise Http404("没有这条成绩。") from None
