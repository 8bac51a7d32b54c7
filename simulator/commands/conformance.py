"""``python -m simulator conformance DIR``: every flow of a folder checks clean and runs to an end.

``DIR`` holds Flow-language documents and a ``types.json`` mapping each file name to its flow type
(``FLOW_MODULE`` for modules), as ``../shared/real_flows`` does. One line per file
(:func:`simulator.conformance.conform`); exit 0 when every file conforms, 1 when one does not,
2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, BinaryIO

from simulator.commands.common import one_line_errors
from simulator.conformance import conform


def register(subparsers: Any) -> None:
    """Add the ``conformance`` subcommand."""
    parser = subparsers.add_parser(
        "conformance", help="check and run every flow of a folder (with its types.json)"
    )
    one_line_errors(parser)
    parser.add_argument("directory", help="a folder of flow documents with types.json")
    parser.set_defaults(handler=run)


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
