from django.urls import path

from candidates import captcha, views

urlpatterns = [
    path("accounts/login/", views.CandidateLoginView.as_view(), name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/keepalive/", views.session_keepalive, name="session_keepalive"),
    path("accounts/password/", views.CandidatePasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.CandidatePasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        views.CandidatePasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/captcha-audio/<slug:key>/", captcha.captcha_audio, name="captcha_audio"),
    path("accounts/ticket-number/", views.ticket_number, name="ticket_number"),
    path("register/", views.register, name="register"),
    path("register/new/", views.register_new, name="register_new"),
    path("register/enrolled/", views.register_enrolled, name="register_enrolled"),
    path("register/enrolled/password/", views.register_enrolled_password, name="register_enrolled_password"),
    path("center/", views.center, name="center"),
    path("center/profile/", views.center_profile, name="center_profile"),
]
