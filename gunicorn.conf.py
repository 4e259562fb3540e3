"""gunicorn settings; every value can be overridden from the environment."""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, min(multiprocessing.cpu_count() * 2, 8))))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
wsgi_app = "wsgi:app"
# Workers share nothing in memory; loading the app in each worker keeps database pools per process.
preload_app = False
