"""The chat page's hosting (``constructs_lib/chat_page_site.py``), synthesized per environment.

One app holds a site per environment (a literal API URL each) and one whose API URL is a token,
as the web stack's will be. Checked: the CSP and security headers, origin access control, the
private TLS-only buckets, the deployed ``config.json`` per environment, the deployment function's
exact permissions, and the five cdk-nag packs (clean, each acknowledgement silencing one finding).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Fn, RemovalPolicy, Stack
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from config import EnvironmentConfig, load_all_environments
from constructs_lib.chat_page_site import (
    CHAT_PAGE_SOURCE,
    ChatPageSite,
    api_origin,
    content_security_policy,
    ensure_built,
    is_built,
)
from constructs_lib.compliance import add_rule_packs
from constructs_lib.encryption_key import DataEncryptionKey
from tests.support.cdk_nag import nag_findings, probe_acknowledgements
from tests.web.test_chat_page_bundle import build_page

ENVIRONMENTS = ("dev", "staging", "prod")
TOKEN_STACK = "aicc-token-web"
ALARM_TOPIC = "arn:aws:sns:{region}:111122223333:aicc-alarms"


def api_url(name: str, region: str) -> str:
    return f"https://{name}chatapi.execute-api.{region}.amazonaws.com/v1/"


@pytest.fixture(scope="module")
def configs() -> dict[str, EnvironmentConfig]:
    return load_all_environments()


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_page(tmp_path_factory.mktemp("chat-page") / "dist")


def build(app: App, configs: dict[str, EnvironmentConfig], dist: Path) -> dict[str, Stack]:
    stacks: dict[str, Stack] = {}
    for name in ENVIRONMENTS:
        config = configs[name]
        stack = Stack(
            app, f"{config.name_prefix}-web", env=Environment(account=config.account, region=config.region)
        )
        key = DataEncryptionKey(
            stack, "DataKey", alias=f"alias/{name}-test", removal_policy=RemovalPolicy.DESTROY
        )
        topic = sns.Topic.from_topic_arn(stack, "Alarms", ALARM_TOPIC.format(region=config.region))
        ChatPageSite(
            stack,
            "ChatPage",
            config=config,
            api_url=api_url(name, config.region),
            encryption_key=key.key,
            alarm_topic=topic,
            dist=dist,
        )
        stacks[name] = stack
    config = configs["dev"]
    stack = Stack(app, TOKEN_STACK, env=Environment(account=config.account, region=config.region))
    key = DataEncryptionKey(stack, "DataKey", alias="alias/token-test", removal_policy=RemovalPolicy.DESTROY)
    ChatPageSite(
        stack,
        "ChatPage",
        config=config,
        api_url=Fn.import_value("chat-api-url"),
        encryption_key=key.key,
        dist=dist,
    )
    stacks["token"] = stack
    return stacks


@pytest.fixture(scope="module")
def synthesized(
    tmp_path_factory: pytest.TempPathFactory, configs: dict[str, EnvironmentConfig], dist: Path
) -> tuple[dict[str, Template], list[str], Path]:
    outdir = tmp_path_factory.mktemp("chat-page-app")
    app = App(outdir=str(outdir), analytics_reporting=False)
    stacks = build(app, configs, dist)
    findings = nag_findings(app)  # synthesizes under the five packs
    templates = {
        name: Template.from_json(json.loads((outdir / f"{stack.stack_name}.template.json").read_text()))
        for name, stack in stacks.items()
    }
    return templates, findings, outdir


def resources(template: Template, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = template.find_resources(kind)
    return found


def only(template: Template, kind: str) -> dict[str, Any]:
    (resource,) = resources(template, kind).values()
    return dict(resource["Properties"])


def headers_config(template: Template) -> dict[str, Any]:
    return dict(only(template, "AWS::CloudFront::ResponseHeadersPolicy")["ResponseHeadersPolicyConfig"])


# --- the CSP and the other security headers ------------------------------------------------------


def test_the_csp_allows_only_the_page_the_api_and_connects_participant_endpoints(
    synthesized: tuple[dict[str, Template], list[str], Path], configs: dict[str, EnvironmentConfig]
) -> None:
    templates, _, _ = synthesized
    for name in ENVIRONMENTS:
        region = configs[name].region
        csp = headers_config(templates[name])["SecurityHeadersConfig"]["ContentSecurityPolicy"]
        assert csp["Override"] is True
        assert csp["ContentSecurityPolicy"] == (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' https://{name}chatapi.execute-api.{region}.amazonaws.com "
            f"https://participant.connect.{region}.amazonaws.com "
            f"wss://*.transport.connect.{region}.amazonaws.com; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"
        )


def test_a_token_api_url_becomes_its_origin_at_deploy(
    synthesized: tuple[dict[str, Template], list[str], Path],
) -> None:
    templates, _, _ = synthesized
    csp = headers_config(templates["token"])["SecurityHeadersConfig"]["ContentSecurityPolicy"][
        "ContentSecurityPolicy"
    ]
    rendered = json.dumps(csp)
    # "https://" + the host part of the URL: element 2 of the URL split on "/".
    assert '{"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::ImportValue": "chat-api-url"}]}]}' in rendered
    assert "https://participant.connect.ap-northeast-2.amazonaws.com" in rendered


def test_api_origin_of_a_literal_url() -> None:
    assert api_origin("https://abc.execute-api.ap-northeast-2.amazonaws.com/v1/") == (
        "https://abc.execute-api.ap-northeast-2.amazonaws.com"
    )
    assert api_origin("https://chat.example.co.kr") == "https://chat.example.co.kr"
    with pytest.raises(ValueError, match="https"):
        api_origin("http://abc.example.com/v1")
    assert "connect-src 'self' https://chat.example.co.kr " in content_security_policy(
        "https://chat.example.co.kr/v1", "ap-northeast-2"
    )


def test_hsts_nosniff_no_framing_and_a_strict_referrer(
    synthesized: tuple[dict[str, Template], list[str], Path],
) -> None:
    templates, _, _ = synthesized
    for template in templates.values():
        security = headers_config(template)["SecurityHeadersConfig"]
        assert security["StrictTransportSecurity"] == {
            "AccessControlMaxAgeSec": 63072000,
            "IncludeSubdomains": True,
            "Override": True,
        }
        assert security["ContentTypeOptions"] == {"Override": True}
        assert security["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
        assert security["ReferrerPolicy"] == {
            "ReferrerPolicy": "strict-origin-when-cross-origin",
            "Override": True,
        }


# --- CloudFront, OAC and the buckets ---------------------------------------------------------------


def test_the_distribution_reads_the_bucket_through_origin_access_control(
    synthesized: tuple[dict[str, Template], list[str], Path],
) -> None:
    templates, _, _ = synthesized
    for template in templates.values():
        (oac_id,) = resources(template, "AWS::CloudFront::OriginAccessControl")
        assert only(template, "AWS::CloudFront::OriginAccessControl")["OriginAccessControlConfig"] == {
            "Name": only(template, "AWS::CloudFront::OriginAccessControl")["OriginAccessControlConfig"][
                "Name"
            ],
            "OriginAccessControlOriginType": "s3",
            "SigningBehavior": "always",
            "SigningProtocol": "sigv4",
        }
        assert resources(template, "AWS::CloudFront::CloudFrontOriginAccessIdentity") == {}
        config = only(template, "AWS::CloudFront::Distribution")["DistributionConfig"]
        (origin,) = config["Origins"]
        assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_id, "Id"]}
        assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
        behavior = config["DefaultCacheBehavior"]
        assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
        assert behavior["AllowedMethods"] == ["GET", "HEAD"]
        assert behavior["Compress"] is True
        assert "Ref" in behavior["ResponseHeadersPolicyId"]
        assert config["DefaultRootObject"] == "index.html"
        assert config["Logging"]["Prefix"] == "cloudfront/"


def _site_bucket(template: Template) -> tuple[str, dict[str, Any]]:
    buckets = resources(template, "AWS::S3::Bucket")
    (name,) = [name for name in buckets if name.startswith("ChatPageBucket")]
    return name, buckets[name]["Properties"]


def test_the_site_bucket_is_private_tls_only_and_readable_by_the_distribution_alone(
    synthesized: tuple[dict[str, Template], list[str], Path],
) -> None:
    templates, _, _ = synthesized
    for template in templates.values():
        name, bucket = _site_bucket(template)
        assert bucket["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert encryption == [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        assert bucket["LoggingConfiguration"]["LogFilePrefix"] == "chat-page-bucket/"
        (policy,) = [
            p["Properties"]["PolicyDocument"]["Statement"]
            for p in resources(template, "AWS::S3::BucketPolicy").values()
            if p["Properties"]["Bucket"] == {"Ref": name}
        ]
        denies = [s for s in policy if s["Effect"] == "Deny"]
        assert {"Bool": {"aws:SecureTransport": "false"}} in [s["Condition"] for s in denies]
        assert {"NumericLessThan": {"s3:TlsVersion": 1.2}} in [s["Condition"] for s in denies]
        (allow,) = [s for s in policy if s["Effect"] == "Allow"]
        assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert allow["Action"] == "s3:GetObject"
        (distribution,) = resources(template, "AWS::CloudFront::Distribution")
        assert json.dumps({"Ref": distribution}) in json.dumps(
            allow["Condition"]["StringEquals"]["AWS:SourceArn"]
        )


# --- the deployment: the page's files and config.json -----------------------------------------------


def _deployment(template: Template) -> dict[str, Any]:
    return only(template, "Custom::CDKBucketDeployment")


def _asset_directory(outdir: Path, object_key: str) -> Path:
    return outdir / f"asset.{object_key.removesuffix('.zip')}"


def test_config_json_holds_each_environments_api_url_and_region(
    synthesized: tuple[dict[str, Template], list[str], Path], configs: dict[str, EnvironmentConfig]
) -> None:
    templates, _, outdir = synthesized
    for name in ENVIRONMENTS:
        deployment = _deployment(templates[name])
        page_key, config_key = deployment["SourceObjectKeys"]
        files = sorted(path.name for path in _asset_directory(outdir, page_key).iterdir())
        assert files == ["app.css", "app.js", "index.html"]  # config.json comes only from the deployment
        written = json.loads((_asset_directory(outdir, config_key) / "config.json").read_text())
        assert written == {"apiUrl": api_url(name, configs[name].region), "region": configs[name].region}
        assert deployment["Prune"] is True
        assert deployment["SystemMetadata"] == {"cache-control": "no-cache"}


def test_config_json_gets_a_token_api_url_at_deploy(
    synthesized: tuple[dict[str, Template], list[str], Path],
) -> None:
    templates, _, outdir = synthesized
    deployment = _deployment(templates["token"])
    _, config_key = deployment["SourceObjectKeys"]
    written = (_asset_directory(outdir, config_key) / "config.json").read_text()
    (marker,) = deployment["SourceMarkers"][1]
    # The deployment puts the URL, quoted, where the marker is: valid JSON once deployed.
    assert written == '{"apiUrl":' + marker + ',"region":"ap-northeast-2"}'
    assert deployment["SourceMarkers"][1][marker] == {
        "Fn::Join": ["", ['"', {"Fn::ImportValue": "chat-api-url"}, '"']]
    }
    deployed = written.replace(marker, json.dumps("https://abc.execute-api.ap-northeast-2.amazonaws.com/v1/"))
    assert json.loads(deployed)["apiUrl"] == "https://abc.execute-api.ap-northeast-2.amazonaws.com/v1/"


def test_the_deployment_function_may_do_exactly_what_a_deploy_needs(
    synthesized: tuple[dict[str, Template], list[str], Path],
) -> None:
    templates, _, _ = synthesized
    template = templates["dev"]
    name, _ = _site_bucket(template)
    deployment = _deployment(template)
    (policy,) = [
        p["Properties"]
        for key, p in resources(template, "AWS::IAM::Policy").items()
        if key.startswith("ChatPageDeploymentPermissions")
    ]
    statements = policy["PolicyDocument"]["Statement"]
    read, listing, write = statements
    assert read["Action"] == "s3:GetObject"
    keys = [json.dumps(resource)[-80:] for resource in read["Resource"]]
    assert [any(key in k for k in keys) for key in deployment["SourceObjectKeys"]] == [True, True]
    assert listing == {
        "Action": "s3:ListBucket",
        "Effect": "Allow",
        "Resource": {"Fn::GetAtt": [name, "Arn"]},
    }
    assert write["Action"] == ["s3:PutObject", "s3:DeleteObject"]
    functions = resources(template, "AWS::Lambda::Function")
    (function,) = [
        f["Properties"] for key, f in functions.items() if key.startswith("CustomCDKBucketDeployment")
    ]
    (role,) = [
        key for key in resources(template, "AWS::IAM::Role") if key.startswith("ChatPageDeploymentRole")
    ]
    assert function["Role"] == {"Fn::GetAtt": [role, "Arn"]}
    assert "DeadLetterConfig" in function and "LoggingConfig" in function
    # CDK's own grants (s3:GetObject*, s3:List*, ...) never reached the role.
    every_action = [
        action
        for p in resources(template, "AWS::IAM::Policy").values()
        for statement in p["Properties"]["PolicyDocument"]["Statement"]
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    ]
    assert every_action and not [action for action in every_action if "*" in action]


# --- cdk-nag -------------------------------------------------------------------------------------------


def test_the_five_rule_packs_find_nothing_unacknowledged(
    synthesized: tuple[dict[str, Template], list[str], Path],
) -> None:
    _, findings, _ = synthesized
    assert findings == []


def test_each_acknowledgement_silences_a_finding_of_one_resource(
    tmp_path: Path, configs: dict[str, EnvironmentConfig], dist: Path
) -> None:
    def build_dev(app: App) -> None:
        config = configs["dev"]
        stack = Stack(
            app, f"{config.name_prefix}-web", env=Environment(account=config.account, region=config.region)
        )
        key = DataEncryptionKey(
            stack, "DataKey", alias="alias/dev-test", removal_policy=RemovalPolicy.DESTROY
        )
        ChatPageSite(
            stack,
            "ChatPage",
            config=config,
            api_url=api_url("dev", config.region),
            encryption_key=key.key,
            dist=dist,
        )
        add_rule_packs(app)

    probe = probe_acknowledgements(build_dev, outdir=tmp_path / "out", context={})
    assert probe.unacknowledged() == []
    assert len(probe.acknowledgements) >= 20
    for ack in probe.acknowledgements:
        paths = {finding.path for finding in probe.silenced_by(ack)}
        assert len(paths) == 1, ack
        assert len(ack.reason) >= 40


# --- building when the page is missing -------------------------------------------------------------


def test_synth_builds_a_missing_page_with_the_checkouts_tools(tmp_path: Path) -> None:
    # A `git worktree` has the sources but no dist and no node_modules (release.diff_offline).
    source = tmp_path / "chat-page"
    shutil.copytree(CHAT_PAGE_SOURCE, source, ignore=shutil.ignore_patterns("dist", "dist.partial-*"))
    built = ensure_built(source / "dist")
    assert sorted(path.name for path in built.iterdir()) == ["app.css", "app.js", "index.html"]
    assert (built / "app.js").read_bytes() == build_page(tmp_path / "reference").joinpath(
        "app.js"
    ).read_bytes()


def test_synth_rebuilds_a_page_older_than_its_sources(tmp_path: Path) -> None:
    source = tmp_path / "chat-page"
    shutil.copytree(CHAT_PAGE_SOURCE, source, ignore=shutil.ignore_patterns("dist", "dist.partial-*"))
    dist = ensure_built(source / "dist")
    assert is_built(dist)
    styles = source / "styles.css"
    styles.write_text(
        styles.read_text(encoding="utf-8") + "\n.added-rule { color: #123456; }\n", encoding="utf-8"
    )
    later = (dist / "app.css").stat().st_mtime + 10
    os.utime(styles, (later, later))
    assert not is_built(dist)
    assert "#123456" in (ensure_built(dist) / "app.css").read_text(encoding="utf-8")


def test_a_deployment_event_dropped_into_the_dead_letter_queue_raises_an_alarm(
    synthesized: tuple[dict[str, Template], list[str], Path], configs: dict[str, EnvironmentConfig]
) -> None:
    templates, _, _ = synthesized
    for name in ENVIRONMENTS:
        template = templates[name]
        alarm = only(template, "AWS::CloudWatch::Alarm")
        queues = resources(template, "AWS::SQS::Queue")
        (queue,) = [key for key in queues if key.startswith("ChatPageDeploymentDeadLetters")]
        topic = ALARM_TOPIC.format(region=configs[name].region)
        assert alarm["AlarmName"] == f"{configs[name].name_prefix}-ChatPageDeploymentDeadLetters"
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue, "QueueName"]}}]
        assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
        assert alarm["AlarmActions"] == alarm["OKActions"] == [topic]
    assert resources(templates["token"], "AWS::CloudWatch::Alarm") == {}
