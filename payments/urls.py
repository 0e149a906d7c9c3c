from django.urls import path, register_converter

from payments import views


class OrderNumberConverter:
    """YYYYMMDD + 6-digit daily sequence; anything else is not a page."""

    regex = r"[0-9]{14}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(OrderNumberConverter, "order_number")

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/<order_number:number>/", views.order_detail, name="order_detail"),
    path("orders/<order_number:number>/pay/", views.order_pay, name="order_pay"),
    path("orders/<order_number:number>/refresh/", views.order_refresh, name="order_refresh"),
    path("payments/<slug:provider>/notify/", views.payment_notify, name="payment_notify"),
    path("payments/<slug:provider>/return/", views.payment_return, name="payment_return"),
]
