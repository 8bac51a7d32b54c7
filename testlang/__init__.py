"""The Amazon Connect Testing language (``AWS::Connect::TestCase`` content): model and checker.

:mod:`testlang.model` is the one declarative description of the language as the AWS documentation
gives it; :mod:`testlang.checker` validates a document against it. The scripted calls become
documents in :mod:`scenarios.test_cases`, the synth deploys them
(:mod:`constructs_lib.contact_test_cases`) and the offline simulator runs them
(:mod:`simulator.test_case_runner`): all four read the same model.
"""

from testlang.checker import Finding, check_document, require_valid_document
from testlang.model import MAX_CONTENT_CHARS, TESTING_LANGUAGE_VERSION

__all__ = [
    "MAX_CONTENT_CHARS",
    "TESTING_LANGUAGE_VERSION",
    "Finding",
    "check_document",
    "require_valid_document",
]
