from django.urls import path

from identity import views

urlpatterns = [
    path("", views.identity_page, name="identity"),
    path("status/", views.identity_status, name="identity_status"),
    path("photos/<int:pk>/", views.photo, name="identity_photo"),
]
