from django.urls import path

from zikao.views import pending_page

# Placeholder routes: the candidate-accounts work replaces these views.
urlpatterns = [
    path("accounts/login/", pending_page, {"slug": "business"}, name="login"),
    path("accounts/logout/", pending_page, {"slug": "business"}, name="logout"),
    path("accounts/password/", pending_page, {"slug": "business"}, name="password_change"),
    path("accounts/password/reset/", pending_page, {"slug": "business"}, name="password_reset"),
    path("accounts/ticket-number/", pending_page, {"slug": "business"}, name="ticket_number"),
    path("accounts/keepalive/", pending_page, {"slug": "business"}, name="session_keepalive"),
    path("register/", pending_page, {"slug": "business"}, name="register"),
    path("register/new/", pending_page, {"slug": "business"}, name="register_new"),
    path("register/enrolled/", pending_page, {"slug": "business"}, name="register_enrolled"),
    path("center/", pending_page, {"slug": "business"}, name="center"),
]
