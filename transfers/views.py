"""Candidate pages of the in-province transfer: apply, check answers, details, withdraw, PDF."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from candidates.decorators import approved_candidate_required, candidate_required
from transfers import pdf, selectors, services
from transfers.forms import TransferForm
from zikao.errors import DomainError
from zikao.views_helpers import domain_error_message

HISTORY_LENGTH = 10


def _details(application):
    return redirect("transfer_detail", number=application.number)


@approved_candidate_required
@require_http_methods(["GET", "POST"])
def apply(request):
    """省内转考申请信息填报 → 确认 → 提交, without JavaScript: the form (GET), then two plain POSTs
    that the button names: 提交申请 shows the answers to check (or 返回修改 the form again),
    确认无误，提交申请 submits."""
    if request.method == "GET":
        return _form_step(request)
    form = TransferForm(request.POST, candidate=request.candidate)
    action = request.POST.get("action", "review")
    if action == "confirm" and form.is_valid():
        return _submit(request, form)
    return _answers_step(request, form, edit=action == "edit")


def _form_step(request):
    """The empty form, or why the candidate cannot apply, or their application if they have one."""
    eligibility = services.check_eligibility(candidate=request.candidate)
    if eligibility.existing is not None:
        return _details(eligibility.existing)
    if not eligibility.allowed:
        return _refusal(request, eligibility.refusal)
    form = TransferForm(
        candidate=request.candidate, initial={"token": services.new_form_token(), "window": eligibility.window.pk},
    )
    return _form_page(request, form, eligibility)


def _answers_step(request, form, *, edit):
    """A posted form not yet submitted: the answers to check, the form again, or why not."""
    eligibility = services.check_eligibility(candidate=request.candidate)
    if eligibility.existing is not None:
        if request.POST.get("token") != str(eligibility.existing.idempotency_token):
            # Another tab or an old form; a re-post of the same form just lands on its application.
            messages.info(request, eligibility.refusal.message)
        return _details(eligibility.existing)
    if not form.is_valid():
        if form.has_error("token") or form.has_error("window"):
            messages.error(request, "申请表已失效，请重新填写。")
            return redirect("transfer_apply")
        return _form_page(request, form, eligibility, status=400)
    if edit:  # 返回修改: the same form again, the chosen city kept
        return _form_page(request, form, eligibility)
    if not eligibility.allowed:
        return _refusal(request, eligibility.refusal)
    return render(request, "transfers/confirm.html", {
        "candidate": request.candidate, "form": form, "to_city": form.cleaned_data["to_city"],
        "window": eligibility.window,
    })


def _submit(request, form):
    """确认无误，提交申请 with a valid form: the application, or why not.

    The service checks eligibility itself, under the candidate's row lock: it is the one
    authority, and the view does not ask it first.
    """
    try:
        application, created = services.submit_transfer(
            candidate=request.candidate,
            to_city=form.cleaned_data["to_city"],
            token=form.cleaned_data["token"],
            window_id=form.cleaned_data["window"],
        )
    except services.TransferError as error:
        if error.application is not None:
            messages.info(request, error.message)
            return _details(error.application)
        return _refusal(request, error, status=409)
    if created:
        messages.success(request, f"省内转考申请已提交，申请编号 {application.number}。请留意审核结果。")
    return _details(application)


def _form_page(request, form, eligibility, status=200):
    return render(
        request, "transfers/apply.html",
        {
            "candidate": request.candidate, "form": form, "window": eligibility.window,
            "applications": selectors.candidate_applications(request.candidate)[:HISTORY_LENGTH],
        },
        status=status,
    )


def _refusal(request, error, status=200):
    return render(
        request, "transfers/refused.html",
        {
            "candidate": request.candidate, "error": error,
            "applications": selectors.candidate_applications(request.candidate)[:HISTORY_LENGTH],
        },
        status=status,
    )


@candidate_required
@require_http_methods(["GET"])
def detail(request, number):
    application = selectors.get_candidate_application(candidate=request.candidate, number=number)
    return render(request, "transfers/detail.html", {
        "candidate": request.candidate,
        "application": application,
        "can_withdraw": services.can_withdraw(application),
    })


@candidate_required
@require_http_methods(["GET", "POST"])
def withdraw(request, number):
    """撤销申请: GET asks for confirmation, POST withdraws."""
    application = selectors.get_candidate_application(candidate=request.candidate, number=number)
    if request.method == "POST":
        try:
            services.withdraw_transfer(candidate=request.candidate, application=application)
        except DomainError as error:
            domain_error_message(request, error)
        else:
            messages.success(request, f"申请 {application.number} 已撤销。在转考时间内您可以重新申请。")
        return _details(application)
    if not services.can_withdraw(application):
        messages.error(request, "该申请已不能撤销。只有待原属地市审核、且在转考时间内的申请可以撤销。")
        return _details(application)
    return render(request, "transfers/withdraw.html", {"candidate": request.candidate, "application": application})


@candidate_required
@require_http_methods(["GET"])
def application_pdf(request, number):
    application = selectors.get_candidate_application(candidate=request.candidate, number=number)
    body = pdf.render_application_pdf(application, printed_at=timezone.now())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = pdf.content_disposition(application)
    return response
