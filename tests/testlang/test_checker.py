"""The Testing-language checker: the documentation's example passes; every rule has a failing document."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from testlang.checker import Severity, TestCaseCheckError, check_document, errors_of, require_valid_document
from testlang.model import MAX_CONTENT_CHARS
from tests.testlang.example_documents import docs_example

Doc = dict[str, Any]


def _obs(doc: Doc, index: int) -> Doc:
    observation: Doc = doc["Observations"][index]
    return observation


def _action(doc: Doc, observation: int, action: int = 0) -> Doc:
    found: Doc = doc["Observations"][observation]["Actions"][action]
    return found


def _log_data(doc: Doc) -> None:
    _action(doc, 2)["Parameters"]["Command"] = {
        "Type": "LogData",
        "Properties": {"Expressions": {"queue": 3}},
    }


def _mock(doc: Doc, result: Any) -> None:
    properties = _action(doc, 0)["Parameters"]["Behavior"]["Properties"]
    properties["ActionType"] = "InvokeLambdaFunction"
    properties["ActionParameters"] = {
        "LambdaFunctionARN": "arn:aws:lambda:ap-northeast-2:111122223333:function:f"
    }
    properties["Strategy"] = {
        "Type": "MockResponse",
        "Response": {"Type": "ExecutionResult", "ExecutionResult": result},
    }


def _cycle(doc: Doc) -> None:
    # Two observations that only lead to each other: nothing ever activates them.
    extra = json.loads(json.dumps(_obs(doc, 1)))
    extra["Identifier"] = "Echo"
    extra["Transitions"] = {"NextObservations": ["Welcome Message"]}
    doc["Observations"].append(extra)
    _obs(doc, 0)["Transitions"] = {"NextObservations": []}
    _obs(doc, 1)["Transitions"] = {"NextObservations": ["Echo"]}
    _obs(doc, 2).pop("Transitions", None)


def _second_action(doc: Doc) -> None:
    extra = json.loads(json.dumps(_action(doc, 1)))
    extra["Identifier"] = "PressTwo"
    _obs(doc, 1)["Actions"].append(extra)


#: rule -> a change of the documentation's example that breaks it.
BREAKAGES: dict[str, Callable[[Doc], None]] = {
    "version": lambda doc: doc.update(Version="2019-10-30"),
    "unknown-key": lambda doc: doc.update(StartAction="x"),
    "metadata": lambda doc: doc.update(Metadata=[]),
    "observations": lambda doc: doc.update(Observations=[]),
    "identifier": lambda doc: _obs(doc, 1).pop("Identifier"),
    "duplicate-identifier": lambda doc: _obs(doc, 2).update(Identifier="Welcome Message"),
    "event": lambda doc: _obs(doc, 1).update(Event="MessageReceived"),
    "event-type": lambda doc: _obs(doc, 1)["Event"].update(Type="PromptPlayed"),
    "actor": lambda doc: _obs(doc, 1)["Event"].update(Actor="Customer"),
    "event-properties": lambda doc: _obs(doc, 1)["Event"]["Properties"].update(SSML="<speak>Welcome</speak>"),
    "matching-criteria": lambda doc: _obs(doc, 1)["Event"]["Properties"].update(MatchingCriteria="Exact"),
    "flow-action": lambda doc: _obs(doc, 2)["Event"]["Properties"].update(ActionType="CheckStaffing"),
    "usage": lambda doc: _obs(doc, 1).update(Usage={"Type": "EXACTLY", "Times": 0}),
    "actions": lambda doc: _obs(doc, 1).update(Actions={"Identifier": "PressOne"}),
    "action-type": lambda doc: _action(doc, 1).update(Type="Assertion"),
    "action-parameters": lambda doc: _action(doc, 1)["Parameters"]["Instruction"].update(Type="Voice"),
    "dtmf": lambda doc: _action(doc, 1)["Parameters"]["Instruction"]["Properties"].update(Value="1a"),
    "override": lambda doc: _action(doc, 0)["Parameters"]["Behavior"]["Properties"]["Strategy"].pop(
        "SubstituteArn"
    ),
    "log-data": _log_data,
    "next-action": lambda doc: _action(doc, 1).update(Transitions={"NextAction": "PressTwo"}),
    "next-observations": lambda doc: _obs(doc, 0).update(Transitions={"NextObservations": ["Goodbye"]}),
    "unreachable-observation": _cycle,
}


def test_the_documentation_example_passes_the_checker() -> None:
    assert check_document(docs_example()) == []
    assert check_document(json.dumps(docs_example())) == []


@pytest.mark.parametrize("rule", sorted(BREAKAGES))
def test_each_rule_rejects_a_document_that_breaks_it(rule: str) -> None:
    doc = docs_example()
    BREAKAGES[rule](doc)
    rules = {finding.rule for finding in errors_of(check_document(doc))}
    assert rule in rules, rules
    with pytest.raises(TestCaseCheckError, match=rule):
        require_valid_document(doc, name="broken")


def test_content_that_is_not_json_or_not_an_object_is_refused() -> None:
    assert [finding.rule for finding in check_document("{not json")] == ["json"]
    assert [finding.rule for finding in check_document([])] == ["json"]


def test_content_over_256000_characters_is_refused() -> None:
    doc = docs_example()
    doc["Metadata"] = {"Padding": "가" * MAX_CONTENT_CHARS}
    assert "size" in {finding.rule for finding in check_document(doc)}
    assert [finding.rule for finding in check_document(json.dumps(doc))] == ["size"]


def test_a_queue_cannot_be_overridden_and_hours_cannot_be_mocked() -> None:
    doc = docs_example()
    properties = _action(doc, 0)["Parameters"]["Behavior"]["Properties"]
    properties["Strategy"] = {
        "Type": "MockResponse",
        "Response": {"Type": "ExecutionResult", "ExecutionResult": {}},
    }
    messages = [finding.message for finding in errors_of(check_document(doc))]
    assert any("CheckHoursOfOperation has no MockResponse" in message for message in messages), messages
    properties.update(ActionType="TransferContactToQueue", ActionParameters={})
    messages = [finding.message for finding in errors_of(check_document(doc))]
    assert any("cannot be overridden" in message for message in messages), messages


@pytest.mark.parametrize(
    ("result", "problem"),
    [
        ({"DelaySeconds": 0, "LoadedData": '{"result": "ok"}'}, None),
        ({"DelaySeconds": -1}, "DelaySeconds"),
        ({"LoadedData": {"result": "ok"}}, "serialized JSON"),
        ({"StatusCode": 200}, "ExecutionResult takes only"),
    ],
)
def test_a_mocked_lambda_answer_is_checked(result: dict[str, Any], problem: str | None) -> None:
    doc = docs_example()
    _mock(doc, result)
    messages = [finding.message for finding in errors_of(check_document(doc))]
    if problem is None:
        assert messages == []
    else:
        assert any(problem in message for message in messages), messages


def test_an_action_no_transition_reaches_is_a_warning_only() -> None:
    doc = docs_example()
    _second_action(doc)
    findings = check_document(doc)
    assert [(finding.rule, finding.severity) for finding in findings] == [
        ("unreachable-action", Severity.WARNING)
    ]
    require_valid_document(doc, name="warned")  # warnings do not fail


def test_a_finding_names_its_observation_and_action() -> None:
    doc = docs_example()
    BREAKAGES["dtmf"](doc)
    (finding,) = errors_of(check_document(doc))
    assert str(finding).startswith("observation 'Welcome Message', action 'PressOne': DTMF Value")
