"""`make bench`: run every benchmark and print its table."""

import sys

from bench import assistant, clinical_core

BENCHMARKS = {"clinical": clinical_core.main, "assistant": assistant.main}


def main() -> None:
    chosen = sys.argv[1:] or list(BENCHMARKS)
    for name in chosen:
        BENCHMARKS[name]()


if __name__ == "__main__":
    main()
