from django.urls import path

from exams import practical_views, registration_views, ticket_views, views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<str:code>/", views.plan_detail, name="plan_detail"),
    path("timetable/", views.timetable, name="timetable"),
    path("exams/register/", registration_views.register, name="theory_register"),
    path("exams/practical/", practical_views.practical_registration, name="practical_registration"),
    path("exams/ticket/", ticket_views.ticket, name="admission_ticket"),
    path("exams/ticket/pdf/", ticket_views.ticket_pdf_view, name="admission_ticket_pdf"),
]
