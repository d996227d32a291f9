"""gunicorn settings for the portal's web processes (docs/deployment.md).

    gunicorn -c portal/gunicorn.conf.py

Everything can be changed from the environment: ``GUNICORN_BIND``,
``WEB_CONCURRENCY`` (worker processes; default two per core plus one),
``GUNICORN_THREADS`` and ``FORWARDED_ALLOW_IPS`` (the load balancer's address).
"""

import multiprocessing
import os

wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Workers prove they are alive by touching a file after every request. On a
# disk-backed /tmp that write sometimes waits on the disk, and the request behind
# it waits too: the load test saw 1 % of requests take 0.9-1.6 s for a view that
# does nothing. In memory (/dev/shm, on Linux) the same run's p99 was 25 ms.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented advice
# Pages answer in milliseconds; a request still busy after 30 s is stuck.
timeout = 30
graceful_timeout = 30
# Behind a load balancer connections are reused; keep them a little longer than its idle check.
keepalive = 5
# Recycle workers now and then, so a slow leak never grows for weeks.
max_requests = 5000
max_requests_jitter = 500
# Load the portal once in the master and fork workers from it: a recycled worker is
# ready in milliseconds. Without it each new worker imports Django and the portal
# (~1.5 s of CPU), and the requests that arrive meanwhile wait: in the load test
# 5 % of requests to a view that does nothing took 1.8 s. With it, p99 23 ms. New
# code therefore needs a restart of the master (docs/deployment.md), not a HUP.
preload_app = True
# Only the load balancer may say the original request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
