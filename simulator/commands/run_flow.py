"""``python -m simulator run-flow FILE``: run one flow document in a default world.

The run is :func:`simulator.run_flow.run_document`; the options steer the world
(:class:`simulator.flow_services.WorldOptions`). ``--json`` prints one object
``{"outcome", "prompts", "path", "attributes", "trace", "error"}``. Exit 0 for a completed run,
1 when the runtime could not continue, 2 for bad usage or an unreadable file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO, Final

from flowlang.actions import ACTION_TYPES
from flowlang.documents import DocumentError, read_json_document
from flowlang.model import FlowType
from simulator.commands.common import one_line_errors, upper_choice, whole_number
from simulator.flow_data import Flow, FlowError
from simulator.flow_services import WorldOptions
from simulator.run_flow import run_document

CHANNELS: Final = ("VOICE", "CHAT", "TASK", "EMAIL")
#: ``--fail`` names for the services behind Lambda and Lex actions.
SERVICE_ALIASES: Final = ("Lambda", "Lex")


class UsageError(ValueError):
    """Bad usage: one line, exit 2."""


def register(subparsers: Any) -> None:
    """Add the ``run-flow`` subcommand."""
    parser = subparsers.add_parser(
        "run-flow",
        help="run one flow document in a default world where every resource exists",
        description=(
            "Run one Flow-language document (a console export, an AWS sample or ours) to an end. "
            "Placeholders (%%Name%%, ${Name}) and ARNs name simulated resources."
        ),
    )
    one_line_errors(parser)
    parser.add_argument("file", help="the flow document (JSON)")
    parser.add_argument(
        "--type",
        dest="flow_type",
        type=upper_choice(tuple(FlowType)),
        default=FlowType.CONTACT_FLOW.value,
        help="flow type (default CONTACT_FLOW; FLOW_MODULE for modules)",
    )
    parser.add_argument("--channel", type=upper_choice(CHANNELS), default="VOICE", help="default VOICE")
    parser.add_argument(
        "--say", action="append", default=[], metavar="TEXT", help="the caller's next input (repeatable)"
    )
    parser.add_argument("--closed", action="store_true", help="every hours of operation is closed")
    parser.add_argument(
        "--agents", type=whole_number, default=1, help="agents staffed in every queue (default 1)"
    )
    parser.add_argument(
        "--contacts-in-queue", type=whole_number, default=0, help="contacts waiting (default 0)"
    )
    parser.add_argument("--queue-capacity", type=whole_number, default=None, help="contacts a queue takes")
    parser.add_argument(
        "--lambda-response",
        type=_json_object,
        default=None,
        metavar="JSON",
        help='what every Lambda function answers (default {}), e.g. \'{"result": "ok"}\'',
    )
    parser.add_argument("--intent", default=None, help="the intent every bot recognises")
    parser.add_argument(
        "--fail",
        action="append",
        default=[],
        metavar="SERVICE[=ERROR]",
        help="make an action type's service (or Lambda, Lex) fail, with ERROR (default NoMatchingError)",
    )
    parser.add_argument(
        "--flow",
        action="append",
        default=[],
        metavar="ID=FILE[:TYPE]",
        help="the document of a flow or module the flow references by ARN, id or placeholder",
    )
    parser.add_argument("--percent", type=_percent, default=1, help="DistributeByPercentage's draw (1-100)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def _percent(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 100:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 100: {value!r}")
    return int(value)


def _json_object(value: str) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        raise argparse.ArgumentTypeError(f"not JSON: {value!r}") from None
    if not isinstance(parsed, dict):
        raise argparse.ArgumentTypeError("must be a JSON object")
    return parsed


def read_document(path: str) -> Any:
    """The JSON document at ``path``; an unreadable file is a usage error."""
    try:
        return read_json_document(path)
    except DocumentError as error:
        raise UsageError(str(error)) from None


def _load_flow(path: str, flow_type: str, *, name: str | None = None) -> Flow:
    try:
        return Flow.from_json(name or Path(path).name, read_document(path), flow_type=flow_type)
    except FlowError as error:
        raise UsageError(str(error)) from None


def _referenced_flows(entries: list[str]) -> dict[str, Flow]:
    flows: dict[str, Flow] = {}
    for entry in entries:
        key, separator, rest = entry.partition("=")
        if not separator or not key or not rest:
            raise UsageError(f"--flow takes ID=FILE[:TYPE], got {entry!r}")
        path, _, flow_type = rest.partition(":") if rest.count(":") == 1 else (rest, "", "")
        flow_type = flow_type.upper() or FlowType.CONTACT_FLOW.value
        if flow_type not in set(FlowType):
            raise UsageError(f"--flow {key}: unknown flow type {flow_type!r}")
        flows[key] = _load_flow(path, flow_type, name=key)
    return flows


def _failures(entries: list[str]) -> dict[str, str]:
    failing: dict[str, str] = {}
    for entry in entries:
        name, _, error_type = entry.partition("=")
        if name not in ACTION_TYPES and name not in SERVICE_ALIASES:
            aliases = " or ".join(SERVICE_ALIASES)
            raise UsageError(f"--fail names a Flow-language action type or {aliases}, got {name!r}")
        failing[name] = error_type or "NoMatchingError"
    return failing


def options_from_args(args: argparse.Namespace) -> WorldOptions:
    """The default world, steered by the command line."""
    lambda_responses: Mapping[str, Any] = {"*": args.lambda_response} if args.lambda_response else {}
    return WorldOptions(
        inputs=list(args.say),
        hours_open=not args.closed,
        agents_staffed=args.agents,
        contacts_in_queue=args.contacts_in_queue,
        queue_capacity=args.queue_capacity,
        lambda_responses=lambda_responses,
        failing=_failures(args.fail),
        bot_intents={"*": args.intent} if args.intent else {},
        flows=_referenced_flows(args.flow),
        percent=args.percent,
    )


def run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """``run-flow``: 0 for a completed run, 1 when the runtime could not continue, 2 for bad usage."""
    try:
        flow = _load_flow(args.file, args.flow_type)
        options = options_from_args(args)
    except UsageError as error:
        stdout.flush()
        print(f"python -m simulator run-flow: error: {error}", file=sys.stderr)
        return 2
    result = run_document(flow, options=options, channel=args.channel)
    if args.json:
        stdout.write(json.dumps(result, ensure_ascii=False).encode("utf-8") + b"\n")
    else:
        stdout.write(_readable(result).encode("utf-8"))
    stdout.flush()
    return 1 if result["outcome"] == "error" else 0


def _readable(result: Mapping[str, Any]) -> str:
    lines = [f"outcome: {result['outcome']}"]
    if result["error"]:
        lines.append(f"error: {result['error']}")
    lines.extend(f"  ♪ {prompt}" for prompt in result["prompts"])
    lines.append("path: " + " → ".join(result["path"]))
    lines.extend(f"  · {event}" for event in result["trace"])
    if result["attributes"]:
        lines.append("attributes: " + json.dumps(result["attributes"], ensure_ascii=False))
    return "\n".join(lines) + "\n"
