"""cdk-nag's rule packs over the whole app, and the one way to acknowledge a finding.

Five packs check every synth (:func:`add_rule_packs`, called by ``stacks.build_app``): AWS
Solutions, HIPAA Security, NIST 800-53 rev. 5, PCI DSS 3.2.1 and Serverless. Any finding fails
synth unless it is acknowledged on the construct that causes it, with the reason it is not a
weakness of this design — one rule of one pack at a time, through :func:`acknowledge`.

Acknowledgement ids are the rule ids exactly as the packs report them (``HIPAA.Security-LambdaDLQ``,
``AwsSolutions-IAM5[Resource::*]``). CDK records such an id as ``Annotation::<id>``, which cdk-nag
matches. The ``<pack>::<rule>`` form that CDK's validation report suggests is stored under the
pack's namespace and never matches: :func:`acknowledge` refuses it. A test proves that every
acknowledgement of the app silences a finding it names (``tests/infrastructure/test_compliance.py``)
and the README lists them all. :func:`as_nag_renders` spells a token (an ARN of this or another
stack) the way a granular id such as ``AwsSolutions-IAM5[Resource::<ARN>/contact/*]`` names it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Final

from aws_cdk import Acknowledgment, App, CfnOutput, Stack, Token, Tokenization, Validations
from cdk_nag import (
    AwsSolutionsChecks,
    HIPAASecurityChecks,
    NIST80053R5Checks,
    PCIDSS321Checks,
    ServerlessChecks,
)
from constructs import Construct, IConstruct

#: The packs' names: the prefix of each of their rule ids.
AWS_SOLUTIONS: Final = "AwsSolutions"
HIPAA: Final = "HIPAA.Security"
NIST: Final = "NIST.800.53.R5"
PCI: Final = "PCI.DSS.321"
SERVERLESS: Final = "Serverless"

#: The packs sharing most rules (log encryption, inline policies, Lambda in a VPC, S3 replication).
HIPAA_NIST_PCI: Final = (HIPAA, NIST, PCI)
#: The packs with the backup-plan and Lambda concurrency and dead-letter rules.
HIPAA_NIST: Final = (HIPAA, NIST)

#: Why no function of the app runs in a VPC (HIPAA, NIST and PCI ``LambdaInsideVPC``).
NO_VPC_REASON: Final = (
    "No private resources: every service the function calls (DynamoDB, KMS, Bedrock, CloudWatch, "
    "X-Ray, Connect) is an AWS API reached over TLS with IAM-signed requests; a VPC would add NAT "
    "or interface endpoints and cold-start time and protect nothing the contact center holds."
)
#: Why the app's IAM policies are inline (HIPAA, NIST and PCI ``IAMNoInlinePolicy``).
INLINE_POLICY_REASON: Final = (
    "One role per function or service, each with its own least-privilege policy: an inline policy "
    "keeps the strict one-to-one relationship IAM recommends for that (it cannot be attached to "
    "another identity and is deleted with its role); a managed policy here would only be reusable."
)


#: Every pack that checks the app, in the order they report.
RULE_PACKS: Final = (
    AwsSolutionsChecks,
    HIPAASecurityChecks,
    NIST80053R5Checks,
    PCIDSS321Checks,
    ServerlessChecks,
)


def add_rule_packs(app: App) -> None:
    """Check ``app`` with every pack of :data:`RULE_PACKS` when it is synthesized."""
    Validations.of(app).add_plugins(*(pack(app) for pack in RULE_PACKS))


def acknowledge(construct: IConstruct, rule: str, *, packs: Iterable[str], reason: str) -> None:
    """Acknowledge ``<pack>-<rule>`` of each of ``packs`` on ``construct`` (and what it contains).

    ``rule`` is the rule's name within its packs, with a finding's detail in brackets where the
    rule reports one (``IAM5[Resource::*]``). ``reason`` says why the finding is not a weakness
    of this design; it is recorded with the acknowledgement in the cloud assembly.
    """
    if "::" in rule.split("[", 1)[0]:
        raise ValueError(f"acknowledge {rule!r} by the rule's name, without a '<pack>::' prefix")
    ids = [f"{pack}-{rule}" for pack in packs]
    if not ids:
        raise ValueError(f"acknowledging {rule!r} needs at least one pack")
    for rule_id in ids:
        Validations.of(construct).acknowledge(Acknowledgment(id=rule_id, reason=reason))


def as_nag_renders(scope: IConstruct, instance_arn: str) -> str:
    """The instance ARN as cdk-nag writes it into a finding's id, from ``scope``'s stack.

    In the instance's own stack it is ``<LogicalId.Arn>``. From another stack CDK replaces the
    attribute by a weak reference, ``Fn::GetStackOutput`` of an output it adds to the producer under
    ``Publish/Output<the attribute's JSON>``, and cdk-nag writes that intrinsic as compact JSON. The
    output's logical id is what the producer would allocate for that path: a scratch stack
    allocates it here the same way. Should CDK change how it publishes references, synth reports
    the unacknowledged finding with its new id.
    """
    if not Token.is_unresolved(instance_arn):
        return instance_arn  # a literal ARN (a construct test) is written as it is
    token = Tokenization.reverse_string(instance_arn).first_token
    target = getattr(token, "target", None)
    if token is None or target is None:
        raise ValueError("the instance ARN must be a reference to the instance's attribute")
    producer = Stack.of(target)
    attribute = producer.resolve(token)
    if producer is Stack.of(scope):
        logical_id, name = attribute["Fn::GetAtt"]
        return f"<{logical_id}.{name}>"
    scratch = Stack(App(), "Scratch")
    output = CfnOutput(
        Construct(scratch, "Publish"), "Output" + json.dumps(attribute, separators=(",", ":")), value="-"
    )
    reference = {
        "Fn::GetStackOutput": {
            "StackName": producer.stack_name,
            "Region": producer.region,
            "OutputName": scratch.get_logical_id(output),
        }
    }
    return json.dumps(reference, separators=(",", ":"))
