"""The portal's URLs and /_bench/baseline, for the benchmark only (settings_bench.py)."""

from bench_support import baseline
from django.urls import path

from zikao.urls import urlpatterns as portal_urlpatterns

urlpatterns = [*portal_urlpatterns, path("_bench/baseline", baseline, name="bench_baseline")]
