"""The topic model itself: pure functions over texts, weeks and communes (no database).

NMF over TF-IDF (scikit-learn) with French stop words; each text goes to its strongest topic
(none when it shares no word with the vocabulary). A topic is named by its top words and shown
with its most typical texts; its weekly counts, overall and per commune, feed the z-score that
flags an emerging topic (`emerging_score`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import polars as pl
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from guichet.journeys.topics.stopwords import FRENCH_STOP_WORDS

TOP_WORDS = 8
EXAMPLES = 3
BASELINE_WEEKS = 12  # the usual level: the mean of up to 12 weeks before the last one
MIN_HISTORY = 4  # fewer weeks of history than this: no usual level, no flag
EMERGING_Z = 3.0
EMERGING_MIN = 5  # a jump from 0 to 2 is not news
WORDS = r"(?u)\b[^\W\d_]{3,}\b"  # words of 3 letters or more, no numbers


@dataclass
class FoundTopic:
    rank: int
    words: list[str]
    size: int
    examples: list[int]  # indices of the most typical texts, strongest first
    weekly: dict[date, int]
    by_commune: dict[str, dict[date, int]] = field(default_factory=dict)
    last_week: date | None = None
    last_count: int = 0
    usual: float | None = None
    z_score: float | None = None

    @property
    def label(self) -> str:
        return " · ".join(self.words[:3])

    @property
    def emerging(self) -> bool:
        return (
            self.z_score is not None
            and self.z_score >= EMERGING_Z
            and self.last_count >= EMERGING_MIN
        )


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def topic_count(n_texts: int) -> int:
    """About ten topics for a few hundred texts, at most 20 for hundreds of thousands."""
    return max(2, min(20, round(math.sqrt(n_texts / 8))))


def emerging_score(
    weekly: dict[date, int], last_week: date, *, baseline: int = BASELINE_WEEKS
) -> tuple[int, float | None, float | None]:
    """(count of `last_week`, usual level, z-score) of one topic's weekly counts.

    The usual level is the mean of the `baseline` weeks before `last_week` (missing weeks
    count 0); the spread is their standard deviation, floored at the Poisson spread
    (sqrt of the mean) and at 1, so a flat history of zeros does not make any text news.
    Fewer than MIN_HISTORY weeks of history (since the topic's first text): no score.
    """
    last = int(weekly.get(last_week, 0))
    first = min(weekly, default=last_week)
    history_weeks = min(baseline, (last_week - first).days // 7)
    if history_weeks < MIN_HISTORY:
        return last, None, None
    before = np.array(
        [weekly.get(last_week - timedelta(weeks=k), 0) for k in range(1, history_weeks + 1)],
        dtype=float,
    )
    mean = float(before.mean())
    spread = max(float(before.std()), math.sqrt(mean), 1.0)
    return last, mean, (last - mean) / spread


def find_topics(
    texts: list[str],
    weeks: list[date],
    communes: list[str | None],
    *,
    as_of: date,
    n_topics: int | None = None,
    max_features: int = 20_000,
) -> list[FoundTopic]:
    """The topics of `texts` (week and commune of each alongside), largest first.

    `as_of`: the scores read the last complete week before it.
    """
    n = len(texts)
    if n < 10:
        return []
    vectoriser = TfidfVectorizer(
        lowercase=True,
        stop_words=sorted(FRENCH_STOP_WORDS),
        token_pattern=WORDS,
        min_df=2 if n < 5_000 else 5,
        max_df=0.5,
        max_features=max_features,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        matrix = vectoriser.fit_transform(texts)
    except ValueError:  # no word left after the stop words and the frequency cuts
        return []
    vocabulary = vectoriser.get_feature_names_out()
    k = min(n_topics or topic_count(n), matrix.shape[1], n)
    if k < 1:
        return []
    nmf = NMF(n_components=k, init="nndsvda", random_state=0, max_iter=300, tol=1e-3)
    weights = nmf.fit_transform(matrix)
    strongest = weights.max(axis=1)
    assigned = np.where(strongest > 0, weights.argmax(axis=1), -1)
    frame = pl.DataFrame(
        {"topic": assigned, "week": weeks, "commune": communes},
        schema={"topic": pl.Int64, "week": pl.Date, "commune": pl.String},
    ).filter(pl.col("topic") >= 0)
    last_week = monday(as_of) - timedelta(weeks=1)
    weekly_all = frame.group_by("topic", "week").len()
    per_commune = (
        frame.filter(pl.col("commune").is_not_null()).group_by("topic", "commune", "week").len()
    )
    found = []
    for topic in range(k):
        members = np.flatnonzero(assigned == topic)
        if members.size == 0:
            continue
        top = np.argsort(nmf.components_[topic])[::-1][:TOP_WORDS]
        order = members[np.argsort(weights[members, topic])[::-1]]
        examples, seen = [], set()
        for index in order[:50]:
            key = texts[index].strip().lower()
            if key not in seen:
                seen.add(key)
                examples.append(int(index))
            if len(examples) == EXAMPLES:
                break
        weekly = {
            row["week"]: row["len"]
            for row in weekly_all.filter(pl.col("topic") == topic).iter_rows(named=True)
        }
        by_commune: dict[str, dict[date, int]] = {}
        for row in per_commune.filter(pl.col("topic") == topic).iter_rows(named=True):
            by_commune.setdefault(row["commune"], {})[row["week"]] = row["len"]
        last, usual, z = emerging_score(weekly, last_week)
        found.append(
            FoundTopic(
                rank=0,
                words=[str(vocabulary[i]) for i in top if nmf.components_[topic][i] > 0],
                size=int(members.size),
                examples=examples,
                weekly=weekly,
                by_commune=by_commune,
                last_week=last_week,
                last_count=last,
                usual=usual,
                z_score=z,
            )  # fmt: skip
        )
    found.sort(key=lambda t: -t.size)
    for rank, topic_found in enumerate(found, start=1):
        topic_found.rank = rank
    return found
