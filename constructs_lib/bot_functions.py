"""The bot's Lambda functions: the Lex V2 code hook and the Connect-invoked contact-flow function.

Both run the ``lambda_src/`` asset (one ``Code`` object shared by every function of the app) with
Powertools from the AWS-published layer, arm64, JSON logs in an explicit log group, X-Ray
tracing and an execution role that holds exactly the actions the handler code uses — written
out as explicit statements, because the CDK ``grant_*`` helpers add actions the code never calls
(``Query``, ``BatchGetItem``, ``ConditionCheckItem``...).

:func:`create_bot_function` builds one such function; the FAQ loader (``constructs_lib.faq_loader``)
uses it as well, so every function of the app is configured the same way. The variables and
timeouts come from the CDK-free ``constructs_lib.function_environment``, which the local call
simulator uses too; the tables each function uses are the contract's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar, Final

from aws_cdk import Acknowledgment, ArnFormat, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from config.settings import LAMBDA_PYTHON_RUNTIME, EnvironmentConfig
from constructs_lib.asset_excludes import LAMBDA_ASSET_EXCLUDES
from constructs_lib.compliance import (
    HIPAA_NIST,
    HIPAA_NIST_PCI,
    INLINE_POLICY_REASON,
    NO_VPC_REASON,
    SERVERLESS,
    acknowledge,
)
from constructs_lib.function_environment import (
    CONTACT_FLOW_TIMEOUT_SECONDS,
    contact_flow_environment,
    contact_flow_service_name,
    lex_hook_environment,
    lex_hook_service_name,
    lex_hook_timeout_seconds,
    powertools_layer_parameter_name,
)
from contract import (
    CALLBACKS,
    CONTACT_FLOW_TABLES,
    CONVERSATIONS,
    CUSTOMERS,
    FAQ,
    LEX_HOOK_TABLES,
    ORDERS,
    RESERVATIONS,
)
from lambda_asset import ASSET_ROOT

#: The Lambda asset root: the handlers import as ``handlers.*``, ``bot.*``, ``storage.*``, ``contract``.
#: Absolute, so synth does not depend on the working directory (the asset hash is content-based).
LAMBDA_SOURCE_PATH: Final = ASSET_ROOT

#: KMS actions a principal needs to read and write items of a table encrypted with a customer
#: managed key (DynamoDB calls KMS on the caller's behalf; these are the actions the CDK grants
#: for table reads plus the one writes need).
TABLE_KEY_ACTIONS: Final = ("kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey")

# Cross-region inference-profile prefixes (the geography the profile routes within).
_PROFILE_PREFIX = re.compile(r"^(apac|global|us|eu|jp|au|ca)\.")


def lambda_runtime() -> lambda_.Runtime:
    """The Python runtime of every function: the one the Powertools layer is built for."""
    for runtime in lambda_.Runtime.ALL:
        if runtime.name == LAMBDA_PYTHON_RUNTIME:
            return runtime
    raise ValueError(f"aws-cdk-lib does not know the Lambda runtime {LAMBDA_PYTHON_RUNTIME}")


def _latest_python_runtime_name() -> str:
    """The newest ``pythonX.Y`` runtime aws-cdk-lib knows (what cdk-nag's AwsSolutions-L1 expects)."""
    versions = [
        tuple(int(part) for part in runtime.name.removeprefix("python").split("."))
        for runtime in lambda_.Runtime.ALL
        if re.fullmatch(r"python\d+\.\d+", runtime.name)
    ]
    major, minor = max(versions)
    return f"python{major}.{minor}"


def log_removal_policy(config: EnvironmentConfig) -> RemovalPolicy:
    """Logs follow the data: retained where the environment retains its data."""
    return RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY


def create_log_group(
    scope: Construct, construct_id: str, *, config: EnvironmentConfig, encryption_key: kms.IKey
) -> logs.LogGroup:
    """A log group with ``config.log_retention_days`` retention, kept where the data is kept.

    Logs can hold what callers said and their numbers (masked, but still personal data): the group is
    encrypted with ``encryption_key``, the environment's customer-managed key, whose policy lets
    CloudWatch Logs of this account and region use it (``encryption_key.DataEncryptionKey``).
    """
    log_group = logs.LogGroup(
        scope, construct_id, removal_policy=log_removal_policy(config), encryption_key=encryption_key
    )
    # The Python RetentionDays enum is keyed by name, not by day count; the config holds a
    # validated CloudWatch retention period in days, which is what the L1 property takes.
    cfn_log_group = log_group.node.default_child
    if not isinstance(cfn_log_group, logs.CfnLogGroup):
        raise TypeError("LogGroup's default child is not a CfnLogGroup")
    cfn_log_group.retention_in_days = config.log_retention_days
    return log_group


def table_statement(table: dynamodb.ITable, actions: Sequence[str]) -> iam.PolicyStatement:
    """Exactly ``actions`` on the table itself (no index ARNs: no handler queries an index)."""
    return iam.PolicyStatement(actions=list(actions), resources=[table.table_arn])


def key_statement(key: kms.IKey) -> iam.PolicyStatement:
    """What DynamoDB needs from the caller to read and write a table encrypted with ``key``."""
    return iam.PolicyStatement(actions=list(TABLE_KEY_ACTIONS), resources=[key.key_arn])


def create_bot_function(
    scope: Construct,
    construct_id: str,
    *,
    config: EnvironmentConfig,
    code: lambda_.Code,
    layer: lambda_.ILayerVersion,
    handler: str,
    description: str,
    memory_size: int,
    timeout: Duration,
    environment: Mapping[str, str],
    statements: Iterable[iam.PolicyStatement],
    log_key: kms.IKey,
    invoked_synchronously_by: str | None,
    reserved_concurrency: int | None = None,
    dead_letter_queue: sqs.IQueue | None = None,
) -> tuple[lambda_.Function, logs.LogGroup]:
    """One function configured like every function of the app, with its log group.

    The role starts empty (no AWS managed policy): it gets write access to the function's own
    log group, ``statements``, and the X-Ray statement CDK adds for active tracing — kept alone
    in the role's default policy, where its ``Resource: *`` is acknowledged for cdk-nag.

    ``log_key`` encrypts the log group. ``invoked_synchronously_by`` says who invokes the function
    and waits for its answer: a dead-letter queue only ever receives failed *asynchronous*
    invocations, so none is configured and the rule asking for one is acknowledged with this
    reason. ``reserved_concurrency`` reserves (and caps) the function's concurrent executions;
    without it the caller acknowledges the concurrency rule with its own reason.
    A function invoked asynchronously passes ``dead_letter_queue`` instead (and None for
    ``invoked_synchronously_by``): Lambda retries a failed event twice, then sends it there.
    """
    if (invoked_synchronously_by is None) == (dead_letter_queue is None):
        raise ValueError(f"{construct_id}: give either invoked_synchronously_by or dead_letter_queue")
    log_group = create_log_group(scope, f"{construct_id}Logs", config=config, encryption_key=log_key)
    role = iam.Role(
        scope,
        f"{construct_id}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"Execution role of {description}",
    )
    permissions = iam.Policy(
        scope,
        f"{construct_id}Permissions",
        roles=[role],
        statements=[
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                # LogGroup.log_group_arn ends in ":*", which covers the group's log streams.
                resources=[log_group.log_group_arn],
            ),
            *statements,
        ],
    )
    function = lambda_.Function(
        scope,
        construct_id,
        description=description,
        runtime=lambda_runtime(),
        architecture=lambda_.Architecture.ARM_64,
        code=code,
        handler=handler,
        layers=[layer],
        memory_size=memory_size,
        timeout=timeout,
        environment=dict(environment),
        role=role,
        log_group=log_group,
        logging_format=lambda_.LoggingFormat.JSON,
        # Powertools reads the application level from Lambda's log controls (AWS_LAMBDA_LOG_LEVEL),
        # so POWERTOOLS_LOG_LEVEL is deliberately not set: two sources could disagree.
        application_log_level_v2=lambda_.ApplicationLogLevel.INFO,
        system_log_level_v2=lambda_.SystemLogLevel.WARN,
        tracing=lambda_.Tracing.ACTIVE,
        reserved_concurrent_executions=reserved_concurrency,
        # Lambda's default for asynchronous events: two retries, then the dead-letter queue.
        dead_letter_queue=dead_letter_queue,
    )
    # The function must not run (e.g. as a deploy-time custom resource) before its permissions exist.
    function.node.add_dependency(permissions)
    acknowledge(function, "LambdaInsideVPC", packs=HIPAA_NIST_PCI, reason=NO_VPC_REASON)
    if invoked_synchronously_by is not None:
        acknowledge(
            function,
            "LambdaDLQ",
            packs=(*HIPAA_NIST, SERVERLESS),
            reason=(
                f"Invoked synchronously: {invoked_synchronously_by}. A dead-letter queue only receives "
                "failed asynchronous invocations; a synchronous caller gets the error itself."
            ),
        )
    xray_policy = role.node.find_child("DefaultPolicy")
    for policy in (permissions, xray_policy):
        acknowledge(policy, "IAMNoInlinePolicy", packs=HIPAA_NIST_PCI, reason=INLINE_POLICY_REASON)
    Validations.of(xray_policy).acknowledge(
        Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason=(
                "Only the X-Ray statement of active tracing lives in this policy: "
                "xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level "
                "permissions, so their resource must be '*'."
            ),
        )
    )
    if _latest_python_runtime_name() != LAMBDA_PYTHON_RUNTIME:
        runtime_pin = (
            f"Pinned to {LAMBDA_PYTHON_RUNTIME}: the AWS Powertools layer is the one "
            "published for this runtime; the runtime and the layer move together."
        )
        Validations.of(function).acknowledge(Acknowledgment(id="AwsSolutions-L1", reason=runtime_pin))
        acknowledge(function, "LambdaLatestVersion", packs=(SERVERLESS,), reason=runtime_pin)
    return function, log_group


class BotFunctions(Construct):
    """The Lex V2 code hook and the Connect contact-flow function, least privilege each.

    Attributes:
        code: the ``lambda_src`` asset, shared by every function of the app.
        powertools_layer: the AWS-published Powertools layer of the version pinned in
            ``lambda_src/requirements.txt``: its ARN is read at deploy time from AWS's public SSM
            parameter (``function_environment.powertools_layer_parameter_name``).
        lex_hook: ``handlers.lex_hook.lambda_handler`` (Lex V2 dialog and fulfillment code hook).
        lex_hook_log_group: its log group.
        contact_flow: ``handlers.contact_flow.lambda_handler`` (Connect ``InvokeLambdaFunction``).
        contact_flow_log_group: its log group.
        lex_hook_service_name / contact_flow_service_name: ``POWERTOOLS_SERVICE_NAME`` of each,
            the ``service`` dimension of their metrics.
    """

    #: See ``function_environment.CONTACT_FLOW_TIMEOUT_SECONDS`` (the simulator enforces the same).
    CONTACT_FLOW_TIMEOUT: ClassVar[Duration] = Duration.seconds(CONTACT_FLOW_TIMEOUT_SECONDS)
    CONTACT_FLOW_MEMORY_MB: ClassVar[int] = 256
    LEX_HOOK_MEMORY_MB: ClassVar[int] = 512

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        tables: Mapping[str, dynamodb.ITable],
        data_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        missing = [
            definition.key
            for definition in (*LEX_HOOK_TABLES, *CONTACT_FLOW_TABLES)
            if definition.key not in tables
        ]
        if missing:
            raise ValueError(f"BotFunctions needs the tables {', '.join(sorted(missing))}")

        self.code = lambda_.Code.from_asset(str(LAMBDA_SOURCE_PATH), exclude=list(LAMBDA_ASSET_EXCLUDES))
        # A CloudFormation parameter of type AWS::SSM::Parameter::Value<String>: no lookup at synth.
        layer_arn = ssm.StringParameter.value_for_string_parameter(self, powertools_layer_parameter_name())
        self.powertools_layer = lambda_.LayerVersion.from_layer_version_arn(
            self, "PowertoolsLayer", layer_arn
        )
        self.lex_hook_service_name = lex_hook_service_name(config)
        self.contact_flow_service_name = contact_flow_service_name(config)
        # CDK tokens at synth: the builders take table names as plain strings.
        table_names = {key: table.table_name for key, table in tables.items()}

        self.lex_hook, self.lex_hook_log_group = create_bot_function(
            self,
            "LexHook",
            config=config,
            code=self.code,
            layer=self.powertools_layer,
            handler="handlers.lex_hook.lambda_handler",
            description=f"{config.name_prefix} Lex V2 code hook (ko_KR bot)",
            memory_size=self.LEX_HOOK_MEMORY_MB,
            timeout=self.lex_hook_timeout(config),
            environment=lex_hook_environment(config, table_names, bedrock_enabled=config.bedrock_enabled),
            statements=[
                table_statement(tables[FAQ.key], ["dynamodb:Scan"]),
                table_statement(tables[ORDERS.key], ["dynamodb:GetItem"]),
                table_statement(tables[RESERVATIONS.key], ["dynamodb:PutItem", "dynamodb:GetItem"]),
                table_statement(tables[CONVERSATIONS.key], ["dynamodb:PutItem"]),
                key_statement(data_key),
                *self._bedrock_statements(config),
            ],
            log_key=data_key,
            invoked_synchronously_by=(
                "Lex V2 calls the code hook for every caller turn and waits for its answer"
            ),
            reserved_concurrency=config.reserved_concurrency.lex_hook,
        )
        self.contact_flow, self.contact_flow_log_group = create_bot_function(
            self,
            "ContactFlow",
            config=config,
            code=self.code,
            layer=self.powertools_layer,
            handler="handlers.contact_flow.lambda_handler",
            description=f"{config.name_prefix} Connect contact-flow function (customer lookup, callbacks)",
            memory_size=self.CONTACT_FLOW_MEMORY_MB,
            timeout=self.CONTACT_FLOW_TIMEOUT,
            environment=contact_flow_environment(config, table_names),
            statements=[
                table_statement(tables[CUSTOMERS.key], ["dynamodb:GetItem"]),
                table_statement(
                    tables[CALLBACKS.key], ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem"]
                ),
                key_statement(data_key),
            ],
            log_key=data_key,
            invoked_synchronously_by=(
                "the contact flows' InvokeLambdaFunction blocks are SYNCHRONOUS and wait up to 8 s "
                "for the answer they branch on"
            ),
            reserved_concurrency=config.reserved_concurrency.contact_flow,
        )

    # --- public API -----------------------------------------------------------------------------

    def allow_connect_instance(self, instance_arn: str) -> None:
        """Let the Connect instance ``instance_arn`` (and only it) invoke the contact-flow function."""
        self.contact_flow.add_permission(
            "InvokeByConnectInstance",
            principal=iam.ServicePrincipal("connect.amazonaws.com"),
            action="lambda:InvokeFunction",
            source_arn=instance_arn,
            source_account=Stack.of(self).account,
        )

    @staticmethod
    def lex_hook_timeout(config: EnvironmentConfig) -> Duration:
        """The code hook's timeout as deployed (``function_environment.lex_hook_timeout_seconds``)."""
        return Duration.seconds(lex_hook_timeout_seconds(config, bedrock_enabled=config.bedrock_enabled))

    @staticmethod
    def bedrock_resource_arns(config: EnvironmentConfig, *, stack: Stack) -> list[str]:
        """The inference profile (in the function's region) and the model in every routed region.

        A cross-region profile is authorized on the profile ARN *and* on the foundation model in
        each destination region; a plain model id needs only the model in its own region.
        """
        model_id = config.bedrock_model_id
        foundation_model_id = _PROFILE_PREFIX.sub("", model_id)
        if foundation_model_id == model_id:
            return [_foundation_model_arn(stack, config.region, model_id)]
        profile_arn = stack.format_arn(
            service="bedrock",
            region=config.region,
            resource="inference-profile",
            resource_name=model_id,
            arn_format=ArnFormat.SLASH_RESOURCE_NAME,
        )
        return [
            profile_arn,
            *(
                _foundation_model_arn(stack, region, foundation_model_id)
                for region in config.bedrock_model_regions
            ),
        ]

    # --- wiring ---------------------------------------------------------------------------------

    def _bedrock_statements(self, config: EnvironmentConfig) -> list[iam.PolicyStatement]:
        if not config.bedrock_enabled:
            return []
        # The Converse API is authorized by bedrock:InvokeModel; there is no bedrock:Converse action.
        return [
            iam.PolicyStatement(
                actions=["bedrock:InvokeModel"],
                resources=self.bedrock_resource_arns(config, stack=Stack.of(self)),
            )
        ]


def _foundation_model_arn(stack: Stack, region: str, model_id: str) -> str:
    # Foundation models are AWS-owned: their ARNs have no account.
    return stack.format_arn(
        service="bedrock",
        region=region,
        account="",
        resource="foundation-model",
        resource_name=model_id,
        arn_format=ArnFormat.SLASH_RESOURCE_NAME,
    )
