"""The fault drill of issue #17: nothing lost when Redis, a worker or the database goes away.

    .venv/bin/python bench/faults.py            # the full drill (5–6 minutes on 2 cores)
    .venv/bin/python bench/faults.py --short    # the CI version (under 4 minutes)
    .venv/bin/python bench/faults.py --only redis --keep   # one phase, logs kept

Starts, in a temporary folder and on free ports of 127.0.0.1 only: its own PostgreSQL
(initdb, fsync off), its own Redis, an SMTP sink and a webhook receiver (threads of
this process), two gunicorn processes (``portal/gunicorn.conf.py``, production settings)
behind Debian's HAProxy (health checks on ``/health/``; only connection failures and
idempotent requests are sent again) and two task workers. It migrates a fresh
database, builds a small world (an OCMW, a partner, API tokens, a webhook endpoint
per organisation) and acts as the process supervisor: whatever dies is started again
a second later, as systemd's ``Restart=always`` would.

Then, phase by phase, client threads walk referrals through the API via HAProxy
(submit, acknowledge, message, first contact; every write marked, every failed
request retried as a real client would) while one fault is injected: kill -9 a
gunicorn worker, stop a whole web process, kill -9 the task worker running a large
LAC import, restart Redis, restart PostgreSQL. After each phase it waits for the
queue to drain and counts, from the database and the sinks, what was acknowledged
but is missing, what was written twice, which jobs failed or never finished, which
notifications were never e-mailed and which webhook deliveries never arrived.

Prints the table, writes it to docs/reliability.md (between the markers of the full
or the short run) and exits 1 if anything acknowledged or queued was lost, anything
was duplicated, a committed write was answered 5xx or a process did not recover.
Every process is stopped at the end, also on Ctrl-C.
"""

import sys

import faults  # the package bench/faults/ (a folder wins over this file's name)

if __name__ == "__main__":
    try:
        sys.exit(faults.main())
    except KeyboardInterrupt:
        sys.exit(130)
