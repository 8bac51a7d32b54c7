"""CloudFormation values as the text a reviewer reads, with intrinsics left symbolic.

A synthesized template never holds the deployed ARN of a resource, only ``{"Fn::GetAtt": [...]}``;
a contact flow's ``Content`` is an ``Fn::Join`` of JSON fragments and such references. To diff a
flow action by action, or to say which ARN a policy statement grants, the value has to become one
string: every intrinsic is written as ``${LogicalId.Attribute}`` (CloudFormation's own ``Fn::Sub``
spelling), so the text stays valid inside a JSON string and two templates render the same
reference identically. Nothing here resolves a value for real: that needs the deployed stack.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


def is_intrinsic(value: Any) -> bool:
    """A one-key object naming a CloudFormation function (``Ref``, ``Fn::…``, ``Condition``)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return key == "Ref" or key.startswith("Fn::")


def render(value: Any) -> str:
    """``value`` as text: strings as they are, intrinsics as ``${…}``, other JSON compactly."""
    if isinstance(value, str):
        return value
    if is_intrinsic(value):
        return _render_intrinsic(*next(iter(value.items())))
    if isinstance(value, bool | int | float) or value is None:
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(render(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {render(item)}" for key, item in value.items()) + "}"
    return str(value)


def _render_intrinsic(name: str, argument: Any) -> str:  # noqa: PLR0911 - one branch per function
    if name == "Ref":
        return f"${{{argument}}}"
    if name == "Fn::GetAtt":
        target = ".".join(str(part) for part in argument) if isinstance(argument, list) else str(argument)
        return f"${{{target}}}"
    if name == "Fn::Join" and _is_pair(argument) and isinstance(argument[1], list):
        return render(argument[0]).join(render(part) for part in argument[1])
    if name == "Fn::Sub":
        return _render_sub(argument)
    if name == "Fn::Select" and _is_pair(argument) and isinstance(argument[1], list):
        index = argument[0]
        if isinstance(index, int | str) and str(index).isdigit() and int(index) < len(argument[1]):
            return render(argument[1][int(index)])
    if name == "Fn::GetStackOutput" and isinstance(argument, dict):
        return f"${{{render(argument.get('StackName'))}.Outputs.{render(argument.get('OutputName'))}}}"
    if name == "Fn::ImportValue":
        return f"${{Import:{render(argument)}}}"
    return f"${{{name}({render(argument)})}}"


def _render_sub(argument: Any) -> str:
    if isinstance(argument, str):
        return argument
    if not (_is_pair(argument) and isinstance(argument[0], str) and isinstance(argument[1], dict)):
        return f"${{Fn::Sub({render(argument)})}}"
    text: str = argument[0]
    variables: dict[str, Any] = argument[1]
    return _SUB_VARIABLE.sub(
        lambda match: render(variables[match[1]]) if match[1] in variables else match[0], text
    )


def _is_pair(argument: Any) -> bool:
    return isinstance(argument, list) and len(argument) == 2


def references(value: Any) -> set[str]:
    """Logical ids ``value`` refers to (``Ref``, ``Fn::GetAtt``, ``${X}`` in ``Fn::Sub``)."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        if is_intrinsic(value):
            ((name, argument),) = value.items()
            if name == "Ref" and isinstance(argument, str):
                found.add(argument)
            elif name == "Fn::GetAtt":
                first = argument[0] if isinstance(argument, list) else str(argument).split(".")[0]
                found.add(str(first))
            elif name == "Fn::Sub":
                text = argument if isinstance(argument, str) else argument[0] if _is_pair(argument) else ""
                local = argument[1] if _is_pair(argument) and isinstance(argument[1], dict) else {}
                if isinstance(text, str):
                    names = {match[1].split(".")[0] for match in _SUB_VARIABLE.finditer(text)}
                    found |= names - set(local)
        for item in value.values():
            found |= references(item)
    return {name for name in found if not name.startswith("AWS::")}
