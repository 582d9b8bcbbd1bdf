"""gunicorn settings for Glabella (``gunicorn -c python:glabella.config.gunicorn``).

Everything can be overridden from the environment. Two sync workers suit a 2-core server:
the assistant's embedding is CPU work, so more processes than cores only queue; database
waits are short. Each worker builds the clinics' assistants when it starts, before it takes
traffic, so no patient waits for a model to load.
"""

import os

bind = os.environ.get(
    "GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle a worker now and then so a slow leak can never take the server down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# The worker's time and the request id Django set (the response header) in each access line.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("GLABELLA_TRUSTED_PROXIES", "127.0.0.1")


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    from glabella.assistant.engine_cache import warm

    try:
        built = warm()
    except Exception:  # a clinic's content must not keep the server from starting
        worker.log.exception("warming the assistant failed; it will build on first use")
    else:
        worker.log.info("assistant ready for %d clinic(s)", built)
