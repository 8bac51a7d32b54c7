"""``python -m release.verify --env dev``: run every published test case of a deployed environment.

After a deploy, Amazon Connect's own test cases (``AWS::Connect::TestCase``, named
``<name_prefix>-<slug>``) drive simulated contacts through the real flows, bot and functions. This
command starts each published test case of the environment's instance whose name starts with
``<name_prefix>-``, notes each one it does not run (``not run: <name>: <reason>``, the reason a saved
test case's description gives, e.g. one that depends on live staffing), waits with a progress bar on
stderr, prints one result line per test case (a failure with its failing step) and exits 1 unless
every one passed.

Connect runs at most 5 executions at once, queues up to 100 and stops each after 5 minutes. We start
at most :data:`MAX_RUNNING` and the next one when one finishes, so we never fill the queue other
users share; a start refused for quota or throttling is tried again on the next round. An
execution still unfinished after ``--timeout`` seconds is stopped and reported as timed out. On any
exit — a timeout, an error, Ctrl-C — every execution this command started and did not see finish
is stopped (``StopTestCaseExecution``): nothing is left running in the account.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TextIO

from botocore.exceptions import ClientError

from release.deployed import (
    EXIT_FAILED,
    EXIT_OK,
    ClientFactory,
    aws_clients,
    deployed_command_parser,
    describe_error,
    error_code,
    is_throttled,
    load_config,
    read_deployment,
    require_positive_times,
    run,
)
from testlang.model import NOT_RUN_PREFIX

COMMAND: Final = "verify"
#: Connect runs at most 5 test case executions at once (per instance).
MAX_RUNNING: Final = 5
#: Connect ends an execution after 5 minutes; ours waits a little longer for its final status.
DEFAULT_TIMEOUT_SECONDS: Final = 330.0
DEFAULT_POLL_SECONDS: Final = 5.0
#: Statuses after which an execution no longer changes.
FINAL_STATUSES: Final = frozenset({"PASSED", "FAILED", "STOPPED"})
#: A start refused for these reasons is tried again on the next round (others' tests fill the slots).
_RETRY_START_CODES: Final = frozenset({"ServiceQuotaExceededException"})
_RECORD_CHARACTERS: Final = 300


@dataclass(frozen=True)
class TestCase:
    __test__ = False  # not a pytest class

    test_case_id: str
    name: str


@dataclass
class Execution:
    test_case: TestCase
    execution_id: str
    started_at: float


@dataclass(frozen=True)
class Outcome:
    """How one test case ended: ``PASSED``, ``FAILED``, ``STOPPED``, ``TIMED_OUT`` or ``NOT_STARTED``."""

    test_case: TestCase
    status: str
    detail: str = ""
    failing_steps: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == "PASSED"


@dataclass
class Progress:
    """The text progress bar on stderr: redrawn in place on a terminal, one line per change otherwise."""

    total: int
    out: TextIO
    width: int = 30
    _last: str = field(default="", init=False)

    def show(self, done: int, running: int) -> None:
        filled = self.width * done // self.total if self.total else self.width
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} done, {running} running"
        if line == self._last:
            return
        self._last = line
        if self.out.isatty():
            self.out.write(f"\r{line}")
            if done == self.total:
                self.out.write("\n")
        else:
            self.out.write(f"{line}\n")
        self.out.flush()


def published_test_cases(connect: Any, instance_id: str, prefix: str, stderr: TextIO) -> list[TestCase]:
    """The instance's published test cases named ``<prefix>-…``, by name; unpublished ones are noted."""
    found: list[TestCase] = []
    paginator = connect.get_paginator("list_test_cases")
    for page in paginator.paginate(InstanceId=instance_id):
        for summary in page.get("TestCaseSummaryList", []):
            name = summary.get("Name", "")
            if not name.startswith(f"{prefix}-"):
                continue
            if summary.get("Status") != "PUBLISHED":
                reason = not_run_reason(connect, instance_id, summary)
                print(f"not run: {name}: {reason}", file=stderr)
                continue
            found.append(TestCase(test_case_id=summary["Id"], name=name))
    return sorted(found, key=lambda case: case.name)


def not_run_reason(connect: Any, instance_id: str, summary: dict[str, Any]) -> str:
    """Why a test case is not published: its description's reason, else its status."""
    fallback = f"not published (status {summary.get('Status')})"
    try:
        described = connect.describe_test_case(InstanceId=instance_id, TestCaseId=summary["Id"])
    except ClientError:
        return fallback
    description = str((described.get("TestCase") or {}).get("Description") or "")
    if description.startswith(NOT_RUN_PREFIX):
        return description[len(NOT_RUN_PREFIX) :].split(". ", 1)[0]
    return fallback


def _step(record: dict[str, Any]) -> str:
    """One execution record: its status, observation and (shortened) details."""
    details = _one_line(str(record.get("Record", "")))
    return f"{record.get('Status')} {record.get('ObservationId', '?')}: {details}"


def _one_line(text: str) -> str:
    with contextlib.suppress(TypeError, ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    text = " ".join(text.split())
    return text if len(text) <= _RECORD_CHARACTERS else f"{text[: _RECORD_CHARACTERS - 1]}…"


class Verifier:
    """Runs test cases at most :data:`MAX_RUNNING` at a time; stops what it started on any exit."""

    def __init__(
        self,
        connect: Any,
        instance_id: str,
        *,
        timeout: float,
        poll_seconds: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        stderr: TextIO,
    ) -> None:
        self._connect = connect
        self._instance_id = instance_id
        self._timeout = timeout
        self._poll_seconds = poll_seconds
        self._clock = clock
        self._sleep = sleep
        self._stderr = stderr
        self._running: dict[str, Execution] = {}

    def run(self, test_cases: Sequence[TestCase]) -> list[Outcome]:
        pending = deque(test_cases)
        outcomes: list[Outcome] = []
        progress = Progress(total=len(test_cases), out=self._stderr)
        refused_since: float | None = None
        try:
            while pending or self._running:
                refused = self._start_next(pending)
                if refused is not None and not self._running:
                    refused_since = refused_since if refused_since is not None else self._clock()
                    if self._clock() - refused_since > self._timeout:
                        outcomes.extend(Outcome(case, "NOT_STARTED", refused) for case in pending)
                        pending.clear()
                        break
                else:
                    refused_since = None
                progress.show(len(outcomes), len(self._running))
                self._sleep(self._poll_seconds)
                for execution in list(self._running.values()):
                    outcome = self._check(execution)
                    if outcome is not None:
                        outcomes.append(outcome)
                        progress.show(len(outcomes), len(self._running))
        finally:
            self._stop_all()
        progress.show(len(outcomes), 0)
        order = {case.test_case_id: index for index, case in enumerate(test_cases)}
        return sorted(outcomes, key=lambda outcome: order[outcome.test_case.test_case_id])

    def _start_next(self, pending: deque[TestCase]) -> str | None:
        """Start pending test cases while a slot is free; why a start was refused, if one was."""
        while pending and len(self._running) < MAX_RUNNING:
            case = pending[0]
            try:
                response = self._connect.start_test_case_execution(
                    InstanceId=self._instance_id, TestCaseId=case.test_case_id, ClientToken=str(uuid.uuid4())
                )
            except ClientError as error:
                if is_throttled(error) or error_code(error) in _RETRY_START_CODES:
                    return f"not started: {describe_error(error)}"
                raise
            pending.popleft()
            execution_id = response["TestCaseExecutionId"]
            self._running[execution_id] = Execution(case, execution_id, self._clock())
        return None

    def _check(self, execution: Execution) -> Outcome | None:
        """The outcome of a finished (or overdue, then stopped) execution; None while it runs."""
        case = execution.test_case
        try:
            summary = self._connect.get_test_case_execution_summary(
                InstanceId=self._instance_id,
                TestCaseId=case.test_case_id,
                TestCaseExecutionId=execution.execution_id,
            )
        except ClientError as error:
            if not is_throttled(error):
                raise
            summary = {}
        status = summary.get("Status")
        if status in FINAL_STATUSES:
            del self._running[execution.execution_id]
            observations = summary.get("ObservationSummary", {})
            detail = (
                f"{observations.get('ObservationsPassed', 0)}/{observations.get('TotalObservations', 0)} "
                "observations passed"
            )
            steps = () if status == "PASSED" else self._failing_steps(execution)
            return Outcome(case, str(status), detail, steps)
        elapsed = self._clock() - execution.started_at
        if elapsed > self._timeout:
            stopped = "stopped" if self._stop(execution) else "could not stop it"
            del self._running[execution.execution_id]
            detail = f"still {status or 'unknown'} after {elapsed:.0f} s: {stopped}"
            return Outcome(case, "TIMED_OUT", detail, self._failing_steps(execution))
        return None

    def _failing_steps(self, execution: Execution) -> tuple[str, ...]:
        """The records that did not pass (``ListTestCaseExecutionRecords``, every page)."""
        records: list[dict[str, Any]] = []
        request = {
            "InstanceId": self._instance_id,
            "TestCaseId": execution.test_case.test_case_id,
            "TestCaseExecutionId": execution.execution_id,
            "MaxResults": 100,
        }
        try:
            while True:
                page = self._connect.list_test_case_execution_records(**request)
                records.extend(page.get("ExecutionRecords", []))
                if not page.get("NextToken"):
                    break
                request["NextToken"] = page["NextToken"]
        except ClientError as error:
            return (f"records unavailable: {describe_error(error)}",)
        failed = [record for record in records if record.get("Status") == "FAILED"]
        unfinished = [record for record in records if record.get("Status") in ("IN_PROGRESS", "STOPPED")]
        return tuple(_step(record) for record in (failed or unfinished))

    def _stop(self, execution: Execution) -> bool:
        try:
            self._connect.stop_test_case_execution(
                InstanceId=self._instance_id,
                TestCaseId=execution.test_case.test_case_id,
                TestCaseExecutionId=execution.execution_id,
                ClientToken=str(uuid.uuid4()),
            )
        except ClientError as error:
            name = f"{execution.test_case.name} ({execution.execution_id})"
            print(f"could not stop {name}: {describe_error(error)}", file=self._stderr)
            return False
        return True

    def _stop_all(self) -> None:
        """Stop every execution still running (an error or Ctrl-C left them)."""
        for execution in list(self._running.values()):
            if self._stop(execution):
                print(f"stopped {execution.test_case.name} ({execution.execution_id})", file=self._stderr)
            del self._running[execution.execution_id]


def report(outcomes: Sequence[Outcome], out: TextIO) -> None:
    for outcome in outcomes:
        print(f"{outcome.status:<11} {outcome.test_case.name}  {outcome.detail}".rstrip(), file=out)
        for step in outcome.failing_steps:
            print(f"    failing step: {step}", file=out)


def _parser() -> argparse.ArgumentParser:
    return deployed_command_parser(
        "python -m release.verify",
        "Run every published Connect test case of a deployed environment.",
        timeout_seconds=DEFAULT_TIMEOUT_SECONDS,
        timeout_help="stop a test case still running after this many seconds",
        poll_seconds=DEFAULT_POLL_SECONDS,
    )


def main(
    argv: Sequence[str] | None = None,
    *,
    clients: ClientFactory = aws_clients,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr

    def body() -> int:
        args = _parser().parse_args(argv)
        require_positive_times(args)
        config = load_config(args.env)
        deployment = read_deployment(config, clients(config, "cloudformation"), ("connect",))
        connect = clients(config, "connect")
        test_cases = published_test_cases(connect, deployment.instance_id, config.name_prefix, err)
        if not test_cases:
            where = f"instance {deployment.instance_id}"
            print(f"{COMMAND}: no published test case named {config.name_prefix}-* in {where}", file=err)
            return EXIT_FAILED
        verifier = Verifier(
            connect,
            deployment.instance_id,
            timeout=args.timeout,
            poll_seconds=args.poll_seconds,
            clock=clock,
            sleep=sleep,
            stderr=err,
        )
        outcomes = verifier.run(test_cases)
        report(outcomes, out)
        failed = sum(1 for outcome in outcomes if not outcome.passed)
        print(f"{COMMAND} {config.name}: {len(outcomes) - failed} passed, {failed} not passed", file=out)
        return EXIT_OK if failed == 0 else EXIT_FAILED

    return run(COMMAND, body, stderr=err)


if __name__ == "__main__":
    sys.exit(main())
