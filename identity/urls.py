from django.urls import path

from zikao.views import pending_page

urlpatterns = [
    path("", pending_page, {"slug": "business"}, name="identity"),
]
