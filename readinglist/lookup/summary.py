"""Plain words for what a completion did, for the window's dialog and the CLI (through
library.py). Kept apart from complete.py: the window imports it at start-up, and the
lookup modules cost ~35 ms there."""

from __future__ import annotations

from collections.abc import Mapping


def summary_lines(
    filled: Mapping[int, tuple[str, ...]], conflicts: Mapping[int, tuple[str, ...]]
) -> list[str]:
    """Plain words for a completion, e.g. "completed 12 papers: authors, year"."""
    groups: dict[tuple[str, ...], int] = {}
    for names in filled.values():
        groups[names] = groups.get(names, 0) + 1
    lines = []
    for names, n in sorted(groups.items(), key=lambda g: -g[1]):
        lines.append(f"completed {n} paper{'s' if n != 1 else ''}: {', '.join(names)}")
    if conflicts:
        n = len(conflicts)
        ids = sorted(conflicts)
        shown = ", ".join(map(str, ids[:10])) + (", ..." if n > 10 else "")
        lines.append(
            f"{n} paper{'s' if n != 1 else ''} kept fields the service gives differently "
            f"(review them): {shown}"
        )
    return lines
