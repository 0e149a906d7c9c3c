"""毕业合格条件查询 and 毕业申请 for the signed-in candidate: their own record and applications only."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from identity.intake import BoundedUploadHandler
from identity.storage import private_image_response
from records import graduation, graduation_pdf, graduation_selectors
from records.decorators import own_record_required
from records.graduation_forms import GraduationApplicationForm
from zikao.selectors import current_window
from zikao.views_helpers import domain_error_message


@require_GET
@own_record_required
def conditions(request):
    candidate = request.candidate
    return render(
        request,
        "records/graduation_conditions.html",
        {
            "candidate": candidate,
            "conditions": graduation.check_conditions(candidate),
            "window": current_window(graduation.KIND),
            "applications": graduation_selectors.candidate_applications(candidate),
        },
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def apply(request):
    if request.method == "POST":
        # Before anything reads the body (the CSRF check does): uploads stay bounded and in memory.
        request.upload_handlers = [BoundedUploadHandler(request)]
    return _apply(request)


@csrf_protect
@own_record_required
def _apply(request):
    candidate = request.candidate
    eligibility = graduation.check_eligibility(candidate=candidate)
    applications = graduation_selectors.candidate_applications(candidate)
    current = eligibility.existing or (applications[0] if applications else None)
    context = {
        "candidate": candidate,
        "eligibility": eligibility,
        "window": eligibility.window,
        "applications": applications,
        "current": current,
        "order": graduation.live_order(current) if current is not None else None,
        "progress": eligibility.conditions.progress,
        "fee_yuan": f"{(current.fee_fen if current else settings.GRADUATION_FEE_FEN) / 100:.2f}",
    }
    if not eligibility.allowed:
        if request.method == "POST":
            domain_error_message(request, eligibility.refusal)
            return redirect("graduation_apply")
        return render(request, "records/graduation_status.html", context)
    form = GraduationApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            _application, order = graduation.submit_graduation(
                candidate=candidate,
                photo=form.cleaned_data["photo"],
                scan=form.cleaned_data["conduct_scan"],
            )
        except graduation.GraduationError as error:
            form.add_error("photo" if error.code == "photo_rejected" else None, error.message)
        else:
            messages.success(request, f"毕业申请已提交，请缴纳毕业申请费 {order.total_fen / 100:.2f} 元。")
            return redirect("order_detail", number=order.number)
    context["form"] = form
    return render(request, "records/graduation_apply.html", context)


@require_GET
@own_record_required
def registration_form_pdf(request, number):
    application = graduation_selectors.get_candidate_application(candidate=request.candidate, number=number)
    if not application.paid:
        messages.error(request, "缴纳毕业申请费后才能打印毕业生登记表。")
        return redirect("graduation_apply")
    response = HttpResponse(
        graduation_pdf.render_registration_form(application), content_type="application/pdf"
    )
    response["Content-Disposition"] = graduation_pdf.content_disposition(application)
    return response


@require_GET
@own_record_required
def photo(request, number):
    application = graduation_selectors.get_candidate_application(candidate=request.candidate, number=number)
    return private_image_response(application.photo, filename=f"graduation-{application.number}.jpg")
