"""gunicorn settings for `make bench` (scripts/bench.py), 2 cores shared with the load generator.

Sync workers, 5 of them (2 x cores + 1, gunicorn's own rule), by default; the
measurements behind the choice are in docs/benchmarks.md, "Server configuration".
On two cores, against gthread 4 x 4, 4 x 2, 2 x 8 and 5 x 1 in the same quick runs:
- the portal's requests are CPU-bound Python (ORM, templates, WeasyPrint) plus
  Argon2id: threads add nothing once both cores are busy, and threads of one
  process queue for its GIL, so a PDF or a page render delays the requests
  sharing its process (rush p99 2.2 s with sync 5 against 3.5-3.8 s with
  gthread; server CPU per rush journey 77 ms against 88 ms);
- five processes keep both cores busy while one or two wait on PostgreSQL or
  Redis, and hold only five database connections;
- sync workers close the connection after each response (no keep-alive), so
  every request also pays a TCP connect on loopback: the bare baseline drops
  from ~3,000/s (gthread 4 x 4, keep-alive) to ~2,300/s, and the load
  generator spends more CPU. In production nginx in front keeps the clients'
  connections alive and buffers slow clients, which is what sync workers need.
BENCH_WORKER_CLASS / BENCH_WORKERS / BENCH_THREADS (or --workers / --threads)
override it.
"""

import os

bind = os.environ.get("BENCH_BIND", "127.0.0.1:8765")
worker_class = os.environ.get("BENCH_WORKER_CLASS", "sync")
workers = int(os.environ.get("BENCH_WORKERS", "5"))
threads = int(os.environ.get("BENCH_THREADS", "1"))
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
    # Load WeasyPrint, build or open the print font (zikao.print_font) once per worker, before the first
    # candidate waits for it (production does the same: docs/deployment.md).
    from zikao import pdf

    pdf.warm_up()
