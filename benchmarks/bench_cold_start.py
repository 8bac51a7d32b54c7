"""Cold-start import cost of the Lambda handlers compared with a bare ``import boto3``.

Each measurement is a fresh interpreter (``python -c "import ..."``) timed from the outside, so
interpreter start-up is included on both sides of the ratio, as it is in a Lambda cold start.
Runs are interleaved (baseline, lex hook, contact flow, baseline, ...) so that noise from other
processes on the machine hits every variant alike; the median of each is reported.

Target (issue 3, Speed): importing either handler module ≤ 1.3 × ``import boto3``.

Two informational lines follow the target:

* "first invocation": the handler module plus everything its first invocation imports lazily
  (boto3, the engine and classifiers, the DynamoDB layer). This is the real cold-start work;
  it moves out of the import, it does not disappear.
* "compile lambda_src": the asset ships without ``__pycache__``, so Lambda compiles our modules
  on a cold start; this is what that costs.

Usage: ``python benchmarks/bench_cold_start.py [--runs 21]`` from the repository root.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
ASSET_ROOT = REPO_ROOT / "lambda_src"
TARGET_RATIO = 1.3

VARIANTS: dict[str, str] = {
    "import boto3": "import boto3",
    "import handlers.lex_hook": "import handlers.lex_hook",
    "import handlers.contact_flow": "import handlers.contact_flow",
    # The wording: the handler's cold import with boto3 and Powertools included.
    "boto3 + handlers.lex_hook": "import boto3, handlers.lex_hook",
    "boto3 + handlers.contact_flow": "import boto3, handlers.contact_flow",
    "lex hook first invocation": (
        "import handlers.lex_hook, boto3, bot.engine, bot.faq, bot.classifier_chain, storage.dynamodb;"
        "from bot.local_classifier import default_classifier; default_classifier()"
    ),
}


def time_import(statement: str) -> float:
    """Wall-clock seconds of a fresh interpreter running ``statement`` (asset root on the path)."""
    environment = {**os.environ, "PYTHONPATH": str(ASSET_ROOT)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True, cwd=ASSET_ROOT, env=environment)
    return time.perf_counter() - started


def compile_seconds() -> float:
    """Seconds to compile every module of the asset from source (no .pyc in the asset)."""
    sources = [(path, path.read_text(encoding="utf-8")) for path in ASSET_ROOT.rglob("*.py")]
    started = time.perf_counter()
    for path, source in sources:
        compile(source, str(path), "exec")
    return time.perf_counter() - started


def main() -> int:
    """Measure, print a table and the ratios; exit 1 when a handler misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per variant (at least 15)")
    arguments = parser.parse_args()
    runs = max(15, arguments.runs)

    for statement in VARIANTS.values():  # warm the OS file cache and write .pyc files once
        time_import(statement)
    samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(runs):
        for name, statement in VARIANTS.items():
            samples[name].append(time_import(statement))

    medians = {name: statistics.median(values) for name, values in samples.items()}
    baseline = medians["import boto3"]
    print(
        f"Python {sys.version.split()[0]}, {runs} runs per variant, median wall time of a fresh interpreter"
    )
    print(f"{'variant':<34}{'median ms':>10}{'min ms':>9}{'ratio':>8}")
    for name, values in samples.items():
        ratio = medians[name] / baseline
        print(f"{name:<34}{medians[name] * 1000:>10.1f}{min(values) * 1000:>9.1f}{ratio:>8.2f}")
    print(f"compile lambda_src from source: {compile_seconds() * 1000:.1f} ms (asset ships without .pyc)")

    failed = False
    for name in ("boto3 + handlers.lex_hook", "boto3 + handlers.contact_flow"):
        ratio = medians[name] / baseline
        verdict = "OK" if ratio <= TARGET_RATIO else "TOO SLOW"
        failed |= ratio > TARGET_RATIO
        print(f"{name}: {ratio:.2f}x import boto3 (target <= {TARGET_RATIO}x) {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
