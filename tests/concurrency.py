"""Running work in threads that start at the same moment, for the no-lost-writes tests.

Each thread has its own database connection and transaction (Django's connections
are per thread) and closes it when done.
"""

import threading

from django.db import connections


def at_once(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads released together by a barrier; return each
    thread's result, or the exception it raised (for the test to check)."""
    barrier = threading.Barrier(count, timeout=30)
    outcomes: list = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = work(i)
        except Exception as error:  # collected and checked by the test
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes
