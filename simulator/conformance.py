"""Conformance of flows Connect accepted: each must check clean and run to an end.

For one document (:func:`conform`): the checker must report no error (warnings are listed, not
counted) and the default world of :mod:`simulator.run_flow` must run it to an end (no
``"error"`` outcome). ``python -m simulator conformance DIR`` (:mod:`simulator.commands.conformance`)
runs it over a folder such as ``../shared/real_flows``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from flowlang.checker import check_flow, errors_of, warnings_of
from simulator.flow_data import Flow, FlowError
from simulator.flow_services import WorldOptions
from simulator.run_flow import run_document

#: What the simulated caller says to every corpus flow: an answer, a key, then silence.
CORPUS_INPUTS = ("네", "1")


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
