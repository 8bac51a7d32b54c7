"""Speed of the call simulator: a complete call from a cold interpreter, and one interactive turn.

* **Complete call** — ``python -m simulator call --json --say …`` in a fresh interpreter, wall-clock
  from process start to exit (imports, moto tables, the flows, the handlers, the whole call).
  Target (issue 5, Speed): < 3 s.
* **Interactive turn** — inside one process after a warm-up call, the time from the caller's input
  to the moment the simulator waits for the next one (Lex simulation, the real code hook on moto
  tables, the flow actions in between). Target: < 200 ms.

Usage: ``python benchmarks/bench_call.py [--calls 5] [--turns 12]`` from the repository root.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "lambda_src"), str(REPO_ROOT)]

from bot.models import KST  # noqa: E402 - the asset root must be on the path first
from simulator.call import simulate_call  # noqa: E402
from simulator.world import CallSettings  # noqa: E402

TARGET_CALL_SECONDS = 3.0
TARGET_TURN_MS = 200.0
CALL_ARGS = (
    "call", "--json", "--at", "2026-03-14T10:00", "--say", "주문 조회하고 싶어요", "--say", "ORD20260001",
    "--say", "상담원 연결해 주세요", "--say", "1",
)  # fmt: skip
#: A long conversation: FAQ questions and a dialog, then goodbye.
TURNS = (
    "안녕하세요",
    "배송 보통 며칠 걸려요?",
    "영업시간이 어떻게 되나요",
    "결제 방법 뭐 있어요",
    "주문 조회하고 싶어요",
    "ORD20260001",
    "반품은 언제까지 되나요",
    "비밀번호를 잊어버렸어요",
    "예약하고 싶어요",
    "1",
    "2026-03-20",
    "010-1234-5678",
)


class TimedCaller:
    """Says the turns in order and measures how long each one took to be answered."""

    def __init__(self, turns: list[str]) -> None:
        self._turns = turns
        self._answered_at: float | None = None
        self.turn_ms: list[float] = []

    def next_input(self, keypad: bool = False) -> str | None:
        now = time.perf_counter()
        if self._answered_at is not None:
            self.turn_ms.append((now - self._answered_at) * 1000)
        if not self._turns:
            return None
        self._answered_at = time.perf_counter()
        return self._turns.pop(0)


def complete_calls(count: int) -> list[float]:
    """Wall-clock seconds of ``count`` complete calls, each in a fresh interpreter."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "simulator", *CALL_ARGS],
            capture_output=True, cwd=REPO_ROOT, env=env, check=False, timeout=60,
        )  # fmt: skip
        timings.append(time.perf_counter() - started)
        if completed.returncode != 0:
            raise SystemExit(f"call failed: {completed.stderr.decode(errors='replace')}")
    return timings


def interactive_turns(rounds: int) -> list[float]:
    """Milliseconds per caller turn over ``rounds`` long calls (after one warm-up call)."""
    at = datetime(2026, 3, 10, 10, 0, tzinfo=KST)
    simulate_call(CallSettings(at=at), TimedCaller(list(TURNS)))  # warm-up: imports, first tables
    timings: list[float] = []
    for _ in range(rounds):
        caller = TimedCaller(list(TURNS))
        simulate_call(CallSettings(at=at), caller)
        timings.extend(caller.turn_ms)
    return timings


def main() -> int:
    """Measure both, print them, exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()

    calls = complete_calls(arguments.calls)
    turns = sorted(interactive_turns(arguments.rounds))
    worst_call, worst_turn = max(calls), turns[-1]
    print(f"Python {sys.version.split()[0]}")
    print(
        f"complete call (fresh interpreter, {len(calls)} runs): median {statistics.median(calls):.2f} s  "
        f"max {worst_call:.2f} s (target < {TARGET_CALL_SECONDS:.0f} s) "
        f"{'OK' if worst_call < TARGET_CALL_SECONDS else 'TOO SLOW'}"
    )
    print(
        f"interactive turn ({len(turns)} turns): median {statistics.median(turns):.1f} ms  "
        f"p90 {turns[int(0.9 * (len(turns) - 1))]:.1f} ms  max {worst_turn:.1f} ms "
        f"(target < {TARGET_TURN_MS:.0f} ms) {'OK' if worst_turn < TARGET_TURN_MS else 'TOO SLOW'}"
    )
    return 0 if worst_call < TARGET_CALL_SECONDS and worst_turn < TARGET_TURN_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
