"""The contract's DynamoDB tables as boto3 ``create_table`` requests, for in-process tables.

The tables themselves (keys, indexes, TTL attribute) are defined once, in the contract
(``contract.TABLE_DEFINITIONS``): the stateful stack deploys them (:mod:`constructs_lib.data_tables`)
and the local simulator and the functional tests create their moto tables from the very same
definitions here, without paying for an ``aws_cdk`` import.
"""

from __future__ import annotations

from typing import Any

from contract import KeyAttribute, TableDefinition


def create_table_request(definition: TableDefinition, table_name: str) -> dict[str, Any]:
    """boto3 ``create_table`` arguments for ``definition``: the same keys and indexes as deployed.

    Used for in-process tables (moto) in tests and the local simulator.
    """
    attributes: dict[str, str] = {}

    def key_schema(partition: KeyAttribute, sort: KeyAttribute | None) -> list[dict[str, str]]:
        schema = [{"AttributeName": partition.name, "KeyType": "HASH"}]
        attributes[partition.name] = partition.type
        if sort is not None:
            schema.append({"AttributeName": sort.name, "KeyType": "RANGE"})
            attributes[sort.name] = sort.type
        return schema

    request: dict[str, Any] = {
        "TableName": table_name,
        "KeySchema": key_schema(definition.partition_key, definition.sort_key),
        "BillingMode": "PAY_PER_REQUEST",
    }
    if definition.indexes:
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": key_schema(index.partition_key, index.sort_key),
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in definition.indexes
        ]
    request["AttributeDefinitions"] = [
        {"AttributeName": name, "AttributeType": kind} for name, kind in attributes.items()
    ]
    return request
