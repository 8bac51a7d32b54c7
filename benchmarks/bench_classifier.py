"""Local understanding speed: classifier and FAQ matcher build time and per-utterance latency.

Budgets (issue "bot brain"): build < 50 ms, classify < 1 ms typical. Measured over the held-out
utterance set; run with ``make bench`` or directly.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "lambda_src"))

from bot.faq import FaqMatcher, load_faq_entries  # noqa: E402
from bot.local_classifier import DEFAULT_EXAMPLES_PATH, LocalClassifier  # noqa: E402

ROUNDS = 20


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    texts = [
        json.loads(line)["text"]
        for line in (REPO / "tests/unit/data/utterances.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    builds = []
    for _ in range(5):
        started = time.perf_counter()
        classifier = LocalClassifier.from_examples(DEFAULT_EXAMPLES_PATH)
        builds.append(time.perf_counter() - started)
    started = time.perf_counter()
    matcher = FaqMatcher(load_faq_entries())
    faq_build = time.perf_counter() - started

    classify_times: list[float] = []
    faq_times: list[float] = []
    for _ in range(ROUNDS):
        for text in texts:
            started = time.perf_counter()
            classifier.classify(text)
            classify_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            matcher.best(text)
            faq_times.append(time.perf_counter() - started)
    print(f"classifier build: median {statistics.median(builds) * 1000:.1f} ms (budget 50 ms)")
    print(f"faq matcher build: {faq_build * 1000:.1f} ms")
    print(
        f"classify: p50 {statistics.median(classify_times) * 1000:.3f} ms, "
        f"p99 {_percentile(classify_times, 0.99) * 1000:.3f} ms "
        f"over {len(classify_times)} calls (budget 1 ms)"
    )
    print(
        f"faq best: p50 {statistics.median(faq_times) * 1000:.3f} ms, "
        f"p99 {_percentile(faq_times, 0.99) * 1000:.3f} ms over {len(faq_times)} calls"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
