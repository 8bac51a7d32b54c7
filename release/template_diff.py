"""Two CloudFormation templates in, what a deploy of the second over the first would do out.

Pure (no files, no processes): :func:`diff_templates` matches resources by logical id and says,
per resource, whether it is added, removed, replaced, possibly replaced or updated in place, and why.

Why not ``cdk diff --template``: it does work offline (no credentials, ``AWS_EC2_METADATA_DISABLED``;
about 1.4 s a stack), but its output is terminal text with box drawings, one invocation per stack,
and a contact flow's change is a wall of escaped JSON. The same facts are computed here into data:

- Replacement comes from the CloudFormation resource schemas cfn-lint ships in the venv: a change
  under a ``createOnlyProperties`` pointer replaces the resource, one under cfn-lint's
  ``conditionalCreateOnlyProperties`` may (DynamoDB ``KeySchema``); a changed ``Type`` replaces; a
  changed logical id is a removal plus an addition. A resource whose create-only property refers
  (``Ref``/``Fn::GetAtt``/``Fn::Sub``) to a replaced resource may be replaced too, as CloudFormation
  then sees a new value. References across stacks (``Fn::GetStackOutput``) are not followed.
- An asset's content hash (``<64 hex>.zip`` object keys, ``aws:asset:*`` metadata) changing alone is
  reported as "code changed", not as a property diff of two hashes.
- IAM and security-group changes are read statement by statement (``release.policy_diff``), and a
  contact flow's ``Content`` goes through the Flow-language diff (``flowlang.diff``) after its
  ``Fn::Join`` is rendered to a string with references left symbolic (``release.symbolic``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from flowlang.diff import diff_flows
from release.policy_diff import POLICY_TYPES, policy_changes
from release.symbolic import is_intrinsic, references, render

ADDED: Final = "added"
REMOVED: Final = "removed"
REPLACED: Final = "replaced"
MAY_BE_REPLACED: Final = "may be replaced"
UPDATED: Final = "updated"

FLOW_TYPES: Final = frozenset({"AWS::Connect::ContactFlow", "AWS::Connect::ContactFlowModule"})
#: Policy-bearing properties: described statement by statement instead of leaf by leaf.
_POLICY_PROPERTIES: Final = frozenset(
    {
        "PolicyDocument",
        "KeyPolicy",
        "AssumeRolePolicyDocument",
        "Policies",
        "ManagedPolicyArns",
        "SecurityGroupIngress",
        "SecurityGroupEgress",
    }
)
_RESOURCE_ATTRIBUTES: Final = (
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "DependsOn",
    "Condition",
    "CreationPolicy",
    "UpdatePolicy",
)
_KEEPING_POLICIES: Final = frozenset({"Retain", "RetainExceptOnCreate"})
_ASSET_HASH: Final = re.compile(r"[0-9a-f]{64}")
_SECTIONS: Final = ("Description", "Transform", "Parameters", "Mappings", "Conditions", "Rules", "Outputs")
_SHORT: Final = 100

#: resource type -> (create-only pointers, conditionally create-only pointers)
ReplacementRules = Callable[[str], tuple[tuple[str, ...], tuple[str, ...]]]
Path = tuple[str | int, ...]
_MISSING: Final[Any] = object()


@cache
def cfn_lint_rules(resource_type: str, region: str = "us-east-1") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Create-only property pointers of ``resource_type`` from cfn-lint's bundled schemas."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER, ResourceNotFoundError

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema
    except ResourceNotFoundError:
        return (), ()
    except (KeyError, OSError):  # a region cfn-lint does not know ("unknown-region")
        return cfn_lint_rules(resource_type) if region != "us-east-1" else ((), ())
    return (
        tuple(schema.get("createOnlyProperties") or ()),
        tuple(schema.get("conditionalCreateOnlyProperties") or ()),
    )


@dataclass
class ResourceDiff:
    """What happens to one logical id."""

    logical_id: str
    resource_type: str
    path: str
    kind: str
    reasons: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    policy: list[str] = field(default_factory=list)
    flow: list[str] = field(default_factory=list)
    code_changed: bool = False
    #: DeletionPolicy (removal) or UpdateReplacePolicy (replacement) keeps the old physical resource.
    keeps_old: bool = False


@dataclass
class TemplateDiff:
    """Every change between two templates; ``other`` holds outputs, parameters and the like."""

    resources: list[ResourceDiff] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.resources or self.other)

    def of_kind(self, *kinds: str) -> list[ResourceDiff]:
        return [resource for resource in self.resources if resource.kind in kinds]

    @property
    def policy_changes(self) -> list[ResourceDiff]:
        return [resource for resource in self.resources if resource.policy]


def diff_templates(
    old: Mapping[str, Any], new: Mapping[str, Any], rules: ReplacementRules = cfn_lint_rules
) -> TemplateDiff:
    """What deploying ``new`` over ``old`` changes (either may be ``{}`` for a stack that is absent)."""
    old_resources: Mapping[str, Any] = old.get("Resources") or {}
    new_resources: Mapping[str, Any] = new.get("Resources") or {}
    result = TemplateDiff()
    for logical_id, resource in new_resources.items():
        if logical_id not in old_resources:
            result.resources.append(_added(logical_id, resource))
    for logical_id, resource in old_resources.items():
        if logical_id not in new_resources:
            result.resources.append(_removed(logical_id, resource))
    for logical_id in (key for key in new_resources if key in old_resources):
        changed = _changed(logical_id, old_resources[logical_id], new_resources[logical_id], rules)
        if changed is not None:
            result.resources.append(changed)
    _propagate_replacements(result, new_resources, rules)
    order = {kind: index for index, kind in enumerate((REPLACED, MAY_BE_REPLACED, REMOVED, ADDED, UPDATED))}
    result.resources.sort(key=lambda item: (order[item.kind], item.path))
    for section in _SECTIONS:
        for path, before, after in _leaf_changes(old.get(section, _MISSING), new.get(section, _MISSING)):
            result.other.append(_change_line((section, *path), before, after))
    return result


def _path_of(logical_id: str, resource: Mapping[str, Any]) -> str:
    metadata = resource.get("Metadata")
    path = metadata.get("aws:cdk:path") if isinstance(metadata, Mapping) else None
    if isinstance(path, str):
        # "<stack>/<construct path>/Resource": the stack is named by the report already.
        parts = path.split("/")[1:]
        if parts and parts[-1] == "Resource":
            parts = parts[:-1]
        return "/".join(parts) or logical_id
    return logical_id


def _added(logical_id: str, resource: Mapping[str, Any]) -> ResourceDiff:
    kind, properties = resource.get("Type", "?"), resource.get("Properties") or {}
    diff = ResourceDiff(logical_id, kind, _path_of(logical_id, resource), ADDED)
    diff.policy = policy_changes(None, (kind, properties)) if kind in POLICY_TYPES else []
    if kind in FLOW_TYPES:
        document = _flow_document(properties.get("Content"))
        if document is not None:
            diff.flow = diff_flows({}, document).lines()
    return diff


def _removed(logical_id: str, resource: Mapping[str, Any]) -> ResourceDiff:
    kind, properties = resource.get("Type", "?"), resource.get("Properties") or {}
    diff = ResourceDiff(logical_id, kind, _path_of(logical_id, resource), REMOVED)
    diff.keeps_old = resource.get("DeletionPolicy") in _KEEPING_POLICIES
    diff.policy = policy_changes((kind, properties), None) if kind in POLICY_TYPES else []
    return diff


def _changed(
    logical_id: str, old: Mapping[str, Any], new: Mapping[str, Any], rules: ReplacementRules
) -> ResourceDiff | None:
    old_type, new_type = old.get("Type", "?"), new.get("Type", "?")
    old_properties, new_properties = old.get("Properties") or {}, new.get("Properties") or {}
    diff = ResourceDiff(logical_id, new_type, _path_of(logical_id, new), UPDATED)
    diff.keeps_old = new.get("UpdateReplacePolicy") in _KEEPING_POLICIES
    if old_type != new_type:
        diff.kind = REPLACED
        diff.reasons.append(f"its type changes from {old_type} to {new_type}")
    create_only, conditional = rules(new_type)
    policy_type = new_type in POLICY_TYPES or old_type in POLICY_TYPES
    for path, before, after in _leaf_changes(old_properties, new_properties):
        name = _format_path(path)
        if any(_overlaps(pointer, path) for pointer in create_only):
            diff.kind = REPLACED
            diff.reasons.append(f"`{name}` cannot change in place")
        elif any(_overlaps(pointer, path) for pointer in conditional) and diff.kind != REPLACED:
            diff.kind = MAY_BE_REPLACED
            diff.reasons.append(f"`{name}` may not change in place")
        if _asset_only(before, after):
            diff.code_changed = True
        elif new_type in FLOW_TYPES and path == ("Content",):
            diff.flow = _flow_lines(before, after)
        elif not (policy_type and path and path[0] in _POLICY_PROPERTIES):
            diff.lines.append(_change_line(path, before, after))
    for attribute in _RESOURCE_ATTRIBUTES:
        for path, before, after in _leaf_changes(old.get(attribute, _MISSING), new.get(attribute, _MISSING)):
            diff.lines.append(_change_line((attribute, *path), before, after))
    old_metadata, new_metadata = _metadata(old), _metadata(new)
    for path, before, after in _leaf_changes(old_metadata, new_metadata):
        diff.lines.append(_change_line(("Metadata", *path), before, after))
    if policy_type:
        diff.policy = policy_changes((old_type, old_properties), (new_type, new_properties))
    if diff.kind == UPDATED and not (diff.lines or diff.policy or diff.flow or diff.code_changed):
        return None
    return diff


def _metadata(resource: Mapping[str, Any]) -> Any:
    metadata = resource.get("Metadata", _MISSING)
    if not isinstance(metadata, Mapping):
        return metadata
    kept = {key: value for key, value in metadata.items() if not key.startswith("aws:asset:")}
    return kept or _MISSING


def _propagate_replacements(
    result: TemplateDiff, new_resources: Mapping[str, Any], rules: ReplacementRules
) -> None:
    """Resources whose create-only properties refer to a replaced resource may be replaced too."""
    diffs = {diff.logical_id: diff for diff in result.resources}
    replaced = {diff.logical_id for diff in result.resources if diff.kind in {REPLACED, MAY_BE_REPLACED}}
    pending = set(replaced)
    while pending:
        source = pending.pop()
        for logical_id, resource in new_resources.items():
            if logical_id in replaced or logical_id == source:
                continue
            properties = resource.get("Properties") or {}
            create_only = rules(resource.get("Type", "?"))[0]
            hit = [
                pointer
                for pointer in create_only
                if source in references(list(_values_at(properties, _pointer(pointer))))
            ]
            referring = source in references(properties)
            if not (hit or referring):
                continue
            diff = diffs.get(logical_id)
            if diff is not None and diff.kind == ADDED:
                continue
            if diff is None:
                diff = ResourceDiff(
                    logical_id, resource.get("Type", "?"), _path_of(logical_id, resource), UPDATED
                )
                diff.keeps_old = resource.get("UpdateReplacePolicy") in _KEEPING_POLICIES
                diffs[logical_id] = diff
                result.resources.append(diff)
            if hit:
                diff.kind = MAY_BE_REPLACED
                names = ", ".join(f"`{'.'.join(_pointer(pointer))}`" for pointer in hit)
                diff.reasons.append(f"{names} refers to `{source}`, which is replaced")
                replaced.add(logical_id)
                pending.add(logical_id)
            else:
                diff.lines.append(f"refers to `{source}`, which is replaced: the reference's value changes")


def _pointer(pointer: str) -> list[str]:
    """``/properties/A/*/B`` -> ``["A", "*", "B"]``."""
    return pointer.split("/")[2:]


def _overlaps(pointer: str, path: Path) -> bool:
    """The create-only ``pointer`` and a changed ``path`` lie on one branch (either deeper)."""
    segments = _pointer(pointer)
    for segment, part in zip(segments, path, strict=False):
        if segment == "*" and isinstance(part, int):
            continue
        if segment != str(part):
            return False
    return True


def _values_at(value: Any, segments: list[str]) -> Iterator[Any]:
    if not segments:
        yield value
        return
    head, rest = segments[0], segments[1:]
    if head == "*" and isinstance(value, list):
        for item in value:
            yield from _values_at(item, rest)
    elif isinstance(value, Mapping) and head in value:
        yield from _values_at(value[head], rest)


def _leaf_changes(old: Any, new: Any, path: Path = ()) -> Iterator[tuple[Path, Any, Any]]:
    """The deepest paths where ``old`` and ``new`` differ (intrinsics and list resizes are leaves)."""
    if old == new:
        return
    both_objects = isinstance(old, Mapping) and isinstance(new, Mapping)
    if both_objects and not is_intrinsic(old) and not is_intrinsic(new):
        for key in [*old, *(key for key in new if key not in old)]:
            yield from _leaf_changes(old.get(key, _MISSING), new.get(key, _MISSING), (*path, key))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (before, after) in enumerate(zip(old, new, strict=True)):
            yield from _leaf_changes(before, after, (*path, index))
    else:
        yield path, old, new


def _format_path(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _asset_only(before: Any, after: Any) -> bool:
    if before is _MISSING or after is _MISSING:
        return False
    old_text, new_text = render(before), render(after)
    return bool(_ASSET_HASH.search(old_text)) and (
        _ASSET_HASH.sub("<asset>", old_text) == _ASSET_HASH.sub("<asset>", new_text)
    )


def _change_line(path: Path, before: Any, after: Any) -> str:
    name = _format_path(path) or "(whole value)"
    if before is _MISSING:
        return f"`{name}` added: {_short(after)}"
    if after is _MISSING:
        return f"`{name}` removed (was {_short(before)})"
    old_text, new_text = render(before), render(after)
    if len(old_text) > _SHORT or len(new_text) > _SHORT:
        return f"`{name}` changed: {_excerpt(old_text, new_text)}"
    return f"`{name}`: {_short(before)} → {_short(after)}"


def _short(value: Any) -> str:
    text = render(value).replace("`", "'")
    return f"`{text if len(text) <= _SHORT else text[: _SHORT - 1] + '…'}`"


def _excerpt(old_text: str, new_text: str, context: int = 30) -> str:
    """Where two long strings first differ, with a little context."""
    start = next(
        (i for i, (a, b) in enumerate(zip(old_text, new_text, strict=False)) if a != b),
        min(len(old_text), len(new_text)),
    )
    left = max(0, start - context)

    def piece(text: str) -> str:
        cut = text[left : start + context].replace("`", "'")
        return f"`{'…' if left else ''}{cut}{'…' if start + context < len(text) else ''}`"

    return f"{piece(old_text)} → {piece(new_text)} ({len(old_text)} → {len(new_text)} characters)"


def _flow_document(content: Any) -> dict[str, Any] | None:
    if content is None or content is _MISSING:
        return None
    try:
        document = json.loads(render(content))
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _flow_lines(before: Any, after: Any) -> list[str]:
    old_document, new_document = _flow_document(before), _flow_document(after)
    if old_document is None or new_document is None:
        return [f"`Content` (not Flow-language JSON) changed: {_excerpt(render(before), render(after))}"]
    return diff_flows(old_document, new_document).lines()
