"""The start-chat API: how a visitor of the company's site starts a chat with the bot.

Amazon Connect's hosted chat widget can only be created in the console; the public sample backend
(API Gateway → Lambda → ``StartChatContact``) takes the instance and flow from the request and
has no authorization, CORS ``*``, no WAF and no throttling. This one (contract in
``handlers/start_chat.py`` and ``web/chat_api_contract.md``):

- **REST API, one resource** ``POST /chats`` (Lambda proxy) and its CORS preflight, answered by API
  Gateway for ``chat_api.allowed_origins`` only (the function checks the ``Origin`` again). A
  request model makes API Gateway refuse a body of the wrong shape; every refusal API Gateway
  makes itself (throttled, bad body, unknown path, WAF, its own failures) answers the same
  ``{"message": <Korean>, "code"}`` as the function.
- **Limits**: WAF in front (``constructs_lib/chat_api_waf.py``: per-IP rate rule, AWS managed
  rules), the stage's throttling (``throttle_rate``/``throttle_burst``) and the function's reserved
  concurrency. Access logs are JSON in a log group encrypted with the environment's key.
- **The function** holds exactly ``connect:StartChatContact`` on the inbound flow and this
  instance's contacts, ``secretsmanager:GetSecretValue`` on the token secret and ``kms:Decrypt``
  through Secrets Manager only. The instance and the flow are its environment, not the request's.
- **The token secret** (``{"current", "previous"}``, generated, encrypted with the environment's
  key): the company's site signs customer tokens with it (``webchat/customer_token.py``). It is
  rotated by hand with two active keys (README "Web chat: the start-chat API").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final

from aws_cdk import Acknowledgment, Duration, Fn, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.asset_excludes import LAMBDA_ASSET_EXCLUDES
from constructs_lib.bot_functions import LAMBDA_SOURCE_PATH, create_bot_function, create_log_group
from constructs_lib.chat_api_waf import ChatApiFirewall
from constructs_lib.compliance import (
    HIPAA_NIST,
    HIPAA_NIST_PCI,
    acknowledge,
)
from constructs_lib.connect_contact_policy import connect_contact_policy
from constructs_lib.function_environment import observability_environment, powertools_layer_parameter_name
from contract import CHAT_API_RESOURCE, CHAT_API_STAGE, ChatEnvVar, ChatErrorCode
from webchat.deadlines import FUNCTION_TIMEOUT_SECONDS
from webchat.messages import chat_error_message

MEMORY_MB: Final = 256
#: API Gateway waits up to 29 s; the function's AWS calls are bounded to fit this (``webchat.deadlines``).
TIMEOUT: Final = Duration.seconds(FUNCTION_TIMEOUT_SECONDS)

#: API Gateway's own refusals, answered like the function's: (response type, status, code).
GATEWAY_RESPONSES: Final = (
    (apigateway.ResponseType.THROTTLED, 429, ChatErrorCode.RATE_LIMITED),
    (apigateway.ResponseType.WAF_FILTERED, 403, ChatErrorCode.INVALID_REQUEST),
    (apigateway.ResponseType.BAD_REQUEST_BODY, 400, ChatErrorCode.INVALID_REQUEST),
    (apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, 404, ChatErrorCode.NOT_FOUND),
    (apigateway.ResponseType.DEFAULT_4_XX, None, ChatErrorCode.INVALID_REQUEST),
    (apigateway.ResponseType.DEFAULT_5_XX, None, ChatErrorCode.UNAVAILABLE),
)

#: Headers on every refusal API Gateway makes itself: the caller's ``Origin`` echoed back, so the
#: page's ``fetch`` can read the Korean message instead of failing with a CORS error. Echoing any
#: origin on these answers exposes nothing: their bodies are only the fixed Korean message and
#: code (no token, no contact, nothing of the request); the function's own answers, which carry the
#: participant token, echo allowed origins only.
GATEWAY_RESPONSE_HEADERS: Final = {
    "Access-Control-Allow-Origin": "method.request.header.origin",
    "Vary": "'Origin'",
}

#: One JSON line per request (no body, no query string: the name and the token never reach a log).
ACCESS_LOG_FORMAT: Final = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTimeEpoch",
    "ip": "$context.identity.sourceIp",
    "httpMethod": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationStatus": "$context.integration.status",
    "wafStatus": "$context.waf.status",
    "errorType": "$context.error.responseType",
}

#: The request model API Gateway validates a ``POST /chats`` body against (types only: the
#: function's own checks give the page the precise Korean message).
REQUEST_SCHEMA: Final = apigateway.JsonSchema(
    schema=apigateway.JsonSchemaVersion.DRAFT4,
    title="StartChatRequest",
    type=apigateway.JsonSchemaType.OBJECT,
    required=["displayName"],
    properties={
        "displayName": apigateway.JsonSchema(type=apigateway.JsonSchemaType.STRING),
        "attributes": apigateway.JsonSchema(type=apigateway.JsonSchemaType.OBJECT),
        "customerToken": apigateway.JsonSchema(type=apigateway.JsonSchemaType.STRING),
    },
)


class ChatApi(Construct):
    """The start-chat API of one environment.

    Attributes:
        api: the REST API; ``api.url`` is the base URL (``…/v1/``) the page calls ``chats`` under.
        function: ``handlers.start_chat.lambda_handler``.
        token_secret: the customer-token signing secret.
        access_logs: the stage's access log group.
        firewall: the web ACL in front of the stage.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        instance_arn: str,
        instance_id: str,
        flow_arn: str,
        data_key: kms.IKey,
        page_origins: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        settings = config.chat_api
        # The company's sites (config) and our own chat page (its CloudFront origin, known at deploy).
        allowed_origins = [*settings.allowed_origins, *page_origins]
        self.token_secret = secretsmanager.Secret(
            self,
            "TokenSecret",
            description=(
                f"{config.name_prefix} start-chat API: HMAC keys the company's site signs customer tokens "
                'with ({"current", "previous"}; rotate by hand, see the README)'
            ),
            encryption_key=data_key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({"previous": ""}),
                generate_string_key="current",
                password_length=64,
                exclude_punctuation=True,
            ),
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
        )
        rotation = (
            "Rotated by hand with two active keys (current and previous, both accepted by the function): "
            "the company's site holds the key outside AWS, so a rotation Lambda could not hand the new "
            "key to it; the README's procedure rotates without breaking a signed page."
        )
        Validations.of(self.token_secret).acknowledge(Acknowledgment(id="AwsSolutions-SMG4", reason=rotation))
        acknowledge(self.token_secret, "SecretsManagerRotationEnabled", packs=HIPAA_NIST, reason=rotation)

        code = lambda_.Code.from_asset(str(LAMBDA_SOURCE_PATH), exclude=list(LAMBDA_ASSET_EXCLUDES))
        layer_arn = ssm.StringParameter.value_for_string_parameter(self, powertools_layer_parameter_name())
        layer = lambda_.LayerVersion.from_layer_version_arn(self, "PowertoolsLayer", layer_arn)
        self.function, self.function_log_group = create_bot_function(
            self,
            "Function",
            config=config,
            code=code,
            layer=layer,
            handler="handlers.start_chat.lambda_handler",
            description=f"{config.name_prefix} start-chat API (StartChatContact on the inbound flow)",
            memory_size=MEMORY_MB,
            timeout=TIMEOUT,
            environment={
                ChatEnvVar.INSTANCE_ID: instance_id,
                # The flow's id is the last segment of its ARN (…/contact-flow/<id>).
                ChatEnvVar.CONTACT_FLOW_ARN: flow_arn,
                ChatEnvVar.CHAT_DURATION_MINUTES: str(settings.chat_duration_minutes),
                ChatEnvVar.ALLOWED_ORIGINS: Fn.join(",", allowed_origins),
                ChatEnvVar.TOKEN_SECRET_ARN: self.token_secret.secret_arn,
                ChatEnvVar.TOKEN_AUDIENCE: f"{config.name_prefix}-chat",
                **observability_environment(f"{config.name_prefix}-start-chat"),
            },
            statements=[
                iam.PolicyStatement(
                    actions=["secretsmanager:GetSecretValue"], resources=[self.token_secret.secret_arn]
                ),
                iam.PolicyStatement(
                    actions=["kms:Decrypt"],
                    resources=[data_key.key_arn],
                    conditions={
                        "StringEquals": {"kms:ViaService": f"secretsmanager.{stack.region}.amazonaws.com"}
                    },
                ),
            ],
            log_key=data_key,
            invoked_synchronously_by=(
                "API Gateway's Lambda proxy integration waits for the answer and returns it to the page"
            ),
            reserved_concurrency=settings.reserved_concurrency,
        )
        self._connect_permissions(instance_arn, flow_arn)

        self.access_logs = create_log_group(self, "AccessLogs", config=config, encryption_key=data_key)
        self.api = apigateway.RestApi(
            self,
            "Api",
            rest_api_name=f"{config.name_prefix}-chat",
            description=f"{config.name_prefix} start-chat API for the company's site",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            cloud_watch_role=False,
            deploy_options=apigateway.StageOptions(
                stage_name=CHAT_API_STAGE,
                access_log_destination=apigateway.LogGroupLogDestination(self.access_logs),
                access_log_format=apigateway.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FORMAT)),
                throttling_rate_limit=settings.throttle_rate,
                throttling_burst_limit=settings.throttle_burst,
                tracing_enabled=True,
                metrics_enabled=True,
            ),
        )
        for response_type, status, error_code in GATEWAY_RESPONSES:
            body = {"message": chat_error_message(error_code), "code": error_code.value}
            self.api.add_gateway_response(
                f"{error_code.value.title().replace('_', '')}{response_type.response_type}",
                type=response_type,
                status_code=None if status is None else str(status),
                response_headers=dict(GATEWAY_RESPONSE_HEADERS),
                templates={"application/json": json.dumps(body, ensure_ascii=False)},
            )
        model = self.api.add_model("StartChatRequest", content_type="application/json", schema=REQUEST_SCHEMA)
        validator = self.api.add_request_validator(
            "RequestValidator", validate_request_body=True, validate_request_parameters=True
        )
        chats = self.api.root.add_resource(CHAT_API_RESOURCE)
        # The preflight on /chats only (API Gateway's mock integration echoes an allowed origin).
        self.preflight_method = chats.add_cors_preflight(
            allow_origins=allowed_origins,
            allow_methods=["POST", "OPTIONS"],
            allow_headers=["Content-Type"],
            max_age=Duration.hours(1),
        )
        self.start_method = chats.add_method(
            "POST",
            apigateway.LambdaIntegration(self.function, proxy=True, allow_test_invoke=False),
            request_models={"application/json": model},
            request_validator=validator,
        )
        self._acknowledge_public_api()

        stage_arn = stack.format_arn(
            service="apigateway",
            account="",
            resource="/restapis",
            resource_name=f"{self.api.rest_api_id}/stages/{self.api.deployment_stage.stage_name}",
        )
        # WAF's 429 carries static headers only: it names the chat page's own origin when there is
        # exactly one (the company's sites calling the API directly cannot read it; see the README).
        self.firewall = ChatApiFirewall(
            self,
            "Firewall",
            config=config,
            stage_arn=stage_arn,
            encryption_key=data_key,
            page_origin=page_origins[0] if len(page_origins) == 1 else None,
        )
        self.firewall.association.node.add_dependency(self.api.deployment_stage)

    def _connect_permissions(self, instance_arn: str, flow_arn: str) -> iam.Policy:
        """``connect:StartChatContact`` on the inbound flow and this instance's contacts, alone."""
        return connect_contact_policy(
            self,
            function=self.function,
            action="connect:StartChatContact",
            instance_arn=instance_arn,
            other_resources=[flow_arn],
            reason=(
                "connect:StartChatContact is authorized on the flow and on the contact it creates: "
                "<instance ARN>/contact/* names the contacts of this instance only, whose ids "
                "do not exist before the call. The flow is the inbound flow's own ARN."
            ),
        )

    def _acknowledge_public_api(self) -> None:
        """What cdk-nag asks of an API that is public by design, each on the construct it names."""
        public = (
            "A public API for the company's website visitors, who have no AWS identity: callers are "
            "limited by the CORS allow-list, WAF (per-IP rate rule, AWS managed rules) and stage "
            "throttling, and a signed-in customer proves who they are with a site-signed token the "
            "function verifies (webchat/customer_token.py)."
        )
        for rule in ("APIG4", "COG4"):
            Validations.of(self.start_method).acknowledge(
                Acknowledgment(id=f"AwsSolutions-{rule}", reason=public)
            )
        stage = self.api.deployment_stage
        acknowledge(
            stage,
            "APIGWCacheEnabledAndEncrypted",
            packs=HIPAA_NIST_PCI,
            reason=(
                "Nothing to cache: every POST /chats starts a new chat and answers with that chat's own "
                "participant token, which must never be served to another caller."
            ),
        )
        acknowledge(
            stage,
            "APIGWSSLEnabled",
            packs=HIPAA_NIST_PCI,
            reason=(
                "A stage client certificate authenticates API Gateway to an HTTP backend; the only "
                "backend is a Lambda proxy integration, invoked through the Lambda API with IAM. "
                "Callers reach the stage over TLS only."
            ),
        )
        execution_logs = (
            "Execution logging needs the account-wide API Gateway CloudWatch role (one "
            "AWS::ApiGateway::Account per account and region, shared by every environment deployed "
            "there) and writes to API-Gateway-Execution-Logs_<id>/<stage>, a group API Gateway "
            "creates without the environment's key. The stage's access logs (JSON, encrypted with "
            "the key) record every request with its status, WAF and integration results, and the "
            "function logs why it refused each request."
        )
        Validations.of(stage).acknowledge(Acknowledgment(id="AwsSolutions-APIG6", reason=execution_logs))
        acknowledge(stage, "APIGWExecutionLoggingEnabled", packs=HIPAA_NIST_PCI, reason=execution_logs)
