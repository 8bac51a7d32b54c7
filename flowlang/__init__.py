"""Amazon Connect's Flow language: one model, the checker, and our flows as templates.

* :mod:`flowlang.model` and :mod:`flowlang.actions`: the declarative model of the language — every
  action type, flow type, operator, error and JSONPath namespace (:mod:`flowlang.references`).
* :mod:`flowlang.checker`: errors (what Connect refuses or cannot work) and warnings (risky).
* :mod:`flowlang.templates`: ``contact_flows/*.json`` with ``%Placeholder%`` tokens, resolved at
  synth (CDK tokens) and in the simulator (local ids).
* ``python -m flowlang check|import|diff``: the command line (:mod:`flowlang.cli`).
"""

import lambda_asset  # noqa: F401 - the contract (``contract``) lives in the Lambda asset
from flowlang.checker import (
    ENDING_ACTION_TYPES,
    Finding,
    FlowCheckError,
    Severity,
    check_flow,
    errors_of,
    reachable_from,
    require_valid_flow,
    transitions_of,
    warnings_of,
)
from flowlang.templates import (
    CONTACT_FLOW,
    CUSTOMER_QUEUE,
    FLOW_DIR,
    FLOWS,
    KNOWN_PLACEHOLDERS,
    FlowSpec,
    PlaceholderError,
    load_template,
    placeholders_in,
    queue_arn_placeholder,
    read_template,
    resolve_placeholders,
)

__all__ = [
    "CONTACT_FLOW",
    "CUSTOMER_QUEUE",
    "ENDING_ACTION_TYPES",
    "FLOWS",
    "FLOW_DIR",
    "KNOWN_PLACEHOLDERS",
    "Finding",
    "FlowCheckError",
    "FlowSpec",
    "PlaceholderError",
    "Severity",
    "check_flow",
    "errors_of",
    "load_template",
    "placeholders_in",
    "queue_arn_placeholder",
    "reachable_from",
    "read_template",
    "require_valid_flow",
    "resolve_placeholders",
    "transitions_of",
    "warnings_of",
]
