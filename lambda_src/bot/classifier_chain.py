"""The classifier chain: Bedrock first, within its time budget, and the local classifier always behind it.

``ClassifierChain.classify`` never raises: whatever Bedrock does (or whether it is configured at
all), the caller's turn gets a :class:`~bot.models.Classification` whose ``source`` says which
classifier produced it, and a ``fallback_reason`` that metrics and logs can count.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Final, Protocol

from bot.bedrock_classifier import DEFAULT_BUDGET_SECONDS, ClassifierUnavailable
from bot.models import Classification
from contract import TURN_RESERVE_SECONDS, FallbackReason, Intent

logger = logging.getLogger(__name__)

#: Time kept back for the rest of the turn after classification (FAQ lookup, dialog logic,
#: the conversation-log write and the response) so Bedrock never eats the Lambda's last second.
#: The deployment sizes the Lex hook's timeout with the same reserve.
DEFAULT_RESERVE_SECONDS: Final = TURN_RESERVE_SECONDS

# Last resort when even the local classifier fails: a confidence of 0 is below every intent's
# threshold, so the dialog policy treats the turn as not understood and asks to rephrase.
_NOT_UNDERSTOOD: Final = Classification(intent=Intent.GENERAL_INQUIRY, confidence=0.0, source="local")


class LocalTextClassifier(Protocol):
    """A classifier that needs no network (``bot.local_classifier.LocalClassifier``)."""

    def classify(self, text: str) -> Classification: ...


class BudgetedTextClassifier(Protocol):
    """A remote classifier bounded by a time budget (``bot.bedrock_classifier.BedrockClassifier``)."""

    def classify(self, text: str, *, budget_seconds: float) -> Classification: ...


@dataclass(frozen=True, slots=True)
class ChainResult:
    """The chain's decision for one utterance.

    ``fallback_reason`` is None when Bedrock answered; otherwise it says why the local classifier
    answered (:class:`contract.FallbackReason`): ``disabled``, ``empty_input`` or the
    :class:`ClassifierUnavailable` reason.
    """

    classification: Classification
    fallback_reason: FallbackReason | None


class ClassifierChain:
    """Ask Bedrock within its budget; on any failure, or without Bedrock, ask the local classifier."""

    def __init__(
        self,
        local: LocalTextClassifier,
        bedrock: BudgetedTextClassifier | None,
        *,
        bedrock_budget_seconds: float = DEFAULT_BUDGET_SECONDS,
        reserve_seconds: float = DEFAULT_RESERVE_SECONDS,
    ) -> None:
        if not (math.isfinite(bedrock_budget_seconds) and bedrock_budget_seconds > 0):
            raise ValueError(f"bedrock_budget_seconds must be positive, got {bedrock_budget_seconds!r}")
        if not (math.isfinite(reserve_seconds) and reserve_seconds >= 0):
            raise ValueError(f"reserve_seconds must be non-negative, got {reserve_seconds!r}")
        self._local = local
        self._bedrock = bedrock
        self._bedrock_budget_seconds = bedrock_budget_seconds
        self._reserve_seconds = reserve_seconds

    def bedrock_budget(self, remaining_time_seconds: float | None) -> float:
        """Seconds Bedrock may take: ``min(budget, remaining - reserve)``, never negative.

        ``remaining_time_seconds`` is the Lambda's remaining time
        (``context.get_remaining_time_in_millis() / 1000``); None means no deadline is known.
        A NaN remaining time gives 0 (no call): an unknown deadline must not be treated as plenty.
        """
        if remaining_time_seconds is None:
            return self._bedrock_budget_seconds
        if math.isnan(remaining_time_seconds):
            return 0.0
        budget = min(self._bedrock_budget_seconds, remaining_time_seconds - self._reserve_seconds)
        return max(0.0, budget)

    def classify(self, text: str, *, remaining_time_seconds: float | None = None) -> ChainResult:
        """Classify ``text``; never raises. Blank text is classified locally without Bedrock."""
        if self._bedrock is None:
            return ChainResult(self._classify_locally(text), FallbackReason.DISABLED)
        if not isinstance(text, str) or not text.strip():
            return ChainResult(self._classify_locally(text), FallbackReason.EMPTY_INPUT)
        try:
            classification = self._bedrock.classify(
                text, budget_seconds=self.bedrock_budget(remaining_time_seconds)
            )
        except ClassifierUnavailable as unavailable:
            reason = unavailable.reason
        except Exception:
            # Not expected (BedrockClassifier maps every failure), but a caller's turn must
            # survive even a bug in the remote step.
            logger.exception("Unexpected failure in the Bedrock classifier")
            reason = FallbackReason.ERROR
        else:
            return ChainResult(classification, None)
        return ChainResult(self._classify_locally(text), reason)

    def _classify_locally(self, text: str) -> Classification:
        try:
            return self._local.classify(text if isinstance(text, str) else "")
        except Exception:
            logger.exception("Local classifier failed; treating the turn as not understood")
            return _NOT_UNDERSTOOD
