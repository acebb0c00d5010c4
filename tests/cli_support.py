"""Reading what a command printed on stderr: its error lines, apart from a sync's progress lines."""

from __future__ import annotations

import re

# Off a terminal a sync logs its pages, steps and stops to stderr, each line timestamped.
PROGRESS_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ")


def error_lines(stderr: str) -> list[str]:
    """The non-empty lines of stderr that are not progress lines."""
    return [line for line in stderr.splitlines() if line.strip() and not PROGRESS_LINE.match(line)]
