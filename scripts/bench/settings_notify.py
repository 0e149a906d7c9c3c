"""settings_bench plus 支付宝 with the benchmark's own keys, for the notification scenario's server only.

scripts/bench/notify.py writes an app key and a stand-in "Alipay" key to BENCH_ALIPAY_DIR; this server
verifies notifications against that "Alipay" public key with the portal's real verification code.
"""

import os
from pathlib import Path

from settings_bench import *  # noqa: F403

_keys = Path(os.environ["BENCH_ALIPAY_DIR"])
ALIPAY_APP_ID = "2021000000000001"
ALIPAY_APP_PRIVATE_KEY_PATH = str(_keys / "app_private.pem")
ALIPAY_PUBLIC_KEY_PATH = str(_keys / "alipay_public.pem")
ALIPAY_GATEWAY = "http://127.0.0.1:9/gateway.do"  # never called: the notification needs no gateway
