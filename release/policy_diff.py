"""Who may now do what: the IAM and network changes of a template diff, statement by statement.

A reviewer must not have to read a policy document's JSON diff to notice that a role gained
``kms:Decrypt``: CDK merges statements (``@aws-cdk/aws-iam:minimizePolicies``), so adding one action
rewrites a whole statement and a textual diff shows everything as changed. Each policy is therefore
broken into atoms — one (effect, principal, action, resource, condition) each — and the atoms that
appear or disappear are grouped back into readable lines. The policies read are those of IAM roles
(trust policy, inline policies, managed policy ARNs), IAM policies and managed policies, KMS key
policies, S3 bucket, SQS queue and SNS topic policies, Lambda permissions, and security-group rules
(inline or as their own resources).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from release.symbolic import render

#: Resource types whose properties hold one policy document, and which property.
_DOCUMENT_PROPERTY = {
    "AWS::IAM::Policy": "PolicyDocument",
    "AWS::IAM::ManagedPolicy": "PolicyDocument",
    "AWS::KMS::Key": "KeyPolicy",
    "AWS::S3::BucketPolicy": "PolicyDocument",
    "AWS::SQS::QueuePolicy": "PolicyDocument",
    "AWS::SNS::TopicPolicy": "PolicyDocument",
}
_SECURITY_GROUP_RULES = {
    "AWS::EC2::SecurityGroupIngress": "ingress",
    "AWS::EC2::SecurityGroupEgress": "egress",
}
#: Every type this module reads.
POLICY_TYPES = frozenset(
    {*_DOCUMENT_PROPERTY, "AWS::IAM::Role", "AWS::Lambda::Permission", "AWS::EC2::SecurityGroup"}
    | set(_SECURITY_GROUP_RULES)
)


@dataclass(frozen=True, order=True)
class Atom:
    """One permission (or one network rule) in its smallest unit."""

    effect: str
    principal: str
    action: str
    resource: str
    condition: str


def atoms(resource_type: str, properties: Mapping[str, Any]) -> set[Atom]:
    """Every atom the resource grants (empty for types that grant nothing)."""
    found: set[Atom] = set()
    if resource_type in _DOCUMENT_PROPERTY:
        found |= _document_atoms(properties.get(_DOCUMENT_PROPERTY[resource_type]))
        for key, holder in (("Roles", "role"), ("Users", "user"), ("Groups", "group")):
            found |= {
                Atom("AttachedTo", "", holder, render(name), "") for name in _as_list(properties.get(key))
            }
    elif resource_type == "AWS::IAM::Role":
        found |= _document_atoms(properties.get("AssumeRolePolicyDocument"), label="trust: ")
        for policy in _as_list(properties.get("Policies")):
            if isinstance(policy, Mapping):
                label = f"inline {render(policy.get('PolicyName'))}: "
                found |= _document_atoms(policy.get("PolicyDocument"), label=label)
        for arn in _as_list(properties.get("ManagedPolicyArns")):
            found.add(Atom("Attach", "", "managed policy", render(arn), ""))
    elif resource_type == "AWS::Lambda::Permission":
        condition = {
            key: render(properties[key])
            for key in ("SourceArn", "SourceAccount", "PrincipalOrgID", "FunctionUrlAuthType")
            if key in properties
        }
        found.add(
            Atom(
                "Allow",
                render(properties.get("Principal")),
                render(properties.get("Action")),
                render(properties.get("FunctionName")),
                render(condition) if condition else "",
            )
        )
    elif resource_type == "AWS::EC2::SecurityGroup":
        for direction, key in (("ingress", "SecurityGroupIngress"), ("egress", "SecurityGroupEgress")):
            found |= {_rule_atom(direction, rule) for rule in _as_list(properties.get(key))}
    elif resource_type in _SECURITY_GROUP_RULES:
        found.add(_rule_atom(_SECURITY_GROUP_RULES[resource_type], properties))
    return found


def _rule_atom(direction: str, rule: Any) -> Atom:
    rule = rule if isinstance(rule, Mapping) else {}
    peer = next(
        (
            render(rule[key])
            for key in (
                "CidrIp",
                "CidrIpv6",
                "SourceSecurityGroupId",
                "DestinationSecurityGroupId",
                "SourcePrefixListId",
                "DestinationPrefixListId",
            )
            if key in rule
        ),
        "?",
    )
    ports = f"{render(rule.get('FromPort', 'all'))}-{render(rule.get('ToPort', 'all'))}"
    group = render(rule["GroupId"]) if "GroupId" in rule else ""
    return Atom(direction, peer, f"{render(rule.get('IpProtocol', '-1'))} {ports}", group, "")


def _document_atoms(document: Any, label: str = "") -> set[Atom]:
    found: set[Atom] = set()
    statements = document.get("Statement") if isinstance(document, Mapping) else None
    for statement in _as_list(statements):
        if not isinstance(statement, Mapping):
            continue
        effect = label + str(statement.get("Effect", "?"))
        condition = render(statement["Condition"]) if "Condition" in statement else ""
        for principal in _principals(statement):
            for action in _values(statement, "Action"):
                for resource in _values(statement, "Resource"):
                    found.add(Atom(effect, principal, action, resource, condition))
    return found


def _principals(statement: Mapping[str, Any]) -> list[str]:
    for key, prefix in (("Principal", ""), ("NotPrincipal", "NOT ")):
        if key not in statement:
            continue
        principal = statement[key]
        if not isinstance(principal, Mapping):
            return [prefix + render(principal)]
        return [
            f"{prefix}{kind}:{render(value)}"
            for kind, values in principal.items()
            for value in _as_list(values)
        ]
    return [""]


def _values(statement: Mapping[str, Any], key: str) -> list[str]:
    if key in statement:
        return [render(value) for value in _as_list(statement[key])]
    if f"Not{key}" in statement:
        return [f"NOT {render(value)}" for value in _as_list(statement[f"Not{key}"])]
    return [""]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def describe(sign: str, found: set[Atom]) -> Iterator[str]:
    """Readable lines for ``found`` atoms: actions on the same resources share one line."""
    by_resource: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for atom in found:
        by_resource[(atom.effect, atom.principal, atom.resource, atom.condition)].add(atom.action)
    by_actions: dict[tuple[str, str, str, tuple[str, ...]], list[str]] = defaultdict(list)
    for (effect, principal, resource, condition), action_set in by_resource.items():
        by_actions[(effect, principal, condition, tuple(sorted(action_set)))].append(resource)
    for (effect, principal, condition, actions), resources in sorted(by_actions.items()):
        yield _line(
            sign,
            effect,
            principal=principal,
            condition=condition,
            actions=actions,
            resources=sorted(resources),
        )


def _line(
    sign: str, effect: str, *, principal: str, condition: str, actions: tuple[str, ...], resources: list[str]
) -> str:
    if effect in {"ingress", "egress"}:
        peer = "from" if effect == "ingress" else "to"
        group = f" on `{resources[0]}`" if resources and resources[0] else ""
        return f"{sign} {effect} {', '.join(f'`{a}`' for a in actions)} {peer} `{principal}`{group}"
    if effect == "Attach":
        return f"{sign} managed policy {', '.join(f'`{r}`' for r in resources)}"
    if effect == "AttachedTo":
        return f"{sign} attached to {', '.join(actions)} {', '.join(f'`{r}`' for r in resources)}"
    text = f"{sign} {effect} {', '.join(f'`{a}`' for a in actions if a)}"
    if any(resources):
        text += f" on {', '.join(f'`{r}`' for r in resources if r)}"
    if principal:
        text += f" to `{principal}`"
    if condition:
        text += f" when `{condition}`"
    wildcard = any("*" in action for action in actions) or principal in {"*", "AWS:*"}
    return text + (" ⚠ wildcard" if wildcard and sign == "+" and effect.endswith("Allow") else "")


def policy_changes(
    old: tuple[str, Mapping[str, Any]] | None, new: tuple[str, Mapping[str, Any]] | None
) -> list[str]:
    """Lines naming the atoms granted only after (``+``) or only before (``-``) the change.

    ``old`` and ``new`` are (resource type, properties), ``None`` where the resource is absent.
    """
    before = atoms(*old) if old is not None else set()
    after = atoms(*new) if new is not None else set()
    return [*describe("+", after - before), *describe("-", before - after)]
