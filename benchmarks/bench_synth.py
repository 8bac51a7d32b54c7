"""Synth speed: the whole app (every environment) against an empty CDK app, same toolchain.

The empty app pays the same fixed costs (node + CDK CLI start, Python + jsii kernel start,
aws-cdk-lib load), so the ratio shows what our constructs add on top of that floor.
Target (issue "foundation"): ratio <= 2.5. Run with ``make bench`` or directly.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
TARGET_RATIO = 2.5
CDK = str(REPO / "node_modules" / ".bin" / "cdk")

# The CLI refuses an app without stacks, so the floor is one stack with no resources.
EMPTY_APP = """
from aws_cdk import App, Stack
app = App()
Stack(app, "Empty")
app.synth()
"""


def _cdk_synth_seconds(app_dir: Path, outdir: Path) -> float:
    shutil.rmtree(outdir, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [
            str(REPO / "node_modules/.bin/cdk"),
            "synth",
            "--quiet",
            "--no-notices",
            "--lookups=false",
            "--output",
            str(outdir),
        ],
        cwd=app_dir,
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "CDK_DISABLE_VERSION_CHECK": "true", "AWS_EC2_METADATA_DISABLED": "true"},
    )
    return time.perf_counter() - started


def main() -> int:
    python = REPO / ".venv/bin/python"
    with tempfile.TemporaryDirectory() as scratch:
        empty = Path(scratch) / "empty"
        empty.mkdir()
        (empty / "app.py").write_text(EMPTY_APP)
        (empty / "cdk.json").write_text(f'{{"app": "{python} app.py"}}')
        # Warm the file cache once for both so neither pays a cold-disk penalty.
        _cdk_synth_seconds(empty, Path(scratch) / "out-empty")
        _cdk_synth_seconds(REPO, Path(scratch) / "out-full")
        empty_times = [_cdk_synth_seconds(empty, Path(scratch) / "out-empty") for _ in range(RUNS)]
        full_times = [_cdk_synth_seconds(REPO, Path(scratch) / "out-full") for _ in range(RUNS)]
    empty_median = statistics.median(empty_times)
    full_median = statistics.median(full_times)
    ratio = full_median / empty_median
    print(f"empty CDK app synth: median {empty_median:.2f} s over {RUNS} runs")
    print(f"full app synth (dev, staging, prod): median {full_median:.2f} s over {RUNS} runs")
    verdict = "OK" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"ratio: {ratio:.2f}x (target <= {TARGET_RATIO}x) -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
