from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "订单与支付"

    def ready(self):
        from payments import receivers  # noqa: F401 — connects them
