"""Running work in threads that start at the same instant (PostgreSQL race tests)."""

import threading

from django.db import connection


def run_together(count, work):
    """Start ``count`` threads at the same instant; return what each returned (or raised)."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 — reported by the caller's assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
