"""Deploy-time FAQ content: a custom resource that writes ``bot/data/faq.json`` into the faq table.

The resource's ``ContentHash`` property is the SHA-256 of the FAQ file, so any change to the file
changes the resource and CloudFormation sends an Update; the handler
(``handlers.faq_loader``) then writes only what changed and deletes what was removed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import ClassVar, Final

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from config.settings import EnvironmentConfig
from constructs_lib.bot_functions import LAMBDA_SOURCE_PATH, key_statement, table_statement
from constructs_lib.custom_resource_function import create_custom_resource_function

#: The versioned FAQ file the handler loads (inside the Lambda asset).
FAQ_FILE: Final = LAMBDA_SOURCE_PATH / "bot" / "data" / "faq.json"


def faq_content_hash(path: Path = FAQ_FILE) -> str:
    """SHA-256 hex of the FAQ file's bytes: stable across machines, changes with any edit."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class FaqLoader(Construct):
    """The loader function and the ``Custom::FaqContent`` resource that runs it on every FAQ change.

    Attributes:
        function: ``handlers.faq_loader.lambda_handler``.
        log_group: its log group.
        resource: the custom resource (``Data``: ``Written``, ``Deleted``, ``Unchanged``).
    """

    RESOURCE_TYPE: ClassVar[str] = "Custom::FaqContent"
    MEMORY_MB: ClassVar[int] = 256
    #: Ten FAQ entries take a second; the rest is room for DynamoDB throttling retries. The
    #: handler keeps back time to answer CloudFormation before this runs out.
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
        built = create_custom_resource_function(
            self,
            config=config,
            code=code,
            layer=layer,
            handler="handlers.faq_loader.lambda_handler",
            purpose="FAQ content loader",
            service_name=f"{config.name_prefix}-faq-loader",
            memory_size=self.MEMORY_MB,
            timeout=self.TIMEOUT,
            statements=[
                # Scan to compare, BatchWriteItem to put and delete: nothing else.
                table_statement(faq_table, ["dynamodb:Scan", "dynamodb:BatchWriteItem"]),
                key_statement(data_key),
            ],
            resource_type=self.RESOURCE_TYPE,
            properties={"ContentHash": faq_content_hash(), "TableName": faq_table.table_name},
        )
        self.function, self.log_group, self.resource = built.function, built.log_group, built.resource
