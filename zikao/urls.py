from django.contrib import admin
from django.urls import include, path

from zikao import views

admin.site.site_header = "山西自学考试信息服务平台 · 管理"
admin.site.site_title = "山西自考管理"
admin.site.index_title = "招考办工作台"

handler500 = "zikao.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/attachment/", views.notice_attachment, name="notice_attachment"),
    path("points/", views.registration_points, name="points"),
    path("healthz", views.healthz, name="healthz"),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
    path("", include("candidates.urls")),
    path("identity/", include("identity.urls")),
    path("transfers/", include("transfers.urls")),
    path("", include("exams.urls")),
    path("records/", include("records.urls")),
    path("", include("payments.urls")),
]
