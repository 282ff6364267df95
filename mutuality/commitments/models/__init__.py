"""Commitments (conversations for action), issues, reminders, and their histories."""

from __future__ import annotations

from .commitment import *  # noqa: F403
from .commitment import __all__ as _commitment_all
from .issue import *  # noqa: F403
from .issue import __all__ as _issue_all
from .reminder import *  # noqa: F403
from .reminder import __all__ as _reminder_all

__all__ = [*_commitment_all, *_issue_all, *_reminder_all]
