"""Candidate pages of 省际转出: apply, the application (download the 转出登记表, 网上确认 with the
photo of the signed form, correct after a return), the PDF and the signed photo (own only)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.decorators import approved_candidate_required, candidate_required
from identity.intake import MAX_BYTES, BoundedUploadHandler
from identity.storage import private_image_response
from transfers import out, out_pdf, out_selectors
from transfers.out_forms import SignedFormPhotoForm, TransferOutForm
from zikao.views_helpers import domain_error_message

HISTORY_LENGTH = 10


def _detail(application):
    return redirect("transfer_out_detail", number=application.number)


def _history(candidate):
    return [out.lapse_if_due(a) for a in out_selectors.candidate_applications(candidate)[:HISTORY_LENGTH]]


@approved_candidate_required
@require_http_methods(["GET", "POST"])
def apply(request):
    """省际转出申请: which rule refuses, or the form; the saved application waits for 网上确认."""
    candidate = request.candidate
    for application in out_selectors.candidate_applications(candidate).filter(status=out.Status.UNCONFIRMED):
        out.lapse_if_due(application)
    eligibility = out.check_out_eligibility(candidate=candidate)
    if eligibility.existing is not None:
        return _detail(eligibility.existing)
    if not eligibility.allowed:
        return render(
            request,
            "transfers/out_refused.html",
            {
                "candidate": candidate,
                "error": eligibility.refusal,
                "applications": _history(candidate),
            },
        )
    form = TransferOutForm(request.POST or None, initial={"token": out.new_form_token()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application, created = out.submit_transfer_out(
                candidate=candidate,
                target_province=data["target_province"],
                target_ticket_number=data["target_ticket_number"],
                reason=data["reason"],
                token=data["token"] or out.new_form_token(),
            )
        except out.TransferOutError as error:
            if error.application is not None:
                messages.info(request, error.message)
                return _detail(error.application)
            form.add_error(None, error.message)
        else:
            if created:
                messages.success(
                    request, "申请已保存。请下载《转出登记表》，本人签字后拍照上传，完成网上确认。"
                )
            return _detail(application)
    return render(
        request,
        "transfers/out_apply.html",
        {
            "candidate": candidate,
            "form": form,
            "window": eligibility.window,
            "courses": eligibility.courses,
            "applications": _history(candidate),
        },
        status=400 if form.errors else 200,
    )


@candidate_required
@require_GET
def detail(request, number):
    application = out.lapse_if_due(
        out_selectors.get_candidate_application(candidate=request.candidate, number=number)
    )
    return render(
        request,
        "transfers/out_detail.html",
        {
            "candidate": request.candidate,
            "application": application,
            "can_confirm": out.can_confirm(application),
            "can_correct": out.can_correct(application),
            "photo_form": SignedFormPhotoForm() if out.can_confirm(application) else None,
            "max_bytes": MAX_BYTES,
        },
    )


@approved_candidate_required
@require_http_methods(["GET", "POST"])
def correct(request, number):
    """修改: new answers for a 待网上确认 or 已退回 application (a new form to sign follows)."""
    application = out_selectors.get_candidate_application(candidate=request.candidate, number=number)
    if not out.can_correct(application):
        messages.error(request, "该申请现在不能修改：只有待网上确认或已退回、且在转出时间内的申请可以修改。")
        return _detail(application)
    form = TransferOutForm(
        request.POST or None,
        initial={
            "target_province": application.target_province,
            "target_ticket_number": application.target_ticket_number,
            "reason": application.reason,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            out.correct_transfer_out(
                candidate=request.candidate,
                application=application,
                target_province=data["target_province"],
                target_ticket_number=data["target_ticket_number"],
                reason=data["reason"],
            )
        except out.TransferOutError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "申请已修改。请重新下载《转出登记表》，签字后拍照上传，完成网上确认。")
            return _detail(application)
    return render(
        request,
        "transfers/out_correct.html",
        {
            "candidate": request.candidate,
            "application": application,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@csrf_exempt
@require_POST
def confirm(request, number):
    # Before anything reads the body (the CSRF check does): keep the upload bounded and in memory.
    request.upload_handlers = [BoundedUploadHandler(request)]
    return _confirm(request, number)


@csrf_protect
@candidate_required
def _confirm(request, number):
    application = out_selectors.get_candidate_application(candidate=request.candidate, number=number)
    form = SignedFormPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            out.confirm_transfer_out(
                candidate=request.candidate, application=application, photo=form.cleaned_data["photo"]
            )
        except out.TransferOutError as error:
            domain_error_message(request, error)
            return _detail(application)
        messages.success(
            request, f"网上确认完成，申请 {application.number} 已提交{application.from_city.name}招考办审核。"
        )
        return _detail(application)
    application = out.lapse_if_due(application)
    return render(
        request,
        "transfers/out_detail.html",
        {
            "candidate": request.candidate,
            "application": application,
            "can_confirm": out.can_confirm(application),
            "can_correct": out.can_correct(application),
            "photo_form": form,
            "max_bytes": MAX_BYTES,
        },
        status=400,
    )


@candidate_required
@require_GET
def form_pdf(request, number):
    application = out_selectors.get_candidate_application(candidate=request.candidate, number=number)
    response = HttpResponse(
        out_pdf.render_form_pdf(application, now=timezone.now()), content_type="application/pdf"
    )
    response["Content-Disposition"] = out_pdf.content_disposition(application)
    return response


def signed_form_response(application):
    """The stored photo of the signed form, never cached or sniffed."""
    return private_image_response(application.signed_form, filename=f"{application.number}-signed.jpg")


@candidate_required
@require_GET
def signed_form(request, number):
    application = out_selectors.get_candidate_application(candidate=request.candidate, number=number)
    if not application.signed_form:
        raise Http404
    return signed_form_response(application)
