"""Print how fast the rule engine is: the full `rules check` walk and one `evaluate` call.

Targets (issue 2): the whole walk under 2 s on this 2-core machine; evaluate under 50 µs median.
Run with `make bench`.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

from webapp.readability import reading_grade
from webapp.rulebook import evaluate, load, verify
from webapp.rulebook.verify import walk

RULES = Path(__file__).resolve().parent.parent / "rules"


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    load_times = timed(lambda: load(RULES), 5)
    rulebook = load(RULES)
    print(f"load rules/                  median {statistics.median(load_times) * 1000:7.1f} ms")

    walk_times = timed(lambda: verify(rulebook), 5)
    report = verify(rulebook)
    print(
        f"verify: walk + checks         median {statistics.median(walk_times):7.3f} s  "
        f"({report.combinations:,} combinations; target < 2 s)"
    )
    check_times = timed(lambda: verify(rulebook, grade=reading_grade), 3)
    print(
        f"verify with reading grades    median {statistics.median(check_times):7.3f} s  "
        "(what `rules check` runs)"
    )

    combos = [dict(a) for a in walk(rulebook)]
    random.Random(7).shuffle(combos)
    sample = combos[:3000]
    per_call = []
    for answers in sample:
        started = time.perf_counter_ns()
        for _ in range(20):
            evaluate(rulebook, answers)
        per_call.append((time.perf_counter_ns() - started) / 20 / 1000)
    per_call.sort()
    print(
        f"evaluate, one call            median {statistics.median(per_call):7.1f} µs  "
        f"p95 {per_call[int(len(per_call) * 0.95)]:.1f} µs  max {per_call[-1]:.1f} µs  "
        f"({len(sample):,} answer sets x 20; target median < 50 µs)"
    )


if __name__ == "__main__":
    main()
