"""Speed of the Flow-language tooling: the checker on a full-size flow, run-flow from a cold start.

* **Check a 250-action flow** (the Flow language's maximum) — in-process, after one warm-up, the
  median and worst of ``check_flow`` over a flow built from the model's own documentation examples
  (every action type, repeated, chained, with its error branches). Target (issue 9): < 50 ms.
* **run-flow from a fresh interpreter** — ``python -m simulator run-flow FILE --json`` per flow,
  wall-clock from process start to exit. The flows are the AWS-published corpus when it is beside
  the repository (``../shared/real_flows``), else ours. Target: < 1 s each.

Usage: ``python benchmarks/bench_flowlang.py [--repeat 20] [--corpus DIR]`` from the repository root.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "lambda_src"), str(REPO_ROOT)]

from flowlang.actions import ACTION_TYPES  # noqa: E402 - the repository must be on the path first
from flowlang.checker import check_flow  # noqa: E402
from flowlang.model import MAX_ACTIONS, Ending, FlowType  # noqa: E402

TARGET_CHECK_MS = 50.0
TARGET_RUN_SECONDS = 1.0


def full_size_flow(size: int = MAX_ACTIONS) -> dict[str, Any]:
    """``size`` actions: the documented examples of every (contact-flow) action type, chained."""
    usable = [
        action_type
        for action_type in ACTION_TYPES.values()
        if FlowType.CONTACT_FLOW in action_type.flow_types and action_type.ending is Ending.NONE
    ]
    actions: list[dict[str, Any]] = []
    count = size - 1
    for index in range(count):
        action_type = usable[index % len(usable)]
        identifier = f"a{index}"
        following = f"a{index + 1}" if index + 1 < count else "end"
        transitions: dict[str, Any] = {
            "NextAction": following,
            "Errors": [
                {"ErrorType": error, "NextAction": "end"}
                for error in sorted(action_type.possible_errors(action_type.example))
            ],
        }
        if action_type.conditions is not None and action_type.example_conditions:
            transitions["Conditions"] = [
                {"NextAction": following, "Condition": {"Operator": operator, "Operands": [operand]}}
                for operator, operand in action_type.example_conditions
            ]
        actions.append(
            {
                "Identifier": identifier,
                "Type": action_type.name,
                "Parameters": dict(action_type.example),
                "Transitions": transitions,
            }
        )
    end = {"Identifier": "end", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
    actions.append(end)
    return {"Version": "2019-10-30", "StartAction": "a0", "Actions": actions}


def bench_check(repeat: int) -> tuple[float, float, int]:
    flow = full_size_flow()
    check_flow(flow, flow_name="bench")  # warm-up: imports, regular expressions
    timings = []
    findings = 0
    for _ in range(repeat):
        started = time.perf_counter()
        findings = len(check_flow(flow, flow_name="bench"))
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings), findings


def corpus_files(corpus: Path) -> list[tuple[Path, str]]:
    types_file = corpus / "types.json"
    if types_file.is_file():
        types = json.loads(types_file.read_text(encoding="utf-8"))
        return [(corpus / name, str(flow_type)) for name, flow_type in sorted(types.items())]
    ours = REPO_ROOT / "contact_flows"
    return [(ours / "inbound.json", "CONTACT_FLOW"), (ours / "customer_queue.json", "CUSTOMER_QUEUE")]


def bench_run_flow(corpus: Path) -> list[tuple[str, float, str]]:
    results = []
    for path, flow_type in corpus_files(corpus):
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "simulator", "run-flow", str(path), "--type", flow_type, "--json",
             "--say", "네", "--say", "1"],
            cwd=REPO_ROOT, capture_output=True, check=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
        outcome = json.loads(completed.stdout)["outcome"] if completed.returncode in (0, 1) else "exit 2"
        results.append((path.name, elapsed, outcome))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--corpus", type=Path, default=REPO_ROOT.parent / "shared" / "real_flows")
    args = parser.parse_args()

    median, worst, findings = bench_check(args.repeat)
    verdict = "ok" if worst < TARGET_CHECK_MS else "SLOW"
    print(
        f"check {MAX_ACTIONS}-action flow: median {median:.1f} ms, max {worst:.1f} ms "
        f"({findings} findings) — target < {TARGET_CHECK_MS:.0f} ms: {verdict}"
    )
    runs = bench_run_flow(args.corpus)
    for name, elapsed, outcome in runs:
        print(f"run-flow {name}: {elapsed * 1000:.0f} ms ({outcome})")
    slowest = max(elapsed for _name, elapsed, _outcome in runs)
    verdict = "ok" if slowest < TARGET_RUN_SECONDS else "SLOW"
    median_run = statistics.median(elapsed for _name, elapsed, _outcome in runs)
    print(
        f"run-flow from a fresh interpreter: median {median_run * 1000:.0f} ms, "
        f"max {slowest * 1000:.0f} ms over {len(runs)} flows — target < {TARGET_RUN_SECONDS:.0f} s: {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
