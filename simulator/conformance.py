"""``python -m simulator conformance DIR``: flows Connect accepted must check clean and run to an end.

``DIR`` holds Flow-language documents and a ``types.json`` mapping each file name to its flow type
(``FLOW_MODULE`` for modules), as ``../shared/real_flows`` does. For each file: the checker must
report no error (warnings are listed, not counted) and ``run-flow``'s default world must run it to
an end (no ``"error"`` outcome). One line per file; exit 0 when every file conforms, 1 when one
does not, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

from flowlang.checker import check_flow, errors_of, warnings_of
from simulator.call import _one_line_errors
from simulator.flow_runtime import Flow, FlowError
from simulator.flow_services import WorldOptions
from simulator.run_flow import run_document

#: What the simulated caller says to every corpus flow: an answer, a key, then silence.
CORPUS_INPUTS = ("네", "1")


def register_conformance(subparsers: Any) -> None:
    """Add the ``conformance`` subcommand."""
    parser = subparsers.add_parser(
        "conformance", help="check and run every flow of a folder (with its types.json)"
    )
    _one_line_errors(parser)
    parser.add_argument("directory", help="a folder of flow documents with types.json")
    parser.set_defaults(handler=run)


def conform(path: Path, flow_type: str) -> tuple[bool, str]:
    """(conforms, one line) for one document."""
    started = time.perf_counter()
    document = json.loads(path.read_text(encoding="utf-8"))
    findings = check_flow(document, flow_name=path.name, flow_type=flow_type)
    errors, warnings = errors_of(findings), warnings_of(findings)
    try:
        flow = Flow.from_json(path.name, document, flow_type=flow_type)
        result = run_document(flow, options=WorldOptions(inputs=CORPUS_INPUTS))
    except FlowError as error:
        result = {"outcome": "error", "error": str(error), "path": []}
    elapsed = (time.perf_counter() - started) * 1000
    ok = not errors and result["outcome"] != "error"
    line = (
        f"{'ok  ' if ok else 'FAIL'} {path.name} [{flow_type}] errors={len(errors)} warnings={len(warnings)} "
        f"outcome={result['outcome']} actions={len(result['path'])} {elapsed:.0f} ms"
    )
    details = [f"    error: {finding}" for finding in errors]
    if result["outcome"] == "error":
        details.append(f"    run: {result['error']}")
    return ok, "\n".join([line, *details])


def run(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Every file of the folder; 0 when all conform."""
    directory = Path(args.directory)
    try:
        types = json.loads((directory / "types.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        print(
            f"python -m simulator conformance: error: no readable types.json in {directory}: {error}",
            file=sys.stderr,
        )
        return 2
    if not isinstance(types, dict) or not all(isinstance(value, str) for value in types.values()):
        print(
            "python -m simulator conformance: error: types.json must map file names to flow types",
            file=sys.stderr,
        )
        return 2
    failures = 0
    for name, flow_type in sorted(types.items()):
        if not (directory / name).is_file():
            failures += 1
            stdout.write(f"FAIL {name}: listed in types.json but not in {directory}\n".encode())
            continue
        ok, text = conform(directory / name, str(flow_type))
        failures += not ok
        stdout.write((text + "\n").encode("utf-8"))
    stdout.write(f"{len(types) - failures}/{len(types)} flows conform\n".encode())
    stdout.flush()
    return 1 if failures else 0
