from django.urls import path

from zikao.views import pending_page

urlpatterns = [
    path("in-province/apply/", pending_page, {"slug": "business"}, name="transfer_apply"),
]
