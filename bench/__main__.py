"""`make bench`: run every benchmark and print its table."""

import subprocess
import sys

from bench import assistant, clinical_core


def _patients() -> None:
    # Its own process and throwaway database, like the treatments benchmark.
    subprocess.run([sys.executable, "-m", "bench.patients"], check=True)


def _treatments() -> None:
    # Its own process: it sets up Django on a throwaway database file before importing models.
    subprocess.run([sys.executable, "-m", "bench.treatments"], check=True)


def _scheduling() -> None:
    # Its own process too: free slots for a month for 10 injectors, pure and through SQLite.
    subprocess.run([sys.executable, "-m", "bench.scheduling"], check=True)


def _booking() -> None:
    # Its own process: 1,000 concurrent online bookings on a PostgreSQL database of its own.
    subprocess.run([sys.executable, "-m", "bench.booking"], check=True)


def _messaging() -> None:
    # Its own process: the message scheduler over 10,000 due appointments on SQLite.
    subprocess.run([sys.executable, "-m", "bench.messaging"], check=True)


def _scale() -> None:
    # Its own process: a million patients on a kept PostgreSQL database (made on first run).
    subprocess.run([sys.executable, "-m", "bench.scale"], check=True)


def _http() -> None:
    # Its own process: gunicorn and wrk against a throwaway PostgreSQL database and the demo.
    subprocess.run([sys.executable, "-m", "bench.http"], check=True)


BENCHMARKS = {
    "clinical": clinical_core.main,
    "assistant": assistant.main,
    "treatments": _treatments,
    "patients": _patients,
    "scheduling": _scheduling,
    "booking": _booking,
    "messaging": _messaging,
    "scale": _scale,
    "http": _http,
}


def main() -> None:
    chosen = sys.argv[1:] or list(BENCHMARKS)
    for name in chosen:
        BENCHMARKS[name]()


if __name__ == "__main__":
    main()
