"""Candidate pages of 理论课报名: the form, check answers, save (or save and pay), the summary."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from candidates.decorators import approved_candidate_required
from exams import registration as services
from exams.forms import TheoryRegistrationForm
from payments.models import Order, format_yuan
from zikao.timefmt import local_text
from zikao.views_helpers import domain_error_message


def _summary(request, access, existing, *, status=200):
    order = Order.objects.filter(number=existing.order_number).first() if existing.order_number else None
    return render(request, "exams/register_summary.html", {
        "registration": existing, "order": order, "window": access.window, "sitting": access.sitting,
        "fixed": services.is_fixed(existing),
    }, status=status)


@approved_candidate_required
@require_http_methods(["GET", "POST"])
def register(request):
    """GET: the candidate's registration (or the form when there is none / ?edit=1).
    POST action=review: check answers; edit: the form again; save / pay: save (and go to pay)."""
    candidate = request.candidate
    try:
        access = services.check_access(candidate=candidate)
    except services.RegistrationError as error:
        last = services.latest_registration(candidate)
        return render(request, "exams/register_closed.html", {"error": error, "registration": last}, status=403)
    existing = services.live_registration(candidate=candidate, sitting=access.sitting)
    editing = request.GET.get("edit") == "1" or request.method == "POST"
    if existing is not None and not editing:
        return _summary(request, access, existing)
    if existing is not None and services.is_fixed(existing):
        domain_error_message(request, services._fixed_refusal(existing))
        return redirect("theory_register")
    if request.method == "GET":
        initial = {"mobile": candidate.mobile}
        if existing is not None:
            initial.update(mobile=existing.mobile, mailing_address=existing.mailing_address,
                           courses=[i.course_id for i in existing.items.all()])
        else:
            previous = services.latest_registration(candidate)
            if previous is not None:
                initial["mailing_address"] = previous.mailing_address
        form = TheoryRegistrationForm(candidate=candidate, sitting=access.sitting, initial=initial)
        return _form_page(request, form, access, existing)
    form = TheoryRegistrationForm(request.POST, candidate=candidate, sitting=access.sitting)
    action = request.POST.get("action", "review")
    if not form.is_valid():
        return _form_page(request, form, access, existing, status=400)
    if action == "edit":
        return _form_page(request, form, access, existing)
    if action in ("save", "pay"):
        data = form.cleaned_data
        try:
            saved = services.save_registration(
                candidate=candidate, course_ids=data["courses"], mobile=data["mobile"],
                mailing_address=data["mailing_address"],
            )
        except services.RegistrationError as error:
            domain_error_message(request, error)
            return redirect("theory_register")
        except services.payments.PaymentError as error:
            domain_error_message(request, error)
            return redirect("theory_register")
        if action == "pay":
            return redirect("order_pay", number=saved.order_number)
        messages.success(request, f"报名信息已保存，请在{local_text(access.window.closes_at)}前完成支付，逾期未支付报名失败。")
        return redirect("theory_register")
    entries_chosen = form.cleaned_data["entries"]
    fee = services.fee_per_course()
    return render(request, "exams/register_confirm.html", {
        "form": form, "entries": entries_chosen, "window": access.window, "sitting": access.sitting,
        "fee": format_yuan(fee), "total": format_yuan(fee * len(entries_chosen)), "candidate": candidate,
    })


def _form_page(request, form, access, existing, *, status=200):
    chosen = {str(v) for v in (form["courses"].value() or [])}
    entries = services.offered_entries(candidate=request.candidate, sitting=access.sitting)
    return render(request, "exams/register_form.html", {
        "form": form, "days": services.offered_by_day(entries), "chosen": chosen, "window": access.window,
        "sitting": access.sitting, "fee": format_yuan(services.fee_per_course()), "existing": existing,
        "candidate": request.candidate,
    }, status=status)
