"""Containment of the scripted calls with FAQ before escalation off ("before") and on ("after").

Containment is what a contact center is judged by: callers served without an agent. The calls that
count are the scripted calls whose need the FAQ content answers (``ScriptedCall.faq_answerable`` in
``scenarios/calls.py``); a call is contained when it ends without an agent or a callback (the
simulator's outcome ``disconnected``). Each call runs through ``python -m simulator call`` in
process, once with ``--faq-first off`` and once with ``--faq-first on``; everything else about the
call (time, channel, tier, faults) is the scripted call's own, so the difference is the policy alone.

Usage: ``python benchmarks/bench_containment.py [--all]`` from the repository root (``--all`` runs
every scripted call and lists each one whose outcome FAQ first changes). Prints the numbers the
README's "FAQ before escalation" section quotes; exit status 0, 2 with one line for a bad option.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "lambda_src"), str(REPO_ROOT)]

from scenarios.calls import SCRIPTED_CALLS, ScriptedCall  # noqa: E402 - the asset root must be on the path first
from simulator import cli  # noqa: E402

#: Simulator outcomes that end without an agent or a callback.
CONTAINED_OUTCOMES = frozenset({"disconnected"})


@dataclass(frozen=True, slots=True)
class Containment:
    """How many of the counted calls ended without an agent."""

    calls: int
    contained: int

    @property
    def rate(self) -> float:
        return self.contained / self.calls if self.calls else 0.0

    def line(self, label: str) -> str:
        return f"{label}: {self.contained}/{self.calls} contained ({self.rate:.0%})"


def outcome(scripted: ScriptedCall, *, faq_first: bool) -> str:
    """The simulator's outcome of one scripted call with FAQ first on or off."""
    stdout = io.BytesIO()
    argv = [*scripted.argv(), "--faq-first", "on" if faq_first else "off"]
    status = cli.main(argv, stdin=io.BytesIO(), stdout=stdout)
    if status != 0:
        raise RuntimeError(f"the simulator failed on {scripted.name!r} (exit {status})")
    return str(json.loads(stdout.getvalue().decode("utf-8").splitlines()[-1])["outcome"])


def measure(calls: Iterable[ScriptedCall], *, faq_first: bool) -> tuple[Containment, dict[str, str]]:
    """Containment of the FAQ-answerable calls among ``calls``, and every call's outcome by name."""
    outcomes = {scripted.name: outcome(scripted, faq_first=faq_first) for scripted in calls}
    answerable = [scripted.name for scripted in calls if scripted.faq_answerable]
    contained = sum(1 for name in answerable if outcomes[name] in CONTAINED_OUTCOMES)
    return Containment(len(answerable), contained), outcomes


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"bench_containment: {message}", file=sys.stderr)
        raise SystemExit(2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--all", action="store_true", help="run every scripted call, not only the answerable")
    args = parser.parse_args(argv)
    calls = [scripted for scripted in SCRIPTED_CALLS if args.all or scripted.faq_answerable]
    before, before_outcomes = measure(calls, faq_first=False)
    after, after_outcomes = measure(calls, faq_first=True)
    print(f"scripted calls whose need the FAQ answers: {before.calls} of {len(SCRIPTED_CALLS)}")
    print(before.line("before (faq_first off)"))
    print(after.line("after  (faq_first on) "))
    for scripted in calls:
        was, now = before_outcomes[scripted.name], after_outcomes[scripted.name]
        if was != now:
            print(f"  changed: {scripted.name}: {was} -> {now}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
