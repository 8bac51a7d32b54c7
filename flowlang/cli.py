"""``python -m flowlang``: check, import and diff Flow-language documents.

    python -m flowlang check [--type TYPE] [--json] FILE...
        errors and warnings of each document or template; exit 0 when no file has errors, 1 when
        one has, 2 for bad usage or unreadable JSON. Without ``--type`` a file that is one of our
        own templates (a ``FlowSpec`` of ``flowlang.templates``, matched by path) is checked as its
        spec's flow type, any other file as ``CONTACT_FLOW``. ``--json``: one object per file per line,
        ``{"file", "flow_type", "errors": [...], "warnings": [...]}``, each finding
        ``{"action", "rule", "message"}``.
    python -m flowlang import EXPORTED.json --outputs cdk-outputs.json --name NAME [--type TYPE]
        a console export → ``contact_flows/NAME.json`` with the environment's ARNs as placeholders;
        exit 0 when written, 1 when the export cannot become a template, 2 for bad usage.
    python -m flowlang diff OLD NEW
        an action-level diff; exit 0 with no changes, 1 with changes, 2 for bad usage.
    python -m flowlang layout FILE...
        give every action without a designer position one (in place; positions kept).

Every error is one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from flowlang import templates
from flowlang.checker import check_flow, errors_of, warnings_of
from flowlang.diff import diff_flows
from flowlang.documents import DocumentError, read_json_document
from flowlang.importer import FlowImportError, to_template
from flowlang.layout import place_actions, unplaced
from flowlang.model import ALL_FLOW_TYPES, FlowType
from flowlang.templates import FLOW_DIR, FlowSpec

_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")


class UsageError(ValueError):
    """Bad usage or an unreadable file: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _flow_type(value: str) -> str:
    upper = value.upper()
    if upper not in ALL_FLOW_TYPES:
        raise argparse.ArgumentTypeError(
            f"unknown flow type {value!r} (one of {', '.join(sorted(FlowType))})"
        )
    return upper


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m flowlang``."""
    parser = _Parser(prog="python -m flowlang", description="Check, import and diff Amazon Connect flows.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    check = commands.add_parser("check", help="errors and warnings of flow documents or templates")
    check.add_argument(
        "--type",
        dest="flow_type",
        type=_flow_type,
        default=None,
        help="flow type (default: a template's own type, else CONTACT_FLOW)",
    )
    check.add_argument("--json", action="store_true", help="one JSON object per file per line")
    check.add_argument("files", nargs="+", metavar="FILE")
    importer = commands.add_parser("import", help="a console export → a contact_flows/ template")
    importer.add_argument("exported", metavar="EXPORTED.json")
    importer.add_argument("--outputs", required=True, help="cdk deploy --outputs-file of the environment")
    importer.add_argument("--name", required=True, help="template name: contact_flows/NAME.json")
    importer.add_argument("--type", dest="flow_type", type=_flow_type, default=FlowType.CONTACT_FLOW.value)
    importer.add_argument("--directory", default=str(FLOW_DIR), help=argparse.SUPPRESS)
    diff = commands.add_parser("diff", help="action-level diff of two flow documents")
    diff.add_argument("old")
    diff.add_argument("new")
    layout = commands.add_parser("layout", help="place every unplaced action for the flow designer")
    layout.add_argument("files", nargs="+", metavar="FILE")
    return parser


def read_json(path: str) -> Any:
    """The JSON document at ``path``; anything unreadable is a usage error."""
    try:
        return read_json_document(path)
    except DocumentError as error:
        raise UsageError(str(error)) from None


def template_specs() -> tuple[FlowSpec, ...]:
    """Every flow spec ``flowlang.templates`` declares (``FLOWS``, ``CONNECT_FLOWS``, any other)."""
    found: dict[str, FlowSpec] = {}
    for value in vars(templates).values():
        candidates = value if isinstance(value, tuple | list) else (value,)
        for spec in candidates:
            if isinstance(spec, FlowSpec):
                found.setdefault(spec.key, spec)
    return tuple(found.values())


def default_flow_type(path: str) -> str:
    """The flow type ``check`` assumes without ``--type``: a template's own, else CONTACT_FLOW.

    Why: ``customer_queue.json`` is a customer-queue flow; checked as a contact flow it reports
    actions that flow type does not allow, so checking our own templates needed ``--type``.
    """
    target = Path(path).resolve()
    for spec in template_specs():
        if spec.path.resolve() == target:
            return spec.flow_type
    return FlowType.CONTACT_FLOW.value


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    """``check``: 0 when no file has errors, 1 when one has."""
    documents = [(path, read_json(path)) for path in args.files]  # all readable before any output
    failed = False
    for path, document in documents:
        flow_type = args.flow_type or default_flow_type(path)
        findings = check_flow(document, flow_name=path, flow_type=flow_type)
        errors, warnings = errors_of(findings), warnings_of(findings)
        failed = failed or bool(errors)
        if args.json:
            record = {
                "file": path,
                "flow_type": flow_type,
                "errors": [finding.as_json() for finding in errors],
                "warnings": [finding.as_json() for finding in warnings],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        for finding in findings:
            where = f"{finding.action}: " if finding.action is not None else ""
            out.write(f"{path}: {finding.severity}: {where}{finding.message} [{finding.rule}]\n")
        out.write(f"{path}: {len(errors)} error(s), {len(warnings)} warning(s)\n")
    return 1 if failed else 0


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    """``import``: 0 when the template is written, 1 when the export cannot become one."""
    if not _NAME_RE.fullmatch(args.name):
        raise UsageError(f"--name must be lower-case letters, digits and _ (a file name), got {args.name!r}")
    if not Path(args.directory).is_dir():
        raise UsageError(f"no such directory: {args.directory}")
    exported, outputs = read_json(args.exported), read_json(args.outputs)
    try:
        template = to_template(exported, outputs, name=args.name, flow_type=args.flow_type)
    except FlowImportError as error:
        print(f"python -m flowlang import: {error}", file=sys.stderr)
        return 1
    target = Path(args.directory) / f"{args.name}.json"
    target.write_text(json.dumps(template, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    count = len(template.get("Actions") or [])
    out.write(f"wrote {target} ({count} actions); declare it in flowlang/templates.py (FLOWS)\n")
    return 0


def run_diff(args: argparse.Namespace, out: TextIO) -> int:
    """``diff``: 0 with no changes, 1 with changes."""
    old, new = read_json(args.old), read_json(args.new)
    for path, document in ((args.old, old), (args.new, new)):
        if not isinstance(document, dict):
            raise UsageError(f"{path} is not a flow document (a JSON object)")
    result = diff_flows(old, new)
    if result.empty:
        out.write("no changes\n")
        return 0
    out.write("\n".join(result.lines()) + "\n")
    return 1


def run_layout(args: argparse.Namespace, out: TextIO) -> int:
    """``layout``: every action placed, in place; 0."""
    documents = [(path, read_json(path)) for path in args.files]
    for path, document in documents:  # every file readable and a flow before any is written
        if not isinstance(document, dict):
            raise UsageError(f"{path} is not a flow document (a JSON object)")
    for path, document in documents:
        before = len(unplaced(document))
        place_actions(document)
        Path(path).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        out.write(f"{path}: placed {before} action(s)\n")
    return 0


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    stream = out if out is not None else sys.stdout
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError("a command is required: check, import, diff or layout")
        handlers = {"check": run_check, "import": run_import, "diff": run_diff, "layout": run_layout}
        return handlers[args.command](args, stream)
    except UsageError as error:
        print(f"python -m flowlang: error: {error}", file=sys.stderr)
        return 2
