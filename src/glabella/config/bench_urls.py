"""The site's URLs plus the benchmark's middleware floor (GLABELLA_BENCH_FLOORS=1 only)."""

from django.urls import path

from .bench_floors import staff_hello
from .urls import urlpatterns as site_urlpatterns

urlpatterns = [path("staff/bench/hello", staff_hello, name="bench-hello"), *site_urlpatterns]
