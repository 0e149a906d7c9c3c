"""Which providers each settings module offers; production refuses 演示支付 at start-up."""

import json
import os
import subprocess
import sys

from tests.test_deployment_settings import ROOT, _production

READ = (
    "import json, django; django.setup(); from django.conf import settings; "
    "from payments.providers import all_providers; "
    "print(json.dumps({'providers': sorted(all_providers()), 'beat': settings.CELERY_BEAT_SCHEDULE}))"
)


def _run(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update(
        DJANGO_SETTINGS_MODULE="zikao.settings.production", SECRET_KEY="k" * 60, ALLOWED_HOSTS="zikao.sxkszx.cn",
        DATABASE_URL="postgres://zikao@pgbouncer:6432/zikao", EMAIL_HOST="smtp.sxkszx.cn", PYTHONPATH=str(ROOT),
        **env,
    )
    return subprocess.run([sys.executable, "-c", READ], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=120)


def test_production_offers_alipay_and_offline_and_expires_orders_every_minute():
    result = _run()
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    assert read["providers"] == ["alipay", "offline"]
    assert read["beat"]["expire-unpaid-orders"] == {"task": "payments.tasks.expire_orders", "schedule": 60.0}


def test_production_refuses_the_demo_provider():
    result = _production(PAYMENT_PROVIDERS="payments.providers.offline.OfflineProvider,payments.providers.demo.DemoProvider")
    assert result.returncode != 0
    assert "demo payment provider" in result.stderr


def test_the_embedded_default_and_tests_offer_the_demo_provider(settings):
    from zikao.settings import local

    assert "payments.providers.demo.DemoProvider" in local.PAYMENT_PROVIDERS
    assert "payments.providers.demo.DemoProvider" in settings.PAYMENT_PROVIDERS
