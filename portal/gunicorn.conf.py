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
# Pages answer in milliseconds; a request still busy after 30 s is stuck.
timeout = 30
graceful_timeout = 30
# Behind a load balancer connections are reused; keep them a little longer than its idle check.
keepalive = 5
# Recycle workers now and then, so a slow leak never grows for weeks.
max_requests = 5000
max_requests_jitter = 500
# Only the load balancer may say the original request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
