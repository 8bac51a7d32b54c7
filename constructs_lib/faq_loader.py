"""Deploy-time FAQ content: a custom resource that writes ``bot/data/faq.json`` into the faq table.

The resource's ``ContentHash`` property is the SHA-256 of the FAQ file, so any change to the file
changes the resource and CloudFormation sends an Update. CDK's ``custom_resources.Provider``
serves the resource: its framework function receives CloudFormation's request, invokes our
function (``handlers.faq_loader``, which writes only what changed and deletes what was removed)
and answers CloudFormation — also when our function fails or times out.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import ClassVar, Final

from aws_cdk import Acknowledgment, CustomResource, Duration, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import custom_resources as cr
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.bot_functions import (
    LAMBDA_SOURCE_PATH,
    create_bot_function,
    key_statement,
    table_statement,
)
from constructs_lib.compliance import HIPAA_NIST, acknowledge
from constructs_lib.custom_resource_framework import framework_logging, harden_framework_function
from constructs_lib.function_environment import observability_environment

#: The versioned FAQ file the handler loads (inside the Lambda asset).
FAQ_FILE: Final = LAMBDA_SOURCE_PATH / "bot" / "data" / "faq.json"


def faq_content_hash(path: Path = FAQ_FILE) -> str:
    """SHA-256 hex of the FAQ file's bytes: stable across machines, changes with any edit."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def faq_loader_service_name(config: EnvironmentConfig) -> str:
    """``POWERTOOLS_SERVICE_NAME`` of the loader function."""
    return f"{config.name_prefix}-faq-loader"


class FaqLoader(Construct):
    """The loader function, its provider and the ``Custom::FaqContent`` resource.

    Attributes:
        function: ``handlers.faq_loader.lambda_handler``, the provider's ``on_event`` handler.
        log_group: its log group.
        provider: the CDK provider whose framework function answers CloudFormation.
        provider_role: the framework function's role (its logs, plus what CDK grants: invoking
            ``function``).
        provider_log_group: the framework function's log group.
        dead_letter_queue: where Lambda puts a CloudFormation event the framework function failed on.
        resource: the custom resource (``Data``: ``Written``, ``Deleted``, ``Unchanged``).
    """

    RESOURCE_TYPE: ClassVar[str] = "Custom::FaqContent"
    HANDLER: ClassVar[str] = "handlers.faq_loader.lambda_handler"
    MEMORY_MB: ClassVar[int] = 256
    #: Ten FAQ entries take a second; the rest is room for DynamoDB throttling retries. Should the
    #: function run out of time, the framework answers CloudFormation FAILED.
    TIMEOUT: ClassVar[Duration] = Duration.minutes(2)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: lambda_.Code,
        layer: lambda_.ILayerVersion,
        faq_table: dynamodb.ITable,
        data_key: kms.IKey,
        config: EnvironmentConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        # Construct ids differ from the hand-written resource this replaces ("Function",
        # "Resource"): CloudFormation refuses to change a custom resource's ServiceToken, so the
        # resource gets a new logical id, and its predecessor's Delete still reaches the old,
        # unchanged function, which is removed after it.
        self.function, self.log_group = create_bot_function(
            self,
            "Loader",
            config=config,
            code=code,
            layer=layer,
            handler=self.HANDLER,
            description=f"{config.name_prefix} FAQ content loader (CloudFormation custom resource)",
            memory_size=self.MEMORY_MB,
            timeout=self.TIMEOUT,
            environment=observability_environment(faq_loader_service_name(config)),
            statements=[
                # Scan to compare, BatchWriteItem to put and delete: nothing else.
                table_statement(faq_table, ["dynamodb:Scan", "dynamodb:BatchWriteItem"]),
                key_statement(data_key),
            ],
            log_key=data_key,
            invoked_synchronously_by=(
                "CDK's provider framework function invokes it (RequestResponse) and answers "
                "CloudFormation with its result or its error"
            ),
        )
        acknowledge(
            self.function,
            "LambdaConcurrency",
            packs=HIPAA_NIST,
            reason=(
                "Runs only when CloudFormation deploys a changed FAQ file, one invocation per deploy: "
                "nothing can make it scale, and a reservation would only take concurrency from the "
                "functions callers depend on."
            ),
        )
        framework = framework_logging(
            self,
            "Provider",
            config=config,
            description=f"{config.name_prefix} FAQ content provider framework",
            encryption_key=data_key,
        )
        self.provider_role, self.provider_log_group = framework.role, framework.log_group
        self.dead_letter_queue = framework.dead_letter_queue
        self.provider = cr.Provider(
            self,
            "ProviderFramework",
            on_event_handler=self.function,
            framework_on_event_role=self.provider_role,
            log_group=self.provider_log_group,
        )
        framework_function = self.provider.node.find_child("framework-onEvent").node.default_child
        if not isinstance(framework_function, lambda_.CfnFunction):
            raise TypeError("the provider's framework function has no CfnFunction")
        harden_framework_function(framework_function, framework)
        self._acknowledge_invoke_grant()
        self.resource = CustomResource(
            self,
            "Content",
            service_token=self.provider.service_token,
            resource_type=self.RESOURCE_TYPE,
            properties={"ContentHash": faq_content_hash(), "TableName": faq_table.table_name},
        )

    def _acknowledge_invoke_grant(self) -> None:
        """The provider's grant to invoke our function also names its versions and aliases."""
        cfn_function = self.function.node.default_child
        if not isinstance(cfn_function, lambda_.CfnFunction):
            raise TypeError("Function's default child is not a CfnFunction")
        function_id = Stack.of(self).get_logical_id(cfn_function)
        default_policy = self.provider_role.node.find_child("DefaultPolicy")
        if not isinstance(default_policy, iam.Policy):
            raise TypeError("the provider role has no default policy")
        Validations.of(default_policy).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{function_id}.Arn>:*]",
                reason=(
                    "CDK's provider framework grants lambda:InvokeFunction on the FAQ loader "
                    "function and '<its ARN>:*' (its versions and aliases): the wildcard only "
                    "qualifies this one function, which is the framework's only job."
                ),
            )
        )
