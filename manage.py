#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionplan.settings")
    # manage.py is the developer's tool: on a fresh checkout it runs with development settings.
    # Production sets DEBUG=0 (and SECRET_KEY) in the service environment, and the web process
    # (wsgi.py) never defaults to DEBUG.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
