import os

from django.core.wsgi import get_wsgi_application

from .env import env_bool

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "glabella.config.settings")
application = get_wsgi_application()

if env_bool("GLABELLA_BENCH_FLOORS", default=False):
    # `make bench` only: a middleware-free Django view beside the site (config/bench_floors.py).
    from .bench_floors import with_floors

    application = with_floors(application)
