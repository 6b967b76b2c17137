"""The opinion map: opinion groups and group-aware consensus from a sparse vote matrix.

Pure numpy / scipy / scikit-learn, no database (the task in `participation.opinion.tasks`
feeds it rows and stores what it returns). The method is Pol.is's, written for sparse data:

1. **Matrix.** Participants x statements, agree = +1, disagree = -1, pass = 0; a missing vote
   is not a zero. Pol.is imputes a missing vote with the statement's mean vote; once the
   columns are centred that imputed value is exactly 0, so the centred matrix stays sparse:
   observed entries minus their column mean, nothing elsewhere.
2. **Projection.** TruncatedSVD (PCA on the centred sparse matrix). A participant who voted on
   few statements sits near the centre only because of the zeros; as Pol.is does, their
   coordinates are scaled by sqrt(statements / statements voted).
3. **Groups.** Only participants with at least `min_votes` votes are clustered. k-means for
   k = 2..k_max on the first components; k is the one with the best silhouette (measured on a
   fixed sample, so it stays linear in the number of participants).
4. **Consensus.** For each statement, the product over groups of the smoothed share of agree
   votes, (agree + 1) / (seen + 2), where `seen` counts agree, disagree and pass: a statement
   scores high only when every group agrees, whatever the sizes of the groups.
5. **Representative statements** of a group: where the group's smoothed agree (or disagree)
   share most exceeds that of the other groups, with a two-proportion z-test above 1.2816
   (90 %, one-sided), as Pol.is's `repness`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import silhouette_score

AGREE, DISAGREE, PASS = 1, -1, 0
Z_90 = 1.2816
SILHOUETTE_SAMPLE = 1500


@dataclass(frozen=True)
class Representative:
    statement: int  # column index
    direction: str  # "agree" or "disagree"
    share: float  # the group's smoothed share of that vote
    ratio: float  # that share over the other groups' share


@dataclass
class OpinionMap:
    """What `compute` returns; indices are row/column positions of the input matrix."""

    coordinates: np.ndarray  # (participants, 2) float32
    labels: np.ndarray  # (participants,) int: group index, -1 for too few votes
    k: int
    silhouette: float | None
    agree: np.ndarray  # (k, statements) counts per group
    disagree: np.ndarray
    seen: np.ndarray
    consensus: np.ndarray  # (statements,) in [0, 1]
    representatives: list[list[Representative]] = field(default_factory=list)


def vote_matrix(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """(values, mask): the vote values and a 0/1 matrix of which cells were voted (a pass is a
    vote whose value is 0, so the values alone cannot say it)."""
    values = np.asarray(values, dtype=np.float32)
    if values.size and (np.abs(values) > 1).any():
        raise ValueError("a vote is -1, 0 or +1")
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=shape, dtype=np.float32)
    mask = sparse.csr_matrix(
        (np.ones(len(values), dtype=np.float32), (rows, cols)), shape=shape, dtype=np.float32
    )
    mask.sum_duplicates()
    if mask.nnz and mask.data.max() > 1:
        raise ValueError("one vote per participant and statement")
    return matrix, mask


def smoothed_share(count: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """(count + 1) / (seen + 2): a share that says 1/2 when nobody voted."""
    return (np.asarray(count, dtype=np.float64) + 1.0) / (np.asarray(seen, dtype=np.float64) + 2.0)


def group_consensus(agree: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Per statement, the product over groups (rows) of the smoothed agree share."""
    agree = np.atleast_2d(agree)
    seen = np.atleast_2d(seen)
    if agree.shape[0] == 0:
        return np.full(agree.shape[1], 0.5)
    return np.prod(smoothed_share(agree, seen), axis=0)


def _project(values: sparse.csr_matrix, mask: sparse.csr_matrix, components: int, seed: int):
    counts = np.asarray(mask.sum(axis=0)).ravel()
    means = np.divide(
        np.asarray(values.sum(axis=0)).ravel(),
        counts,
        out=np.zeros_like(counts, dtype=np.float64),
        where=counts > 0,
    ).astype(np.float32)
    centred = values.copy()
    # Observed cells minus their column's mean; missing cells stay 0 (= the imputed mean).
    centred.data = centred.data - means[mask.indices]
    n_cols = values.shape[1]
    components = max(1, min(components, n_cols - 1, values.shape[0] - 1))
    svd = TruncatedSVD(n_components=components, algorithm="randomized", n_iter=4, random_state=seed)
    embedded = svd.fit_transform(centred)
    voted = np.asarray(mask.sum(axis=1)).ravel()
    scale = np.sqrt(n_cols / np.maximum(voted, 1)).astype(np.float32)
    return (embedded * scale[:, None]).astype(np.float32), voted


def _choose_groups(
    points: np.ndarray, k_max: int, seed: int
) -> tuple[np.ndarray, int, float | None]:
    n = len(points)
    if n < 4 or k_max < 2:
        return np.zeros(n, dtype=np.int64), 1, None
    rng = np.random.default_rng(seed)
    sample = rng.choice(n, size=min(n, SILHOUETTE_SAMPLE), replace=False)
    best: tuple[float, np.ndarray, int] | None = None
    distinct = len(np.unique(points.round(6), axis=0))
    for k in range(2, min(k_max, n - 1, distinct) + 1):
        labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(points)
        if len(np.unique(labels[sample])) < 2:
            continue
        score = float(silhouette_score(points[sample], labels[sample]))
        if best is None or score > best[0]:
            best = (score, labels, k)
    if best is None:
        return np.zeros(n, dtype=np.int64), 1, None
    return best[1].astype(np.int64), best[2], best[0]


def _group_counts(values, mask, labels, k):
    """(agree, disagree, seen) per group and statement, with one sparse product each."""
    clustered = np.flatnonzero(labels >= 0)
    membership = sparse.csr_matrix(
        (np.ones(len(clustered), dtype=np.float32), (labels[clustered], clustered)),
        shape=(k, values.shape[0]),
    )
    agree_cells = values.copy()
    agree_cells.data = (agree_cells.data > 0).astype(np.float32)
    disagree_cells = values.copy()
    disagree_cells.data = (disagree_cells.data < 0).astype(np.float32)

    def per_group(cells):
        return np.rint(np.asarray((membership @ cells).todense())).astype(np.int64)

    return per_group(agree_cells), per_group(disagree_cells), per_group(mask)


def _z(p1, n1, p2, n2):
    pooled = (p1 * n1 + p2 * n2) / np.maximum(n1 + n2, 1)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / np.maximum(n1, 1) + 1 / np.maximum(n2, 1)))
    return np.divide(p1 - p2, spread, out=np.zeros_like(spread), where=spread > 0)


def representatives(agree, disagree, seen, *, per_group: int = 5) -> list[list[Representative]]:
    """Each group's statements that set it apart (see the module's docstring)."""
    k = agree.shape[0]
    found: list[list[Representative]] = []
    total_a, total_d, total_s = agree.sum(0), disagree.sum(0), seen.sum(0)
    for g in range(k):
        chosen: list[Representative] = []
        if k > 1:
            candidates = []
            for direction, counts, total in (
                ("agree", agree, total_a),
                ("disagree", disagree, total_d),
            ):
                p_in = smoothed_share(counts[g], seen[g])
                p_out = smoothed_share(total - counts[g], total_s - seen[g])
                ratio = p_in / p_out
                z = _z(p_in, seen[g], p_out, total_s - seen[g])
                for column in np.flatnonzero((z > Z_90) & (p_in > 0.5)):
                    candidates.append(
                        (
                            ratio[column] * p_in[column],
                            column,
                            direction,
                            p_in[column],
                            ratio[column],
                        )
                    )
            candidates.sort(key=lambda c: (-c[0], c[1]))
            seen_columns: set[int] = set()
            for _, column, direction, share, ratio in candidates:
                if column in seen_columns:
                    continue
                seen_columns.add(column)
                chosen.append(Representative(int(column), direction, float(share), float(ratio)))
                if len(chosen) == per_group:
                    break
        found.append(chosen)
    return found


def compute(
    values: sparse.csr_matrix,
    mask: sparse.csr_matrix,
    *,
    k_max: int = 5,
    min_votes: int = 3,
    components: int = 8,
    seed: int = 0,
) -> OpinionMap:
    """The opinion map of a vote matrix (see `vote_matrix`)."""
    n, m = values.shape
    if n == 0 or m == 0:
        empty = np.zeros((0, m), dtype=np.int64)
        return OpinionMap(
            np.zeros((n, 2), np.float32),
            np.full(n, -1),
            0,
            None,
            empty,
            empty,
            empty,
            np.full(m, 0.5),
        )
    if m < 2 or n < 3:
        embedded = np.zeros((n, 2), dtype=np.float32)
        voted = np.asarray(mask.sum(axis=1)).ravel()
    else:
        embedded, voted = _project(values.tocsr(), mask.tocsr(), components, seed)
    active = np.flatnonzero(voted >= min_votes)
    labels = np.full(n, -1, dtype=np.int64)
    if len(active):
        # Clustering on a handful of leading components keeps planted groups apart that the
        # two plotted ones would overlap.
        group_of_active, k, silhouette = _choose_groups(embedded[active], k_max, seed)
        labels[active] = group_of_active
    else:
        k, silhouette = 0, None
    agree, disagree, seen = _group_counts(values.tocsr(), mask.tocsr(), labels, k)
    coordinates = np.zeros((n, 2), dtype=np.float32)
    coordinates[:, : min(2, embedded.shape[1])] = embedded[:, :2]
    return OpinionMap(
        coordinates=coordinates,
        labels=labels,
        k=k,
        silhouette=silhouette,
        agree=agree,
        disagree=disagree,
        seen=seen,
        consensus=group_consensus(agree, seen),
        representatives=representatives(agree, disagree, seen),
    )
