"""``python -m release.verify``: every published test case run, 5 at a time, results and clean-up."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import ANY

from release import deployed, verify
from tests.release.aws_stubs import INSTANCE_ID, StubbedAws, VirtualClock

PREFIX = "aicc-dev"


@pytest.fixture
def aws() -> Iterator[StubbedAws]:
    stubbed = StubbedAws("cloudformation", "connect")
    with stubbed.active():
        yield stubbed
    stubbed.assert_done()


def run_verify(
    aws: StubbedAws, *args: str, clock: VirtualClock | None = None
) -> tuple[int, str, str, VirtualClock]:
    clock = clock or VirtualClock()
    out, err = io.StringIO(), io.StringIO()
    status = verify.main(
        ["--env", "dev", "--poll-seconds", "5", *args],
        clients=aws,
        clock=clock,
        sleep=clock.sleep,
        stdout=out,
        stderr=err,
    )
    return status, out.getvalue(), err.getvalue(), clock


def deployed_instance(aws: StubbedAws) -> None:
    aws.stack(f"{PREFIX}-connect", {"InstanceId": INSTANCE_ID, "InstanceArn": f"arn:...:{INSTANCE_ID}"})


def listed_cases(aws: StubbedAws, *names: str, extra: tuple[dict[str, Any], ...] = ()) -> None:
    summaries = [{"Id": f"tc-{name}", "Name": f"{PREFIX}-{name}", "Status": "PUBLISHED"} for name in names]
    aws["connect"].add_response(
        "list_test_cases", {"TestCaseSummaryList": [*summaries, *extra]}, {"InstanceId": INSTANCE_ID}
    )


def start(aws: StubbedAws, name: str) -> None:
    aws["connect"].add_response(
        "start_test_case_execution",
        {"TestCaseExecutionId": f"ex-{name}", "TestCaseId": f"tc-{name}", "Status": "INITIATED"},
        {"InstanceId": INSTANCE_ID, "TestCaseId": f"tc-{name}", "ClientToken": ANY},
    )


def execution(name: str) -> dict[str, str]:
    return {"InstanceId": INSTANCE_ID, "TestCaseId": f"tc-{name}", "TestCaseExecutionId": f"ex-{name}"}


def summary(aws: StubbedAws, name: str, status: str, passed: int = 3, total: int = 3) -> None:
    response: dict[str, Any] = {"Status": status}
    if status in verify.FINAL_STATUSES:
        response["ObservationSummary"] = {
            "TotalObservations": total,
            "ObservationsPassed": passed,
            "ObservationsFailed": total - passed,
        }
    aws["connect"].add_response("get_test_case_execution_summary", response, execution(name))


def records(aws: StubbedAws, name: str, *pages: list[dict[str, Any]]) -> None:
    for index, page in enumerate(pages):
        response: dict[str, Any] = {"ExecutionRecords": page}
        request: dict[str, Any] = {**execution(name), "MaxResults": 100}
        if index + 1 < len(pages):
            response["NextToken"] = f"page-{index + 2}"
        if index:
            request["NextToken"] = f"page-{index + 1}"
        aws["connect"].add_response("list_test_case_execution_records", response, request)


def stop(aws: StubbedAws, name: str) -> None:
    aws["connect"].add_response("stop_test_case_execution", {}, {**execution(name), "ClientToken": ANY})


def throttled(aws: StubbedAws, method: str, params: dict[str, Any]) -> None:
    aws["connect"].add_client_error(
        method,
        service_error_code="ThrottlingException",
        service_message="Rate exceeded",
        http_status_code=429,
        expected_params=params,
    )


def record(observation: str, status: str, details: dict[str, Any]) -> dict[str, Any]:
    return {"ObservationId": observation, "Status": status, "Record": json.dumps(details, ensure_ascii=False)}


def test_every_published_test_case_of_the_environment_runs_and_passes(aws: StubbedAws) -> None:
    deployed_instance(aws)
    listed_cases(
        aws,
        "greeting",
        "faq",
        extra=(
            {"Id": "tc-other", "Name": "aicc-staging-greeting", "Status": "PUBLISHED"},
            {"Id": "tc-draft", "Name": f"{PREFIX}-draft", "Status": "SAVED"},
        ),
    )
    aws["connect"].add_response(
        "describe_test_case",
        {"TestCase": {"Description": "Not run by make verify: depends on live staffing: run manually. x"}},
        {"InstanceId": INSTANCE_ID, "TestCaseId": "tc-draft"},
    )
    # Sorted by name: faq, then greeting.
    start(aws, "faq")
    start(aws, "greeting")
    summary(aws, "faq", "PASSED")
    summary(aws, "greeting", "IN_PROGRESS")
    summary(aws, "greeting", "PASSED", passed=4, total=4)

    status, out, err, clock = run_verify(aws)

    assert status == 0
    assert out.splitlines() == [
        f"PASSED      {PREFIX}-faq  3/3 observations passed",
        f"PASSED      {PREFIX}-greeting  4/4 observations passed",
        "verify dev: 2 passed, 0 not passed",
    ]
    assert f"not run: {PREFIX}-draft: depends on live staffing: run manually" in err
    # The progress bar, one line per change on a non-terminal stderr.
    assert "[" + "." * 30 + "] 0/2 done, 2 running" in err
    assert "[" + "#" * 15 + "." * 15 + "] 1/2 done, 1 running" in err
    assert "[" + "#" * 30 + "] 2/2 done, 0 running" in err
    assert clock.slept == [5.0, 5.0]


def test_at_most_five_run_at_once_and_the_next_starts_when_one_finishes(aws: StubbedAws) -> None:
    names = [f"case{index}" for index in range(1, 8)]
    deployed_instance(aws)
    listed_cases(aws, *names)
    for name in names[:5]:
        start(aws, name)
    summary(aws, "case1", "PASSED")
    summary(aws, "case2", "PASSED")
    for name in names[2:5]:
        summary(aws, name, "IN_PROGRESS")
    # Two slots freed: exactly two more start (the Stubber fails on any other order).
    start(aws, "case6")
    start(aws, "case7")
    for name in names[2:]:
        summary(aws, name, "PASSED")

    status, out, _, _ = run_verify(aws)

    assert status == 0
    assert out.splitlines()[-1] == "verify dev: 7 passed, 0 not passed"


def test_a_failing_test_case_prints_its_failing_step_and_exits_1(aws: StubbedAws) -> None:
    deployed_instance(aws)
    listed_cases(aws, "faq", "routing")
    start(aws, "faq")
    start(aws, "routing")
    summary(aws, "faq", "PASSED")
    summary(aws, "routing", "FAILED", passed=1, total=2)
    records(
        aws,
        "routing",
        [record("greeting", "PASSED", {"message": "안녕하세요!"})],
        [record("queue", "FAILED", {"expected": "tech_support", "actual": "general"})],
    )

    status, out, _, _ = run_verify(aws)

    assert status == 1
    assert out.splitlines() == [
        f"PASSED      {PREFIX}-faq  3/3 observations passed",
        f"FAILED      {PREFIX}-routing  1/2 observations passed",
        '    failing step: FAILED queue: {"expected":"tech_support","actual":"general"}',
        "verify dev: 1 passed, 1 not passed",
    ]


def test_throttling_delays_a_start_and_a_poll_but_the_run_completes(aws: StubbedAws) -> None:
    deployed_instance(aws)
    listed_cases(aws, "faq")
    throttled(
        aws,
        "start_test_case_execution",
        {"InstanceId": INSTANCE_ID, "TestCaseId": "tc-faq", "ClientToken": ANY},
    )
    start(aws, "faq")
    throttled(aws, "get_test_case_execution_summary", execution("faq"))
    summary(aws, "faq", "PASSED")

    status, out, _, clock = run_verify(aws)

    assert status == 0
    assert out.splitlines()[-1] == "verify dev: 1 passed, 0 not passed"
    assert clock.slept == [5.0, 5.0, 5.0]


def test_a_test_case_that_never_finishes_is_stopped_and_reported_on_one_line(aws: StubbedAws) -> None:
    deployed_instance(aws)
    listed_cases(aws, "hangs")
    start(aws, "hangs")
    summary(aws, "hangs", "IN_PROGRESS")  # 5 s
    summary(aws, "hangs", "IN_PROGRESS")  # 10 s: not over the timeout yet
    summary(aws, "hangs", "IN_PROGRESS")  # 15 s: stopped
    stop(aws, "hangs")
    records(aws, "hangs", [record("agent", "IN_PROGRESS", {"waiting": "MessageReceived"})])

    status, out, err, _ = run_verify(aws, "--timeout", "10")

    assert status == 1
    assert out.splitlines() == [
        f"TIMED_OUT   {PREFIX}-hangs  still IN_PROGRESS after 15 s: stopped",
        '    failing step: IN_PROGRESS agent: {"waiting":"MessageReceived"}',
        "verify dev: 0 passed, 1 not passed",
    ]
    assert "could not stop" not in err


def test_interrupting_stops_every_execution_it_started(aws: StubbedAws) -> None:
    deployed_instance(aws)
    listed_cases(aws, "faq", "routing")
    start(aws, "faq")
    start(aws, "routing")
    stop(aws, "faq")
    stop(aws, "routing")
    clock = VirtualClock()

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    out, err = io.StringIO(), io.StringIO()
    status = verify.main(
        ["--env", "dev"], clients=aws, clock=clock, sleep=interrupted, stdout=out, stderr=err
    )

    assert status == 130
    assert f"stopped {PREFIX}-faq (ex-faq)" in err.getvalue()
    assert f"stopped {PREFIX}-routing (ex-routing)" in err.getvalue()
    assert (
        err.getvalue().splitlines()[-1] == "verify: interrupted; what it had started was stopped (see above)"
    )


def test_an_aws_error_mid_run_stops_what_runs_and_is_one_line(aws: StubbedAws) -> None:
    deployed_instance(aws)
    listed_cases(aws, "faq")
    start(aws, "faq")
    aws["connect"].add_client_error(
        "get_test_case_execution_summary",
        service_error_code="AccessDeniedException",
        service_message="not authorized",
        http_status_code=403,
        expected_params=execution("faq"),
    )
    stop(aws, "faq")

    status, out, err, _ = run_verify(aws)

    assert status == 1
    assert out == ""
    assert err.splitlines()[-1] == (
        "verify: AWS refused GetTestCaseExecutionSummary: AccessDeniedException: not authorized"
    )


def test_a_start_refused_for_quota_until_the_timeout_is_reported_not_started(aws: StubbedAws) -> None:
    deployed_instance(aws)
    listed_cases(aws, "faq")
    for _ in range(3):  # at 1000, 1005, 1010 s; the third is 10 s after the first refusal
        aws["connect"].add_client_error(
            "start_test_case_execution",
            service_error_code="ServiceQuotaExceededException",
            service_message="100 executions queued",
            http_status_code=402,
            expected_params={"InstanceId": INSTANCE_ID, "TestCaseId": "tc-faq", "ClientToken": ANY},
        )

    status, out, _, _ = run_verify(aws, "--timeout", "9")

    assert status == 1
    assert out.splitlines() == [
        f"NOT_STARTED {PREFIX}-faq  not started: ServiceQuotaExceededException: 100 executions queued",
        "verify dev: 0 passed, 1 not passed",
    ]


def test_no_published_test_case_is_a_failure(aws: StubbedAws) -> None:
    deployed_instance(aws)
    listed_cases(aws)

    status, out, err, _ = run_verify(aws)

    assert (status, out) == (1, "")
    assert err.splitlines() == [f"verify: no published test case named {PREFIX}-* in instance {INSTANCE_ID}"]


def test_an_environment_not_deployed_is_bad_input(aws: StubbedAws) -> None:
    aws.missing_stack(f"{PREFIX}-connect")

    status, out, err, _ = run_verify(aws)

    assert (status, out) == (2, "")
    assert err.splitlines() == [
        f"verify: stack {PREFIX}-connect is not deployed in ap-northeast-2: make deploy ENV=dev first"
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--env", "qa"], "verify: unknown environment 'qa'; known environments: dev, prod, staging"),
        ([], "verify: the following arguments are required: --env"),
        (["--env", "dev", "--timeout", "0"], "verify: --timeout and --poll-seconds must be positive"),
        (["--env", "dev", "--timeout", "soon"], "verify: argument --timeout: invalid float value: 'soon'"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(argv: list[str], message: str) -> None:
    def no_aws(config: Any, service: str) -> Any:
        raise AssertionError("no AWS call on bad input")

    out, err = io.StringIO(), io.StringIO()
    assert verify.main(argv, clients=no_aws, stdout=out, stderr=err) == 2
    assert (out.getvalue(), err.getvalue().splitlines()) == ("", [message])


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.usefixtures("no_credentials")
def test_without_credentials_it_says_so_on_one_line_before_any_request() -> None:
    out, err = io.StringIO(), io.StringIO()

    assert verify.main(["--env", "dev"], stdout=out, stderr=err) == 2

    assert out.getvalue() == ""
    assert err.getvalue().splitlines() == [
        "verify: no AWS credentials found: set AWS_PROFILE or sign in (aws sso login) and try again"
    ]


def test_clients_retry_throttling_in_botocore_standard_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """A throttled answer is retried by botocore itself (no hand-written loop), without real waiting."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr("botocore.endpoint.time.sleep", lambda seconds: None)
    config = deployed.load_config("dev")
    connect = deployed.aws_clients(config, "connect")
    assert connect.meta.config.retries["mode"] == "standard"
    assert connect.meta.region_name == config.region
    answers = [
        (429, {"x-amzn-ErrorType": "ThrottlingException"}, b'{"Message": "Rate exceeded"}'),
        (429, {"x-amzn-ErrorType": "ThrottlingException"}, b'{"Message": "Rate exceeded"}'),
        (
            200,
            {},
            b'{"TestCaseSummaryList": [{"Id": "tc-1", "Name": "aicc-dev-faq", "Status": "PUBLISHED"}]}',
        ),
    ]
    sent: list[str] = []

    def answer(request: Any, **_: Any) -> AWSResponse:
        sent.append(request.url)
        status, headers, body = answers[len(sent) - 1]
        response = AWSResponse(request.url, status, headers, None)
        response._content = body  # the raw body botocore parses
        return response

    connect.meta.events.register("before-send.connect.ListTestCases", answer)

    found = verify.published_test_cases(connect, INSTANCE_ID, PREFIX, io.StringIO())

    assert [case.name for case in found] == ["aicc-dev-faq"]
    assert len(sent) == 3


def test_a_saved_test_case_without_a_readable_reason_is_noted_by_its_status() -> None:
    class Refusing:
        def describe_test_case(self, **_: Any) -> Any:
            from botocore.exceptions import ClientError

            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeTestCase"
            )

    reason = verify.not_run_reason(Refusing(), INSTANCE_ID, {"Id": "tc-x", "Status": "SAVED"})
    assert reason == "not published (status SAVED)"
