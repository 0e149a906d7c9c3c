"""The production settings plus the benchmark's baseline route (urls_bench.py).

scripts/bench.py runs every server and its in-process query counts with these settings, with
scripts/bench/ on PYTHONPATH; the portal's own settings never route a benchmark URL.
"""

from zikao.settings.production import *  # noqa: F403

ROOT_URLCONF = "urls_bench"
