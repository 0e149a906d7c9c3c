from django.urls import path

from exams import practical_views, views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<str:code>/", views.plan_detail, name="plan_detail"),
    path("timetable/", views.timetable, name="timetable"),
    path("exams/practical/", practical_views.practical_registration, name="practical_registration"),
]
