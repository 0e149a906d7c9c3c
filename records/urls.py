from django.urls import path

from records import exemption_views, graduation_views, score_views, views

urlpatterns = [
    path("passed/", views.passed, name="passed_courses"),
    path("passed/pdf/", views.passed_pdf, name="passed_courses_pdf"),
    path("graduation/", graduation_views.conditions, name="graduation_conditions"),
    path("graduation/apply/", graduation_views.apply, name="graduation_apply"),
    path("graduation/<str:number>/pdf/", graduation_views.registration_form_pdf, name="graduation_pdf"),
    path("graduation/<str:number>/photo/", graduation_views.photo, name="graduation_photo"),
    path("exemptions/", exemption_views.results, name="exemption_results"),
    path("exemptions/apply/", exemption_views.apply, name="exemption_apply"),
    path("exemptions/apply/<int:pk>/", exemption_views.confirm, name="exemption_confirm"),
    path("exemptions/<int:pk>/withdraw/", exemption_views.withdraw, name="exemption_withdraw"),
    path("exemptions/photos/<int:pk>/", exemption_views.photo, name="exemption_photo"),
    path("scores/", score_views.current_scores, name="current_scores"),
    path("scores/recheck/", score_views.recheck, name="score_recheck"),
]
