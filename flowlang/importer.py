"""Turn a flow exported from an environment's Connect console into a ``contact_flows/`` template.

Designers edit flows in the console and export them. The export names the environment's own
resources by ARN; a template names them by placeholder so the same flow deploys to every
environment. The map comes from the deployed stacks' outputs (``cdk deploy --outputs-file``): each
``Placeholder<Name>`` output (:func:`flowlang.templates.placeholder_output_key`) carries the ARN of
``%Name%``. Every occurrence of a mapped ARN — in parameters, conditions or the console's layout
metadata — becomes its placeholder; any other ARN left in the document is an error naming it, so
nothing environment-specific slips into the template. The result must pass the checker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from flowlang.checker import check_flow, errors_of
from flowlang.templates import KNOWN_PLACEHOLDERS, placeholder_output_key

#: An ARN as it appears inside a flow's strings.
ARN_RE: Final = re.compile(r"arn:aws[a-zA-Z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:[^\s\"',]+")


class FlowImportError(ValueError):
    """The export cannot become a template; the message names what is wrong."""


def placeholder_values(outputs: Any) -> dict[str, str]:
    """ARN → placeholder name, from a ``cdk deploy --outputs-file`` document ({stack: {key: value}})."""
    if not isinstance(outputs, Mapping) or not all(isinstance(item, Mapping) for item in outputs.values()):
        raise FlowImportError("the outputs file must map stack names to their outputs")
    by_key = {placeholder_output_key(name): name for name in KNOWN_PLACEHOLDERS}
    values: dict[str, str] = {}
    for stack_outputs in outputs.values():
        for key, value in stack_outputs.items():
            name = by_key.get(str(key))
            if name is not None and isinstance(value, str) and value:
                values[value] = name
    if not values:
        raise FlowImportError("the outputs file holds no Placeholder* outputs (deploy with --outputs-file)")
    return values


def to_template(exported: Any, outputs: Any, *, name: str, flow_type: str) -> dict[str, Any]:
    """The template of ``exported``: mapped ARNs replaced, nothing unmapped left, checker clean."""
    if not isinstance(exported, Mapping):
        raise FlowImportError("the exported flow must be a JSON object")
    values = placeholder_values(outputs)
    # Longest first: an ARN that contains another (a queue ARN contains the instance ARN) wins; a
    # match must end where the ARN ends (".../queue/q1" is no prefix of ".../queue/q10").
    ordered = sorted(values, key=len, reverse=True)
    patterns = [(re.compile(re.escape(arn) + r"(?![A-Za-z0-9_./:-])"), f"%{values[arn]}%") for arn in ordered]

    def replace(text: str) -> str:
        for pattern, placeholder in patterns:
            # A function, not a template: the placeholder is taken as it is (no backslash escapes).
            text = pattern.sub(_constant(placeholder), text)
        return text

    template = _map_strings(exported, replace)
    unmapped = sorted({(where, arn) for where, arn in _arns(template)})
    if unmapped:
        listed = "; ".join(f"{arn} at {where}" for where, arn in unmapped[:5])
        more = f" (and {len(unmapped) - 5} more)" if len(unmapped) > 5 else ""
        raise FlowImportError(f"flow {name}: ARN(s) not in the stack outputs: {listed}{more}")
    problems = errors_of(check_flow(template, flow_name=name, flow_type=flow_type))
    if problems:
        raise FlowImportError("; ".join(str(problem) for problem in problems))
    return template


def _constant(value: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: value


def _map_strings(value: Any, change: Any) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Mapping):
        return {change(str(key)): _map_strings(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [_map_strings(item, change) for item in value]
    return value


def _arns(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        for match in ARN_RE.finditer(value):
            yield where or "(document)", match.group(0)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _arns(str(key), where)
            yield from _arns(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _arns(item, f"{where}[{index}]")
