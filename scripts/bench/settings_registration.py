"""settings_bench plus 演示支付, for the registration-rush server only.

The production settings refuse the demo provider when it is configured through PAYMENT_PROVIDERS;
the benchmark adds it after they are read, on its own gunicorn, so candidates can pay without a
gateway. No other scenario's server has it.
"""

from settings_bench import *  # noqa: F403

PAYMENT_PROVIDERS = [*PAYMENT_PROVIDERS, "payments.providers.demo.DemoProvider"]  # noqa: F405
