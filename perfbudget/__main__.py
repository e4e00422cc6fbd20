"""The `perfbudget` console script: Django's management commands, with `seed-demo` spelled like `seed_demo`."""

import os
import sys


def main(argv=None):
    """Run a management command; hyphenated names map to the underscored command modules."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfbudget.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
