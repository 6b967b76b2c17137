"""The opinion map's computation (participation.opinion.compute): no database."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from guichet.participation.opinion import compute, synthetic


def test_planted_groups_are_recovered():
    # given 600 participants in 3 planted groups voting on a fifth of 80 statements
    rows, cols, values, truth = synthetic.planted(600, 80, groups=3, fill=0.3, seed=3)
    matrix, mask = compute.vote_matrix(rows, cols, values, (600, 80))
    # when the map is computed
    result = compute.compute(matrix, mask)
    # then it finds 3 groups matching the planted ones
    clustered = result.labels >= 0
    assert result.k == 3
    assert adjusted_rand_score(truth[clustered], result.labels[clustered]) > 0.95
    # and every group has statements that set it apart
    assert all(result.representatives)


def test_consensus_on_a_tiny_matrix_by_hand():
    # given two groups: group 0 = {p0, p1}, group 1 = {p2}; statement 0 is agreed by all,
    # statement 1 by group 0 only (p2 disagrees), statement 2 seen by p0 only (a pass)
    agree = np.array([[2, 2, 0], [1, 0, 0]])
    seen = np.array([[2, 2, 1], [1, 1, 0]])
    consensus = compute.group_consensus(agree, seen)
    # then each is the product of (agree + 1) / (seen + 2) over the groups
    assert consensus[0] == pytest.approx(3 / 4 * 2 / 3)
    assert consensus[1] == pytest.approx(3 / 4 * 1 / 3)
    assert consensus[2] == pytest.approx(1 / 3 * 1 / 2)
    assert consensus[0] > consensus[1]


def test_group_counts_read_the_matrix():
    # given 6 participants: 0-2 agree with s0 and disagree with s1, 3-5 the opposite; p0
    # passes s2
    rows = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0]
    cols = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 2]
    values = [1, -1, 1, -1, 1, -1, -1, 1, -1, 1, -1, 1, 0]
    matrix, mask = compute.vote_matrix(np.array(rows), np.array(cols), np.array(values), (6, 3))
    result = compute.compute(matrix, mask, min_votes=2)
    # then two groups split along the two camps, each seeing 3 votes on s0
    assert result.k == 2
    assert len(set(result.labels[:3])) == 1 and len(set(result.labels[3:])) == 1
    assert result.labels[0] != result.labels[3]
    assert sorted(result.seen[:, 0].tolist()) == [3, 3]
    assert result.seen[:, 2].sum() == 1 and result.agree[:, 2].sum() == 0
    # and s0, split between the camps, has the consensus of (3+1)/(3+2) x (0+1)/(3+2)
    assert result.consensus[0] == pytest.approx(4 / 5 * 1 / 5)


def test_a_vote_is_minus_one_zero_or_one_and_counted_once():
    with pytest.raises(ValueError):
        compute.vote_matrix(np.array([0]), np.array([0]), np.array([2]), (1, 1))
    with pytest.raises(ValueError):
        compute.vote_matrix(np.array([0, 0]), np.array([0, 0]), np.array([1, 1]), (1, 1))


def test_an_empty_or_tiny_matrix_gives_an_empty_map():
    matrix, mask = compute.vote_matrix(np.array([]), np.array([]), np.array([]), (0, 4))
    assert compute.compute(matrix, mask).k == 0
    matrix, mask = compute.vote_matrix(np.array([0]), np.array([0]), np.array([1]), (2, 1))
    result = compute.compute(matrix, mask)
    assert result.consensus.shape == (1,)
    assert 0 <= result.consensus[0] <= 1


counts = st.integers(min_value=0, max_value=50)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.tuples(counts, counts), min_size=3, max_size=3), min_size=1, max_size=5),
    st.randoms(use_true_random=False),
)
def test_consensus_is_a_share_and_ignores_the_order_of_groups(groups, random):
    # given any counts (agree <= seen) for 1..5 groups and 3 statements
    agree = np.array([[min(a, s) for a, s in group] for group in groups])
    seen = np.array([[max(a, s) for a, s in group] for group in groups])
    consensus = compute.group_consensus(agree, seen)
    # then each consensus is in [0, 1] and the same for any order of the groups
    assert ((consensus >= 0) & (consensus <= 1)).all()
    order = list(range(len(groups)))
    random.shuffle(order)
    assert np.allclose(compute.group_consensus(agree[order], seen[order]), consensus)
