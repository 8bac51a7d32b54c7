"""A contact flow deployed from a ``contact_flows/`` template with its placeholders resolved."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import ClassVar

from aws_cdk import aws_connect as connect
from constructs import Construct

from flowlang import (
    KNOWN_PLACEHOLDERS,
    FlowSpec,
    PlaceholderError,
    load_template,
    placeholders_in,
    require_valid_flow,
    resolve_placeholders,
)


class FlowContentTooLargeError(ValueError):
    """The resolved flow exceeds the length CloudFormation accepts for ``Content``."""


class TemplatedContactFlow(Construct):
    """``AWS::Connect::ContactFlow`` (``ACTIVE``) whose ``Content`` is a checked, resolved template.

    At synth the template is checked with the flow checker, compacted, and every ``%Name%`` is
    replaced by ``placeholders[Name]``; values may be CDK tokens (the ``Content`` then becomes an
    ``Fn::Join`` around the referenced ARNs). Synth fails, naming the flow and the token, when a
    placeholder has no value or a value has no placeholder, and naming every broken rule when
    the checker finds any.

    Attributes:
        flow: the ``AWS::Connect::ContactFlow``.
        flow_arn: its ARN.
        content: the resolved ``Content`` string (CDK tokens unresolved).
    """

    STATE: ClassVar[str] = "ACTIVE"
    MAX_CONTENT_LENGTH: ClassVar[int] = 256_000  # AWS::Connect::ContactFlow Content maxLength

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_arn: str,
        spec: FlowSpec,
        flow_name: str,
        placeholders: Mapping[str, str],
        description: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        template = load_template(spec)
        require_valid_flow(template, flow_name=flow_name, flow_type=spec.flow_type)
        unknown = sorted(placeholders_in(json.dumps(template)) - KNOWN_PLACEHOLDERS)
        if unknown:
            raise PlaceholderError(
                f"flow {flow_name}: unknown placeholder(s) {', '.join(f'%{name}%' for name in unknown)} "
                "(the contract is flowlang.templates.KNOWN_PLACEHOLDERS)"
            )
        # Compact JSON: smaller Content, and the template's layout never shows up in diffs.
        compact = json.dumps(template, ensure_ascii=False, separators=(",", ":"))
        self.content = resolve_placeholders(compact, placeholders, flow_name=flow_name)
        # Proves the substituted values kept the document valid JSON and the flow still checks out.
        require_valid_flow(json.loads(self.content), flow_name=flow_name, flow_type=spec.flow_type)
        # Approximate with tokens in place of ARNs (each differs by under 150 characters).
        if len(self.content) > self.MAX_CONTENT_LENGTH:
            raise FlowContentTooLargeError(
                f"flow {flow_name}: Content is {len(self.content)} characters, "
                f"more than the {self.MAX_CONTENT_LENGTH} CloudFormation accepts"
            )
        self.flow = connect.CfnContactFlow(
            self,
            "Flow",
            instance_arn=instance_arn,
            name=flow_name,
            type=spec.flow_type,
            state=self.STATE,
            description=description if description is not None else spec.description,
            content=self.content,
        )
        self.flow_arn = self.flow.attr_contact_flow_arn
