"""gunicorn settings for `make serve` and `make run`; every value can be overridden from the
environment."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Uploads are CPU-bound (image decoding); one worker per core plus one keeps cores busy
# while another worker waits on the database or storage.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
# Recycling a worker bounds slow leaks; `make run` turns it off (0), as its one process holds
# the local-memory cache.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200 if max_requests else 0
accesslog = None  # pikoshi.middleware.RequestLogMiddleware writes one JSON line per request
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
