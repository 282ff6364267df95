#!/usr/bin/env python
"""Django's command-line utility. `mutuality` (see mutuality/cli.py) wraps the same commands."""

from __future__ import annotations

import sys

if __name__ == "__main__":
    from mutuality.cli import main

    main(sys.argv)
