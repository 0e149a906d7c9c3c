from django.urls import path

from records import views

urlpatterns = [
    path("passed/", views.passed, name="passed_courses"),
    path("passed/pdf/", views.passed_pdf, name="passed_courses_pdf"),
]
