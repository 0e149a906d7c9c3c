from django.urls import path, register_converter

from transfers import views


class ApplicationNumberConverter:
    """SNZK + YYYYMMDD + 5-digit sequence; anything else is not a page."""

    regex = r"SNZK[0-9]{13}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ApplicationNumberConverter, "application_number")

urlpatterns = [
    path("in-province/apply/", views.apply, name="transfer_apply"),
    path("<application_number:number>/", views.detail, name="transfer_detail"),
    path("<application_number:number>/withdraw/", views.withdraw, name="transfer_withdraw"),
    path("<application_number:number>/pdf/", views.application_pdf, name="transfer_pdf"),
]
