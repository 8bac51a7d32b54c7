"""The ko_KR Lex V2 bot definition, versioned in the repository (see ``bot_definition.json``)."""

import lambda_asset  # noqa: F401 - the contract (``contract``) lives in the Lambda asset
from lexbot.definition import (
    DEFAULT_DEFINITION_PATH,
    FALLBACK_PARENT_SIGNATURE,
    BotDefinition,
    BotDefinitionError,
    IntentDefinition,
    SlotDefinition,
    SlotTypeDefinition,
    SlotValue,
    load_bot_definition,
    normalized_utterance,
    parse_bot_definition,
)

__all__ = [
    "DEFAULT_DEFINITION_PATH",
    "FALLBACK_PARENT_SIGNATURE",
    "BotDefinition",
    "BotDefinitionError",
    "IntentDefinition",
    "SlotDefinition",
    "SlotTypeDefinition",
    "SlotValue",
    "load_bot_definition",
    "normalized_utterance",
    "parse_bot_definition",
]
