"""gunicorn settings for `make bench` (scripts/bench.py), 2 cores shared with the load generator.

Why gthread, BENCH_WORKERS=2 processes x BENCH_THREADS=8 threads by default (see
docs/benchmarks.md, "Server configuration", for the measurements behind it):
- the CPU-heavy parts release the GIL: Argon2id (argon2-cffi), waiting on
  PostgreSQL / Redis (psycopg, sockets), Pango in WeasyPrint; so threads of
  one process overlap each other's waits and hashes, and one process per core
  is enough to keep both cores busy;
- fewer processes leave more of the two cores to the load generator, which
  runs on the same machine, and hold fewer PostgreSQL connections
  (2 x 8 = 16 with CONN_MAX_AGE);
- gthread keeps HTTP keep-alive connections (sync workers close every one),
  like the reverse proxy in front of production does.
"""

import os

bind = os.environ.get("BENCH_BIND", "127.0.0.1:8765")
worker_class = "gthread"
workers = int(os.environ.get("BENCH_WORKERS", "2"))
threads = int(os.environ.get("BENCH_THREADS", "8"))
worker_connections = 1000
backlog = 2048
keepalive = 5
timeout = 60
graceful_timeout = 10
accesslog = None  # one log line per request would cost the server CPU the benchmark measures
errorlog = os.environ.get("BENCH_ERRORLOG", "-")
loglevel = "warning"
proc_name = "zikao-bench"


def post_worker_init(worker):
    # Parse the PDF stylesheet and scan fonts once per worker, before the first
    # candidate waits for it (production does the same: docs/deployment.md).
    from transfers import pdf

    pdf.warm_up()
