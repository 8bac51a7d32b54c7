"""The DynamoDB tables of the contact center as plain data.

Deliberately free of CDK imports: the CDK construct builds the deployed tables from these
definitions and the local simulator builds its in-process tables from the very same ones, so
the two can never drift. Keys serve the access patterns of the bot (see lambda_src/bot/ports.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

AttributeType = Literal["S", "N"]


@dataclass(frozen=True, slots=True)
class KeyAttribute:
    name: str
    type: AttributeType = "S"


@dataclass(frozen=True, slots=True)
class IndexDefinition:
    """A global secondary index projecting all attributes."""

    name: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute | None = None


@dataclass(frozen=True, slots=True)
class TableDefinition:
    key: str  # logical name, also the suffix of outputs and environment variables
    description: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute | None = None
    ttl_attribute: str | None = None
    indexes: tuple[IndexDefinition, ...] = field(default_factory=tuple)

    @property
    def environment_variable(self) -> str:
        """Name of the Lambda environment variable that carries the table name."""
        return f"{self.key.upper()}_TABLE_NAME"


CONVERSATIONS: Final = TableDefinition(
    key="conversations",
    description="One item per bot turn: what the caller said (masked) and what the bot did",
    partition_key=KeyAttribute("contact_id"),
    sort_key=KeyAttribute("turn", "N"),
    ttl_attribute="expires_at",
)
FAQ: Final = TableDefinition(
    key="faq",
    description="FAQ entries by id, loaded from the versioned FAQ file at deploy",
    partition_key=KeyAttribute("faq_id"),
)
CUSTOMERS: Final = TableDefinition(
    key="customers",
    description="Customer profile (tier, name) by E.164 phone number",
    partition_key=KeyAttribute("phone_number"),
)
CALLBACKS: Final = TableDefinition(
    key="callbacks",
    description="Callback requests, one per contact; pending ones listed by requested time",
    partition_key=KeyAttribute("contact_id"),
    indexes=(IndexDefinition("pending_by_time", KeyAttribute("status"), KeyAttribute("callback_at")),),
)
RESERVATIONS: Final = TableDefinition(
    key="reservations",
    description="Bookings made by the bot, by reference number; listed per caller by date",
    partition_key=KeyAttribute("reference"),
    indexes=(
        IndexDefinition("by_phone_number", KeyAttribute("phone_number"), KeyAttribute("reservation_date")),
    ),
)
ORDERS: Final = TableDefinition(
    key="orders",
    description="Order status by order number (written by the business's order system)",
    partition_key=KeyAttribute("order_id"),
)

TABLE_DEFINITIONS: Final = (CONVERSATIONS, FAQ, CUSTOMERS, CALLBACKS, RESERVATIONS, ORDERS)


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
