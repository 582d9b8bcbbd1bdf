"""`make bench`: run every benchmark and print its table."""

from bench import clinical_core


def main() -> None:
    clinical_core.main()


if __name__ == "__main__":
    main()
