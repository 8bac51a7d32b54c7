"""The offline infrastructure diff as Markdown, readable in a terminal and as a GitHub job summary.

What a reviewer must not miss comes first: in production, every resource that would be replaced
or deleted, said in words (what CloudFormation does to the old one and why). Then a table of
counts per environment and stack, then each changed stack: resources, IAM and security changes,
each contact flow's action-level diff, and template-level changes (outputs, description...).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from release.template_diff import (
    ADDED,
    MAY_BE_REPLACED,
    REMOVED,
    REPLACED,
    UPDATED,
    ResourceDiff,
    TemplateDiff,
)

PRODUCTION: Final = "prod"
#: A stack the base has and the working tree does not, or the other way round.
NEW_STACK: Final = "new stack"
GONE_STACK: Final = "no longer in the app"
_MAX_LINES: Final = 15


@dataclass(frozen=True)
class StackReport:
    environment: str
    stack: str
    diff: TemplateDiff
    presence: str = ""


def render_report(base: str, head: str, stacks: list[StackReport], environments: Iterable[str]) -> str:
    """The whole report; ``stacks`` in the order they are to be shown."""
    environments = list(environments)
    out = [f"# Infrastructure diff: {base} → {head}", ""]
    if PRODUCTION in environments:
        out += _production_block([stack for stack in stacks if stack.environment == PRODUCTION])
    changed = [stack for stack in stacks if not stack.diff.empty or stack.presence]
    out += [
        "## Summary",
        "",
        "| environment | stack | added | removed | replaced | may be replaced | updated | IAM/security |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for stack in stacks:
        out.append(_summary_row(stack))
    out.append("")
    if not changed:
        out += ["No changes.", ""]
    for environment in environments:
        in_environment = [stack for stack in changed if stack.environment == environment]
        if not in_environment:
            continue
        out += [f"## {environment}", ""]
        for stack in in_environment:
            out += _stack_section(stack)
    return "\n".join(out).rstrip() + "\n"


def _summary_row(stack: StackReport) -> str:
    diff = stack.diff
    counts = [len(diff.of_kind(kind)) for kind in (ADDED, REMOVED, REPLACED, MAY_BE_REPLACED, UPDATED)]
    name = f"`{stack.stack}`" + (f" ({stack.presence})" if stack.presence else "")
    cells = [str(count) if count else "·" for count in [*counts, len(diff.policy_changes)]]
    return f"| {stack.environment} | {name} | " + " | ".join(cells) + " |"


def _production_block(stacks: list[StackReport]) -> list[str]:
    out = ["## Production: replaced or deleted resources", ""]
    lines: list[str] = []
    for stack in stacks:
        if stack.presence == GONE_STACK:
            lines.append(
                f"- **Stack `{stack.stack}` is no longer in the app.** `cdk deploy` leaves it as it is; "
                "its resources are deleted only if someone destroys the stack."
            )
            continue
        for resource in stack.diff.of_kind(REPLACED, MAY_BE_REPLACED, REMOVED):
            lines.append(f"- {production_sentence(stack.stack, resource)}")
    out += lines or ["Nothing in production would be replaced or deleted."]
    return [*out, ""]


def production_sentence(stack: str, resource: ResourceDiff) -> str:
    """One resource's fate, in words."""
    what = f"`{resource.path}` ({resource.resource_type}, logical id `{resource.logical_id}`) in `{stack}`"
    why = "; ".join(resource.reasons)
    if resource.kind == REMOVED:
        if resource.keeps_old:
            return (
                f"**Removed but kept**: {what} leaves the stack; its DeletionPolicy keeps the resource, "
                "which is then no longer managed by CloudFormation."
            )
        return f"**Deleted**: {what} is removed from the stack, so CloudFormation deletes it."
    old = (
        "keeps the old one (UpdateReplacePolicy), no longer managed and not moved into the new one"
        if resource.keeps_old
        else "deletes the old one"
    )
    verb = "Replaced" if resource.kind == REPLACED else "May be replaced"
    return f"**{verb}**: {what}, because {why}. CloudFormation creates a new one and then {old}."


def _stack_section(stack: StackReport) -> list[str]:
    out = [f"### `{stack.stack}`" + (f" ({stack.presence})" if stack.presence else ""), ""]
    diff = stack.diff
    if stack.presence == GONE_STACK:
        out += ["The stack is no longer in the app: `cdk deploy` leaves it as it is.", ""]
    if diff.resources:
        out += ["**Resources**", ""]
        for resource in diff.resources:
            out += _resource_lines(resource)
        out.append("")
    with_policy = diff.policy_changes
    if with_policy:
        out += ["**IAM and security**", ""]
        for resource in with_policy:
            out.append(f"- `{resource.path}` ({resource.resource_type}, {resource.kind})")
            out += [f"  - {line}" for line in _capped(resource.policy)]
        out.append("")
    for resource in diff.resources:
        if resource.flow:
            out += [f"**Contact flow `{resource.path}`** ({resource.kind})", "", "```diff", *resource.flow]
            out += ["```", ""]
    if diff.other:
        out += ["**Template**", ""]
        out += [f"- {line}" for line in _capped(diff.other)]
        out.append("")
    return out


def _resource_lines(resource: ResourceDiff) -> list[str]:
    marker = {ADDED: "+", REMOVED: "-", REPLACED: "±", MAY_BE_REPLACED: "±?", UPDATED: "~"}[resource.kind]
    head = f"- `{marker}` **{resource.kind}** `{resource.path}` ({resource.resource_type})"
    if resource.reasons:
        head += ": " + "; ".join(resource.reasons)
    if resource.kind == REMOVED and resource.keeps_old:
        head += " — kept by its DeletionPolicy"
    notes = ["code changed (new asset)"] if resource.code_changed else []
    if resource.flow:
        notes.append("flow changed (below)")
    if resource.policy:
        notes.append("permissions changed (below)")
    lines = [head, *(f"  - {note}" for note in notes)]
    lines += [f"  - {line}" for line in _capped(resource.lines)]
    return lines


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= _MAX_LINES:
        return lines
    return [*lines[:_MAX_LINES], f"… and {len(lines) - _MAX_LINES} more"]
