"""When the local classifier is sure enough that Bedrock need not be asked (issue 14).

Why: asking Bedrock on every caller turn costs up to 2.5 s of the caller's silence and, at 1,000
concurrent callers, thousands of requests a minute — far above a typical on-demand quota — while
the local classifier is right on almost every clear utterance. So the chain
(``bot.classifier_chain``, policy ``when_unsure``) asks Bedrock only when this rule says the local
answer is not sure. The rule lives here and nowhere else.

The rule: a local answer is **sure** when all three hold —

1. **threshold**: its confidence clears the intent's threshold (``INTENT_THRESHOLDS``, the dialog
   policy's own "understood");
2. **margin**: its evidence leads the runner-up's by at least ``CONSULT_MARGINS[intent]``;
3. **in domain**: its evidence is at least ``IN_DOMAIN_EVIDENCE``, the classifier's coverage
   midpoint: below it the text is closer to no intent than to one (chit-chat, gibberish).

The margins are tuned on the training examples only (``bot/data/intent_examples.json``), never
on the held-out test utterances: each example is classified leave-one-out
(``LocalClassifier.leave_one_out``), and an intent's margin is set just above the largest margin
with which the classifier claimed that intent *confidently and wrongly*. An intent it never claimed
wrongly needs no margin beyond its threshold. :func:`tune_consult_margins` recomputes them; a test
keeps :data:`CONSULT_MARGINS` equal to its result, so changing the examples or the classifier
means re-running it, not editing numbers by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

from bot.local_classifier import COVERAGE_MIDPOINT, LocalAssessment, LocalClassifier
from contract import Intent

#: Evidence below which an utterance is out of domain (the confidence scale's coverage midpoint).
IN_DOMAIN_EVIDENCE: Final = COVERAGE_MIDPOINT

#: Margin over the runner-up a sure answer needs, per intent claimed; from :func:`tune_consult_margins`.
CONSULT_MARGINS: Final[Mapping[Intent, float]] = {
    Intent.GREETING: 0.0,
    Intent.GOODBYE: 0.0,
    Intent.PRODUCT_INQUIRY: 0.0,
    Intent.ORDER_INQUIRY: 0.09,
    Intent.RESERVATION: 0.0,
    Intent.CANCEL_REQUEST: 0.0,
    Intent.PAYMENT_INQUIRY: 0.26,
    Intent.TECHNICAL_SUPPORT: 0.0,
    Intent.COMPLAINT: 0.0,
    Intent.AGENT_REQUEST: 0.0,
    Intent.GENERAL_INQUIRY: 0.41,
}

# Margins are kept in hundredths: the tuned value is the next hundredth strictly above the
# largest wrong margin, so the wrong answer itself is never sure.
_MARGIN_STEP: Final = 100


def is_sure(assessment: LocalAssessment, margins: Mapping[Intent, float] = CONSULT_MARGINS) -> bool:
    """True when the local answer may stand without asking Bedrock (the rule in the docstring)."""
    classification = assessment.classification
    return (
        classification.is_confident
        and assessment.margin >= margins.get(classification.intent, 0.0)
        and assessment.top_evidence >= IN_DOMAIN_EVIDENCE
    )


def tune_consult_margins(classifier: LocalClassifier) -> dict[Intent, float]:
    """Per-intent margins from the classifier's own training examples, leave-one-out.

    For each intent: the next hundredth above the largest margin of a confident, wrong
    leave-one-out answer claiming it; 0 when there is none.
    """
    margins = dict.fromkeys(Intent, 0.0)
    for label, _text, assessment in classifier.leave_one_out():
        claimed = assessment.classification
        if claimed.intent is label or not claimed.is_confident:
            continue
        above = math.floor(assessment.margin * _MARGIN_STEP + 1) / _MARGIN_STEP
        margins[claimed.intent] = max(margins[claimed.intent], above)
    return margins
