from django.urls import path, register_converter

from transfers import out_views, views


class ApplicationNumberConverter:
    """SNZK + YYYYMMDD + 5-digit sequence; anything else is not a page."""

    regex = r"SNZK[0-9]{13}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ApplicationNumberConverter, "application_number")


class TransferOutNumberConverter(ApplicationNumberConverter):
    regex = r"ZC[0-9]{8}"


register_converter(TransferOutNumberConverter, "out_number")

urlpatterns = [
    path("in-province/apply/", views.apply, name="transfer_apply"),
    path("out/apply/", out_views.apply, name="transfer_out_apply"),
    path("out/<out_number:number>/", out_views.detail, name="transfer_out_detail"),
    path("out/<out_number:number>/correct/", out_views.correct, name="transfer_out_correct"),
    path("out/<out_number:number>/confirm/", out_views.confirm, name="transfer_out_confirm"),
    path("out/<out_number:number>/pdf/", out_views.form_pdf, name="transfer_out_pdf"),
    path("out/<out_number:number>/signed-form/", out_views.signed_form, name="transfer_out_signed_form"),
    path("<application_number:number>/", views.detail, name="transfer_detail"),
    path("<application_number:number>/withdraw/", views.withdraw, name="transfer_withdraw"),
    path("<application_number:number>/pdf/", views.application_pdf, name="transfer_pdf"),
]
