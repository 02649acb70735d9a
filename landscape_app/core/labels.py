"""Lane labels: a race needs each lane's label to be distinct (standard library only)."""

from __future__ import annotations

from collections.abc import Sequence


def unique_labels(titles: Sequence[str]) -> list[str]:
    """Titles made unique with ``#2``, ``#3``… in order of appearance."""
    seen: dict[str, int] = {}
    labels = []
    for title in titles:
        seen[title] = seen.get(title, 0) + 1
        labels.append(title if seen[title] == 1 else f"{title} #{seen[title]}")
    return labels
