"""The start-chat API's web application firewall: a per-IP rate limit and AWS managed rules.

API Gateway's stage throttling caps all clients together; a flood from a few addresses would use
that cap up for everyone. WAF in front counts per client IP (``rate_limit_per_5min`` in any 5
minutes) and answers the excess with a 429 and the same Korean JSON the API uses, and AWS's managed
rule groups drop known-bad traffic (IP reputation, common exploits, known bad inputs) before it
costs a Lambda invocation. Every request WAF evaluates is logged to a log group encrypted with the
environment's key (``aws-waf-logs-*``: WAF's required prefix); the body, where the customer's
name and token travel, is never logged by WAF.
"""

from __future__ import annotations

import json
from typing import Final

from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.bot_functions import create_log_group
from contract import ChatErrorCode
from webchat.messages import chat_error_message

#: The custom response body WAF answers a rate-limited request with.
RATE_LIMITED_BODY_KEY: Final = "rate-limited"
#: AWS managed rule groups, in evaluation order after the rate rule (none of them has a charge
#: beyond WAF's per-rule price; Bot Control and ATP, which do, are not used).
MANAGED_RULE_GROUPS: Final = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
)
RATE_WINDOW_SECONDS: Final = 300


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def _rate_limited_headers(page_origin: str | None) -> list[wafv2.CfnWebACL.CustomHTTPHeaderProperty]:
    """``Retry-After``, and CORS for the chat page so its ``fetch`` can read the Korean message."""
    headers = {"Retry-After": str(RATE_WINDOW_SECONDS)}
    if page_origin:
        headers |= {"Access-Control-Allow-Origin": page_origin, "Vary": "Origin"}
    return [wafv2.CfnWebACL.CustomHTTPHeaderProperty(name=k, value=v) for k, v in headers.items()]


class ChatApiFirewall(Construct):
    """A regional web ACL for the API's stage, its association and its encrypted logs.

    Attributes:
        web_acl: the web ACL.
        association: its association with ``stage_arn``.
        log_group: where WAF logs every evaluated request.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        stage_arn: str,
        encryption_key: kms.IKey,
        page_origin: str | None = None,
    ) -> None:
        """``page_origin``: the chat page's origin, allowed to read the 429 (WAF's headers are static)."""
        super().__init__(scope, construct_id)
        name = f"{config.name_prefix}-chat-api"
        rate_limited = json.dumps(
            {
                "message": chat_error_message(ChatErrorCode.RATE_LIMITED),
                "code": ChatErrorCode.RATE_LIMITED.value,
            },
            ensure_ascii=False,
        )
        rules = [
            wafv2.CfnWebACL.RuleProperty(
                name="RateLimitPerIp",
                priority=0,
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=config.chat_api.rate_limit_per_5min,
                        aggregate_key_type="IP",
                        evaluation_window_sec=RATE_WINDOW_SECONDS,
                    )
                ),
                action=wafv2.CfnWebACL.RuleActionProperty(
                    block=wafv2.CfnWebACL.BlockActionProperty(
                        custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                            response_code=429,
                            custom_response_body_key=RATE_LIMITED_BODY_KEY,
                            response_headers=_rate_limited_headers(page_origin),
                        )
                    )
                ),
                visibility_config=_visibility(f"{name}-rate-limit"),
            ),
            *(
                wafv2.CfnWebACL.RuleProperty(
                    name=group,
                    priority=priority,
                    statement=wafv2.CfnWebACL.StatementProperty(
                        managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                            vendor_name="AWS", name=group
                        )
                    ),
                    override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                    visibility_config=_visibility(f"{name}-{group}"),
                )
                for priority, group in enumerate(MANAGED_RULE_GROUPS, start=1)
            ),
        ]
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=name,
            description=f"{config.name_prefix} start-chat API: per-IP rate limit and AWS managed rules",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            custom_response_bodies={
                RATE_LIMITED_BODY_KEY: wafv2.CfnWebACL.CustomResponseBodyProperty(
                    content_type="APPLICATION_JSON", content=rate_limited
                )
            },
            rules=rules,
            visibility_config=_visibility(name),
        )
        self.association = wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=stage_arn, web_acl_arn=self.web_acl.attr_arn
        )
        self.log_group = create_log_group(self, "Logs", config=config, encryption_key=encryption_key)
        log_group_name = f"aws-waf-logs-{name}"
        cfn_log_group = self.log_group.node.default_child
        if not isinstance(cfn_log_group, logs.CfnLogGroup):
            raise TypeError("LogGroup's default child is not a CfnLogGroup")
        cfn_log_group.log_group_name = log_group_name
        stack = Stack.of(self)
        self.logging = wafv2.CfnLoggingConfiguration(
            self,
            "Logging",
            resource_arn=self.web_acl.attr_arn,
            # WAF wants the group's ARN without the ":*" suffix LogGroup.log_group_arn carries.
            log_destination_configs=[
                f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:{log_group_name}"
            ],
        )
        self.logging.node.add_dependency(self.log_group)
