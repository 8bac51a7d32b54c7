"""Encrypted, on-demand DynamoDB tables built from the contract's table definitions (``contract``)."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

from contract import TABLE_DEFINITIONS, KeyAttribute, TableDefinition

_ATTRIBUTE_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER}


def _attribute(key: KeyAttribute | None) -> dynamodb.Attribute | None:
    return None if key is None else dynamodb.Attribute(name=key.name, type=_ATTRIBUTE_TYPES[key.type])


class DataTables(Construct):
    """Every table of the contact center: on-demand, KMS-encrypted, point-in-time recovery.

    Attributes:
        tables: table by logical key (``conversations``, ``faq``, ...).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        encryption_key: kms.IKey,
        removal_policy: RemovalPolicy,
        deletion_protection: bool,
        definitions: tuple[TableDefinition, ...] = TABLE_DEFINITIONS,
    ) -> None:
        super().__init__(scope, construct_id)
        self.tables: dict[str, dynamodb.Table] = {}
        for definition in definitions:
            table = dynamodb.Table(
                self,
                definition.key.title().replace("_", ""),
                partition_key=_attribute(definition.partition_key),
                sort_key=_attribute(definition.sort_key),
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
                encryption_key=encryption_key,
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=True
                ),
                deletion_protection=deletion_protection,
                time_to_live_attribute=definition.ttl_attribute,
                removal_policy=removal_policy,
            )
            for index in definition.indexes:
                table.add_global_secondary_index(
                    index_name=index.name,
                    partition_key=_attribute(index.partition_key),
                    sort_key=_attribute(index.sort_key),
                    projection_type=dynamodb.ProjectionType.ALL,
                )
            self.tables[definition.key] = table
