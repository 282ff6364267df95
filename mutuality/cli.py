"""The `mutuality` command: Django's management commands with our settings preset.

    mutuality demo | serve | worker | import-people FILE --org SLUG | export-people --org SLUG
    mutuality seed --size S|M|L | migrate | createsuperuser | …

Dashes and underscores are interchangeable in command names (`import-people`).
"""

from __future__ import annotations

import os
import sys

# Friendly aliases for the commands people type most (`worker` is our own command: the
# database queue's worker plus the hourly reminders).
ALIASES: dict[str, str] = {}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuality.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        command = args[1].replace("-", "_")
        args[1] = ALIASES.get(command, command)
        if args[1] == "demo":
            # The demo is for a laptop: no secret key to set, static files from the apps.
            os.environ.setdefault("MUTUALITY_DEBUG", "1")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
