"""The opinion map (guichet.participation.opinion.compute): speed, memory and recovery of
planted groups.

    .venv/bin/python benchmarks/participation_opinion.py [--participants 10000]
        [--statements 500] [--fill 0.2] [--groups 4] [--no-save]

A synthetic vote matrix (`opinion.synthetic.planted`: each participant in one of `--groups`
planted groups, each group a stance per statement, 15 % of votes flipped, 10 % passes, a
random `--fill` share of the cells voted) goes through `compute.vote_matrix` and
`compute.compute`, the code the background task runs. Timed: building the sparse matrix and
the whole computation, wall clock and the process's CPU time (projection, k-means for k = 2..5 with the silhouette, group counts,
consensus, representative statements). Memory: the process's peak RSS (ru_maxrss) after the
run, generation included. Quality: the adjusted Rand index of the groups found against the
planted ones. Targets: < 5 s and < 1 GB for 10,000 x 500 at 20 %.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=500)
    parser.add_argument("--fill", type=float, default=0.2)
    parser.add_argument("--groups", type=int, default=4)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()

    from sklearn.metrics import adjusted_rand_score

    from guichet.participation.opinion import compute, synthetic

    shape = (args.participants, args.statements)
    rows, cols, values, truth = synthetic.planted(
        *shape, groups=args.groups, fill=args.fill, consensual=10, seed=7
    )
    started, cpu_started = time.perf_counter(), time.process_time()
    matrix, mask = compute.vote_matrix(rows, cols, values, shape)
    built = time.perf_counter()
    result = compute.compute(matrix, mask)
    finished, cpu_finished = time.perf_counter(), time.process_time()
    clustered = result.labels >= 0
    outcome = {
        "benchmark": "participation_opinion",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": platform.platform(),
        "participants": args.participants,
        "statements": args.statements,
        "votes": int(len(values)),
        "planted_groups": args.groups,
        "groups_found": result.k,
        "silhouette": round(result.silhouette or 0.0, 3),
        "adjusted_rand_index": round(
            float(adjusted_rand_score(truth[clustered], result.labels[clustered])), 4
        ),
        # The first 10 statements are agreed by every planted group; the others are agreed by
        # each group with probability 1/2.
        "consensus_mean_planted_consensual": round(float(result.consensus[:10].mean()), 3),
        "consensus_mean_others": round(float(result.consensus[10:].mean()), 3),
        "matrix_seconds": round(built - started, 3),
        "compute_seconds": round(finished - built, 3),
        "total_seconds": round(finished - started, 3),
        # CPU time of the process (all its threads): the machine is shared, wall time is not
        # always ours.
        "total_cpu_seconds": round(cpu_finished - cpu_started, 3),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(outcome, indent=2))
    if not args.no_save:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M")
        path = HERE / "results" / f"participation_opinion-{stamp}.json"
        path.write_text(json.dumps(outcome, indent=2) + "\n")
        print(f"saved {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
