"""``python -m simulator test-case``: run Amazon Connect test cases against the offline contact center.

``FILE`` is a test case as ``CreateTestCase`` takes it (``{"Name", "EntryPoint": {"Type"},
"Content"}``) whose document names the local resources (``--scenario NAME --print`` writes one);
``--scenario NAME`` converts a scripted call of ``scenarios/calls.py`` and runs it; ``--record``
re-records ``scenarios/test_case_transcripts.json`` from every scripted call (after a flow, prompt
or scenario change). What the language cannot carry comes from the document's
``Metadata.Simulator.CallOptions`` (the scenario's ``call`` options, parsed by the ``call``
subcommand's own parser). The run is :func:`simulator.test_case_runner.run_test_case`. Prints one
line (``--json``: the summary object). Exit 0 when the test passes, 1 when it fails, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, BinaryIO

from simulator.commands.common import one_line_errors, write_json_line


class UsageError(ValueError):
    """Bad usage: one line, exit 2."""


def register(subparsers: Any) -> None:
    """Add the ``test-case`` subcommand."""
    parser = subparsers.add_parser(
        "test-case",
        help="run a Connect test case (Testing language) offline",
        description="Run an Amazon Connect test case, or a scripted call converted to one, offline.",
    )
    one_line_errors(parser)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", default=None, help="a CreateTestCase-shaped JSON file")
    source.add_argument("--scenario", metavar="NAME", help="a scripted call of scenarios/calls.py, by name")
    source.add_argument("--record", action="store_true", help="re-record every scripted call's transcript")
    parser.add_argument("--env", default="dev", help="environment of config/environments.json (default dev)")
    parser.add_argument(
        "--print", dest="print_only", action="store_true", help="print the test case, do not run"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.set_defaults(handler=run)


def call_settings(options: list[str], *, env: str | None = None) -> Any:
    """The call's settings from ``python -m simulator call`` options (a document's ``CallOptions``)."""
    from simulator.commands import call as call_command

    parser = argparse.ArgumentParser(prog="python -m simulator", add_help=False)
    call_command.register(parser.add_subparsers())
    arguments = ["call", *options, *(["--env", env] if env is not None else [])]
    return call_command.settings_from_args(parser.parse_args(arguments))


def document_settings(test_case: Any, *, env: str | None = None) -> Any:
    """The settings a test case's ``Metadata.Simulator.CallOptions`` give (``--at`` is required)."""
    simulator = (test_case.content.get("Metadata") or {}).get("Simulator") or {}
    options = simulator.get("CallOptions")
    if not isinstance(options, list) or "--at" not in options:
        raise UsageError(f"{test_case.name}: Metadata.Simulator.CallOptions with --at is required offline")
    return call_settings([str(option) for option in options], env=env)


def _scenario_test_case(name: str, env: str) -> Any:
    from scenarios.calls import SCRIPTED_CALLS
    from scenarios.test_cases import convert, current_transcript, load_transcripts
    from simulator.test_case_runner import TestCase, local_resources

    scripted = next((call for call in SCRIPTED_CALLS if call.name == name), None)
    if scripted is None:
        raise UsageError(f"--scenario: no scripted call named {name!r}")
    converted = convert(
        scripted,
        resources=local_resources(env),
        transcript=current_transcript(scripted, load_transcripts()),
        production=env == "prod",
    )
    return TestCase(
        name=converted.slug, entry_point_type=converted.entry_point_type, content=converted.content
    )


def _file_test_case(path: str) -> Any:
    from simulator.test_case_runner import TestCase
    from testlang.checker import check_document, errors_of

    try:
        definition = json.loads(Path(path).read_text(encoding="utf-8"))
        test_case = TestCase.from_definition(definition)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(f"{path}: not a readable test case ({type(error).__name__}: {error})") from None
    problems = errors_of(check_document(dict(test_case.content)))
    if problems:
        raise UsageError(f"{path}: {problems[0]} ({len(problems)} error(s))")
    return test_case


def _record(stdout: BinaryIO) -> int:
    from scenarios.calls import SCRIPTED_CALLS
    from scenarios.test_cases import TRANSCRIPTS_FILE, call_options, fingerprint
    from simulator.test_case_runner import record_events

    transcripts: dict[str, Any] = {}
    baseline: dict[str, int] | None = None
    for scripted in SCRIPTED_CALLS:
        settings = call_settings(call_options(scripted))
        says = tuple(scripted.says)
        if baseline is None:
            baseline = record_events(settings, ())[1]  # the seeded rows, before any caller input
        events, rows = record_events(settings, says)
        # The input whose bot turn writes a row (a booking): production test cases end before it.
        write_input = None
        if rows != baseline:
            write_input = next(
                n for n in range(len(says)) if record_events(settings, says[: n + 1])[1] != baseline
            )
        transcripts[scripted.name] = {
            "fingerprint": fingerprint(scripted),
            "bot_write_input": write_input,
            "events": events,
        }
    text = json.dumps(transcripts, ensure_ascii=False, indent=1) + "\n"
    TRANSCRIPTS_FILE.write_text(text, encoding="utf-8")
    stdout.write(f"recorded {len(transcripts)} transcripts in {TRANSCRIPTS_FILE.name}\n".encode())
    return 0


def run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Handler of ``test-case``: 0 passed (or recorded/printed), 1 failed, 2 bad usage."""
    from config.settings import ConfigError, load_environment
    from simulator.test_case_runner import run_test_case

    try:
        load_environment(args.env)
        if args.record:
            return _record(stdout)
        if args.scenario:
            test_case = _scenario_test_case(args.scenario, args.env)
        else:
            test_case = _file_test_case(args.file)
        settings = document_settings(test_case, env=args.env)
    except (ConfigError, UsageError) as error:
        sys.stderr.write(f"python -m simulator test-case: error: {error}\n")
        return 2
    if args.print_only:
        stdout.write((json.dumps(test_case.definition(), ensure_ascii=False) + "\n").encode("utf-8"))
        return 0
    result = run_test_case(test_case, settings)
    summary = result.summary()
    if args.json:
        write_json_line(stdout, summary)
    else:
        failed = f" (first not met: {summary['FailedObservation']})" if summary["FailedObservation"] else ""
        stdout.write(f"{summary['Status']} {test_case.name}{failed}\n".encode())
    return 0 if result.passed else 1
