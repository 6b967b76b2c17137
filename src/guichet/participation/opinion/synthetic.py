"""Synthetic vote matrices with planted opinion groups (tests, benchmark, demo)."""

from __future__ import annotations

import numpy as np


def planted(
    participants: int,
    statements: int,
    *,
    groups: int = 3,
    fill: float = 0.2,
    noise: float = 0.15,
    pass_rate: float = 0.1,
    consensual: int = 0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, values, truth): each participant belongs to one of `groups` groups, each
    group has a stance (+1/-1) per statement; a participant votes on a random `fill` share of
    the statements, with their group's stance flipped with probability `noise` and a pass
    with probability `pass_rate`. The first `consensual` statements are agreed by every group.
    """
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, groups, size=participants)
    stances = rng.choice(np.array([-1, 1], dtype=np.int8), size=(groups, statements))
    stances[:, :consensual] = 1
    cells = int(participants * statements * fill)
    flat = rng.choice(participants * statements, size=cells, replace=False)
    rows, cols = np.divmod(flat, statements)
    values = stances[truth[rows], cols].astype(np.int8)
    flip = rng.random(cells) < noise
    values[flip] = -values[flip]
    values[rng.random(cells) < pass_rate] = 0
    return rows.astype(np.int64), cols.astype(np.int64), values, truth
