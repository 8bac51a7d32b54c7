"""Amazon Connect contact flows as templates: placeholders, resolution and the flow checker.

``contact_flows/*.json`` hold Flow-language documents with ``%Placeholder%`` tokens for ARNs;
:func:`resolve_placeholders` fills them at synth (CDK tokens) and in the simulator (local ids),
and :func:`check_flow` enforces the Flow-language rules before anything deploys.
"""

from flowlang.checker import (
    ACTION_SPECS,
    ENDING_ACTION_TYPES,
    FlowCheckError,
    FlowProblem,
    check_flow,
    reachable_from,
    require_valid_flow,
    transitions_of,
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
    read_template,
    resolve_placeholders,
)

__all__ = [
    "ACTION_SPECS",
    "CONTACT_FLOW",
    "CUSTOMER_QUEUE",
    "ENDING_ACTION_TYPES",
    "FLOWS",
    "FLOW_DIR",
    "KNOWN_PLACEHOLDERS",
    "FlowCheckError",
    "FlowProblem",
    "FlowSpec",
    "PlaceholderError",
    "check_flow",
    "load_template",
    "placeholders_in",
    "reachable_from",
    "read_template",
    "require_valid_flow",
    "resolve_placeholders",
    "transitions_of",
]
