"""免考申请 and 当次免考审核结果查询 for the signed-in candidate; certificate photos to those allowed."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from candidates.decorators import approved_candidate_required
from identity.intake import BoundedUploadHandler
from identity.storage import private_image_response
from records import exemption_selectors as selectors
from records import exemptions as services
from records.decorators import own_record_required
from records.exemption_forms import ExemptionForm
from records.exemptions import Answers
from zikao.views_helpers import domain_error_message

THUMBNAIL_SIDE = 480


def _refusal(request, error, status=200):
    return render(request, "records/exemption_refused.html", {
        "candidate": request.candidate, "error": error,
        "applications": selectors.candidate_applications(request.candidate),
    }, status=status)


@csrf_exempt
def apply(request):
    """免考申请: choose the basis (GET), fill in and upload (GET ?basis= / POST), then check answers."""
    if request.method == "POST":
        # Before anything reads the body (the CSRF check does): uploads bounded and in memory.
        request.upload_handlers = [BoundedUploadHandler(request)]
    return _apply(request)


@csrf_protect
@approved_candidate_required
def _apply(request):
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    candidate = request.candidate
    eligibility = services.check_eligibility(candidate=candidate)
    if eligibility.existing is not None:
        messages.info(request, eligibility.refusal.message)
        return redirect(services.RESULTS_URL)
    if not eligibility.allowed:
        return _refusal(request, eligibility.refusal)
    code = request.POST.get("basis") if request.method == "POST" else request.GET.get("basis")
    rule = selectors.get_active_rule(code) if code else None
    if rule is None:
        return render(request, "records/exemption_basis.html", {
            "candidate": candidate, "window": eligibility.window, "rules": selectors.active_rules(),
            "unknown": bool(code),
        }, status=400 if request.method == "POST" else 200)
    offered = services.offered_courses(candidate=candidate, rule=rule)
    form = ExemptionForm(request.POST or None, request.FILES or None, rule=rule, offered=offered)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = services.save_draft(candidate=candidate, photos=data["photos"], answers=Answers(
                rule=rule, certificate_number=data["certificate_number"], issuer=data["issuer"],
                issued_on=data["issued_on"], courses=form.claims(),
            ))
        except services.ExemptionError as error:
            form.add_error(None, error.message)
        else:
            return redirect("exemption_confirm", pk=draft.pk)
    return render(request, "records/exemption_form.html", {
        "candidate": candidate, "window": eligibility.window, "rule": rule, "form": form, "offered": offered,
    }, status=400 if request.method == "POST" else 200)


@approved_candidate_required
def confirm(request, pk):
    """Check answers (GET), then 确认提交 or 返回修改 (POST)."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    application = selectors.get_candidate_application(candidate=request.candidate, pk=pk, drafts=True)
    if application.status != application.Status.DRAFT:
        return redirect(services.RESULTS_URL)
    if request.method == "POST":
        if request.POST.get("action") == "edit":
            return redirect(f"{reverse('exemption_apply')}?basis={application.rule.code}")
        try:
            application, created = services.submit_exemption(candidate=request.candidate, draft=application)
        except services.ExemptionError as error:
            if error.application is not None:
                messages.info(request, error.message)
                return redirect(services.RESULTS_URL)
            return _refusal(request, error, status=409)
        if created:
            messages.success(request, f"免考申请已提交（{application.number}），请等待审核结果发布。")
        return redirect(services.RESULTS_URL)
    return render(request, "records/exemption_confirm.html", {
        "candidate": request.candidate, "application": application,
    })


@require_GET
@own_record_required
def results(request):
    """当次免考审核结果查询: per course, the result and reason once published."""
    applications = list(selectors.candidate_applications(request.candidate))
    return render(request, "records/exemption_results.html", {
        "candidate": request.candidate,
        "applications": [(a, services.can_withdraw(a)) for a in applications],
    })


@require_POST
@approved_candidate_required
def withdraw(request, pk):
    application = selectors.get_candidate_application(candidate=request.candidate, pk=pk)
    try:
        services.withdraw_exemption(candidate=request.candidate, application=application)
    except services.ExemptionError as error:
        domain_error_message(request, error)
    else:
        messages.success(request, f"免考申请 {application.number} 已撤销。在免考申请时间内您可以重新申请。")
    return redirect(services.RESULTS_URL)


@require_GET
@login_required
def photo(request, pk):
    """A certificate photo, to its candidate and to officers whose scope covers the application."""
    photo = selectors.get_photo_for_viewer(request.user, pk)
    return private_image_response(photo.file, filename=f"exemption-{photo.pk}.jpg",
                                  thumbnail=THUMBNAIL_SIDE if request.GET.get("size") == "thumb" else 0)
