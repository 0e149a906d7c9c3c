"""实践性环节报名 for the signed-in candidate: eligibility, the form, then the order to pay."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from candidates.decorators import approved_candidate_required
from exams import practical, practical_selectors
from exams.practical_forms import PracticalRegistrationForm
from payments import services as payments
from zikao.selectors import current_window


@approved_candidate_required
@require_http_methods(["GET", "POST"])
def practical_registration(request):
    candidate = request.candidate
    window = current_window(practical.KIND)
    context = {"window": window, "registrations": practical_selectors.candidate_registrations(candidate)}
    if window is None:
        return render(request, "exams/practical/closed.html", context)
    live = practical.live_registration(candidate, window)
    if live is not None:
        context.update(registration=live, order=payments.live_order(live))
        return render(request, "exams/practical/registered.html", context)
    result = practical.eligibility(candidate)
    context["eligibility"] = result
    if not result.eligible:
        return render(request, "exams/practical/ineligible.html", context)
    institutions = practical.institutions()
    initial = {"recipient": candidate.name, "phone": candidate.mobile}
    form = PracticalRegistrationForm(
        request.POST or None, initial=initial, institutions=institutions, offered=result.offered,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _registration, order = practical.submit_practical_registration(
                candidate=candidate, institution_id=data["institution"], course_ids=data["courses"],
                recipient=data["recipient"], address=data["address"], phone=data["phone"],
            )
        except practical.PracticalError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"实践性环节报名已提交，请在 {window.closes_at:%Y-%m-%d %H:%M} 前完成缴费。")
            return redirect("order_detail", number=order.number)
    context.update(form=form, institutions=institutions)
    return render(request, "exams/practical/form.html", context)
