from django.urls import path

from records import score_views, views

urlpatterns = [
    path("passed/", views.passed, name="passed_courses"),
    path("passed/pdf/", views.passed_pdf, name="passed_courses_pdf"),
    path("scores/", score_views.current_scores, name="current_scores"),
    path("scores/recheck/", score_views.recheck, name="score_recheck"),
]
