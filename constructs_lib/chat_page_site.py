"""The Korean chat page on the web: a private S3 bucket behind CloudFront, deployed with its config.

Why it is built this way:

- **Private bucket, origin access control.** Only this distribution may read the bucket (OAC, SigV4
  signed by CloudFront, the bucket policy names the distribution); the bucket blocks every public
  access and refuses plain HTTP. Its objects are the page's public files, so they are encrypted
  with **S3-managed keys**: CloudFront reading an SSE-KMS object through OAC needs the key's policy
  to let CloudFront decrypt, which would open the environment's data key (the one of recordings and
  tables) to a public website for files that are public anyway.
- **Security headers at the edge** (a response-headers policy): a CSP that allows scripts and styles
  from the page's own origin only and connections only to the start-chat API's origin, the Connect
  Participant Service endpoint and its websockets (:func:`content_security_policy`); HSTS,
  ``nosniff``, ``DENY`` framing, a strict referrer policy.
- **The built page, and its config written at deploy.** ``web/chat-page/dist`` (``make chat-page``)
  is deployed with ``config.json`` (``{"apiUrl", "region"}``) rendered by the deployment when the
  API's URL is known. Every file is served ``Cache-Control: no-cache``: browsers revalidate, and
  CloudFront keeps it for the cache policy's minimum TTL (1 s), so a deploy needs no invalidation.
- **CDK's deployment function gets exact permissions.** Its role takes no grants: read the two
  source objects, list, write and delete in the site bucket, log and dead-letter (the same
  framework role, log group and dead-letter queue as the app's other custom resources, and an
  alarm to the environment's alarm topic when an event lands in that queue).
- **Access logs.** The site bucket's server access logs and CloudFront's standard logs go to one
  log bucket (SSE-S3 and ACLs enabled: CloudFront's log delivery writes with an ACL).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import ClassVar, Final
from urllib.parse import urlsplit

import jsii
from aws_cdk import CfnElement, Duration, Fn, RemovalPolicy, Stack, Token
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_sns as sns
from constructs import Construct, IConstruct

from config.settings import EnvironmentConfig
from constructs_lib.access_log_bucket import access_log_bucket
from constructs_lib.compliance import (
    AWS_SOLUTIONS,
    HIPAA_NIST,
    HIPAA_NIST_PCI,
    INLINE_POLICY_REASON,
    NO_VPC_REASON,
    SERVERLESS,
    acknowledge,
)
from constructs_lib.custom_resource_framework import FrameworkLogging, framework_logging

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
#: The page's sources and its build script (``make chat-page`` runs it).
CHAT_PAGE_SOURCE: Final = REPO_ROOT / "web" / "chat-page"
#: What the build writes and the deployment uploads.
CHAT_PAGE_DIST: Final = CHAT_PAGE_SOURCE / "dist"
#: The files a built page has; synth refuses a ``dist`` without them.
BUILT_FILES: Final = ("index.html", "app.js", "app.css")
#: The object the page reads its settings from (next to index.html).
CONFIG_OBJECT: Final = "config.json"
#: How CDK names BucketDeployment's function (``Custom::CDKBucketDeployment<uuid>`` at the stack's root).
DEPLOYMENT_FUNCTION_ID: Final = "Custom::CDKBucketDeployment"


def page_sources(source: Path = CHAT_PAGE_SOURCE) -> list[Path]:
    """The files the built page is made of (what ``make chat-page`` depends on)."""
    return [
        source / "build.mjs",
        source / "index.html",
        source / "styles.css",
        *sorted(source.glob("src/*.js")),
    ]


def is_built(dist: Path) -> bool:
    """True when every built file exists and none is older than a source beside ``dist``.

    A ``dist`` outside a source tree (a build made elsewhere, as tests pass) only has to exist.
    """
    built = [dist / name for name in BUILT_FILES]
    if not all(path.is_file() for path in built):
        return False
    if not (dist.parent / "build.mjs").is_file():
        return True
    oldest = min(path.stat().st_mtime for path in built)
    return all(source.stat().st_mtime <= oldest for source in page_sources(dist.parent))


def ensure_built(dist: Path = CHAT_PAGE_DIST) -> Path:
    """The built page; (re)built here when missing or older than its sources.

    ``make synth`` and ``make pytest`` build it first; this covers a synth without make: pytest run
    directly, or the base revision ``release.diff_offline`` synthesizes in a ``git worktree`` with
    this checkout's tools (esbuild is found next to the ``esbuild`` or ``cdk`` on ``PATH``). The
    build is deterministic, so building again never changes the synthesized templates.
    """
    if is_built(dist):
        return dist
    node = shutil.which("node")
    tool = shutil.which("esbuild") or shutil.which("cdk")
    if node is None or tool is None:
        raise FileNotFoundError(f"{dist} is missing and node/esbuild are not on PATH: run `make chat-page`")
    node_modules = Path(tool).parent.parent
    environment = {"PATH": str(Path(node).parent), "AICC_NODE_MODULES": str(node_modules)}
    build = subprocess.run(  # noqa: S603 - our own build script, no shell
        [node, str(dist.parent / "build.mjs"), "--outdir", str(dist)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if build.returncode != 0:
        raise RuntimeError(f"building the chat page failed: {build.stderr.strip() or build.stdout.strip()}")
    return dist


def api_origin(api_url: str) -> str:
    """``https://host`` of the start-chat API's URL (a CloudFormation expression for a token)."""
    if Token.is_unresolved(api_url):
        return Fn.join("", ["https://", Fn.select(2, Fn.split("/", api_url))])
    parts = urlsplit(api_url)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(f"the start-chat API URL must be https://..., not {api_url!r}")
    return f"https://{parts.netloc}"


def participant_origins(region: str) -> tuple[str, str]:
    """Where chatjs connects: the Participant Service API and its chat websockets in ``region``."""
    return (
        f"https://participant.connect.{region}.amazonaws.com",
        f"wss://*.transport.connect.{region}.amazonaws.com",
    )


def content_security_policy(api_url: str, region: str) -> str:
    """The page's CSP: its own scripts and styles, and connections to the API and Connect only."""
    directives = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src " + " ".join(["'self'", api_origin(api_url), *participant_origins(region)]),
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
    return "; ".join(directives)


def page_config(api_url: str, region: str) -> dict[str, str]:
    """``config.json`` as deployed: the environment's API URL (a token until deploy) and region."""
    return {"apiUrl": api_url, "region": region}


@jsii.implements(s3deploy.ISource)
class _BoundSource:
    """A source bound once, so the deployment's role can name the exact object it reads."""

    def __init__(self, config: s3deploy.SourceConfig) -> None:
        self._config = config

    def bind(self, scope: Construct, *, handler_role: iam.IRole | None = None) -> s3deploy.SourceConfig:
        return self._config


class ChatPageSite(Construct):
    """The chat page of one environment: bucket, log bucket, distribution and deployment.

    Attributes:
        bucket: the page's files (private; read by the distribution through OAC).
        log_bucket: the bucket's server access logs and CloudFront's standard logs.
        distribution: serves the page over HTTPS with the security headers.
        headers: the response-headers policy (CSP, HSTS, nosniff, framing, referrer).
        deployment: uploads the built page and ``config.json``.
        url: ``https://<distribution domain>/``.
    """

    HSTS_MAX_AGE: ClassVar[Duration] = Duration.days(730)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        api_url: str,
        encryption_key: kms.IKey,
        alarm_topic: sns.ITopic | None = None,
        dist: Path | None = None,
        api_origin: str | None = None,
    ) -> None:
        """``api_origin`` (``https://host``) is what the CSP allows; by default taken from ``api_url``.

        Give it when the API allows this page's origin: the URL names the API's stage, whose deployment
        depends on the API's CORS preflight, which names the distribution — a cycle through the CSP.
        """
        super().__init__(scope, construct_id)
        built = ensure_built(dist or CHAT_PAGE_DIST)
        removal_policy = RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY

        self.log_bucket = access_log_bucket(
            self,
            "AccessLogs",
            # CloudFront's standard logs need ACLs.
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            # Access logs are audit records: kept when the (replaceable) web stack goes.
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.log_bucket,
            server_access_logs_prefix="chat-page-bucket/",
            removal_policy=removal_policy,
        )

        self.headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment=f"{config.name_prefix} chat page: CSP, HSTS, nosniff, no framing, strict referrer",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(api_origin or api_url, config.region),
                    override=True,
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=self.HSTS_MAX_AGE, include_subdomains=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(
                        header="Permissions-Policy",
                        value="camera=(), microphone=(), geolocation=(), payment=()",
                        override=True,
                    ),
                    cloudfront.ResponseCustomHeader(
                        header="Cross-Origin-Opener-Policy", value="same-origin", override=True
                    ),
                ]
            ),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"{config.name_prefix} Korean chat page",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self.headers,
                compress=True,
            ),
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            # No minimum_protocol_version: with the default *.cloudfront.net certificate it has no effect.
            enable_logging=True,
            log_bucket=self.log_bucket,
            log_file_prefix="cloudfront/",
        )
        #: ``https://<distribution domain>``: what browsers send as ``Origin`` from this page.
        self.origin = f"https://{self.distribution.distribution_domain_name}"
        self.url = f"{self.origin}/"
        self.deployment = self._deploy(config, built, api_url, encryption_key)
        if alarm_topic is not None:
            self.dead_letter_alarm = self._dead_letter_alarm(config, alarm_topic)
        self._acknowledge()

    def _deploy(
        self, config: EnvironmentConfig, built: Path, api_url: str, encryption_key: kms.IKey
    ) -> s3deploy.BucketDeployment:
        page = s3_assets.Asset(self, "PageFiles", path=str(built))
        framework = framework_logging(
            self,
            "Deployment",
            config=config,
            description=f"{config.name_prefix} chat page deployment",
            encryption_key=encryption_key,
        )
        # Grants made to this view of the role are dropped: its exact policy is below.
        role = framework.role.without_policy_updates()
        settings = s3deploy.Source.json_data(CONFIG_OBJECT, page_config(api_url, config.region))
        settings_config = settings.bind(self, handler_role=role)
        permissions = iam.Policy(
            self,
            "DeploymentPermissions",
            statements=[
                iam.PolicyStatement(
                    actions=["s3:GetObject"],
                    resources=[
                        page.bucket.arn_for_objects(page.s3_object_key),
                        settings_config.bucket.arn_for_objects(settings_config.zip_object_key),
                    ],
                ),
                iam.PolicyStatement(actions=["s3:ListBucket"], resources=[self.bucket.bucket_arn]),
                iam.PolicyStatement(
                    actions=["s3:PutObject", "s3:DeleteObject"],
                    resources=[self.bucket.arn_for_objects("*")],
                ),
            ],
        )
        framework.role.attach_inline_policy(permissions)
        deployment = s3deploy.BucketDeployment(
            self,
            "Deployment",
            destination_bucket=self.bucket,
            sources=[s3deploy.Source.bucket(page.bucket, page.s3_object_key), _BoundSource(settings_config)],
            role=role,
            log_group=framework.log_group,
            cache_control=[s3deploy.CacheControl.no_cache()],
            prune=True,
            retain_on_delete=False,
            output_object_keys=False,
        )
        # The custom resource runs only once its function may read the sources and write the bucket.
        deployment.node.add_dependency(permissions)
        handler = _deployment_function(self, deployment)
        handler.dead_letter_config = lambda_.CfnFunction.DeadLetterConfigProperty(
            target_arn=framework.dead_letter_queue.queue_arn
        )
        self._acknowledge_deployment(handler, framework, permissions)
        self.deployment_framework = framework
        return deployment

    def _dead_letter_alarm(self, config: EnvironmentConfig, topic: sns.ITopic) -> cloudwatch.Alarm:
        """Alarm (to the environment's alarm topic) when a deploy's event lands in the dead-letter queue."""
        queue = self.deployment_framework.dead_letter_queue
        alarm = cloudwatch.Alarm(
            self,
            "DeploymentDeadLettersAlarm",
            alarm_name=f"{config.name_prefix}-ChatPageDeploymentDeadLetters",
            alarm_description=(
                "ChatPageDeployment: CloudFormation's event for the chat page's deployment failed and was "
                "dropped into its dead-letter queue; the stack may wait for an answer. Read the message "
                "(its ResponseURL) and answer or roll back."
            ),
            metric=queue.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(5), statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        action = cloudwatch_actions.SnsAction(topic)
        alarm.add_alarm_action(action)
        alarm.add_ok_action(action)
        return alarm

    def _acknowledge(self) -> None:
        """What the rule packs ask of a website's buckets and distribution but is not real here."""
        for bucket, what in ((self.bucket, "the page's files"), (self.log_bucket, "its access logs")):
            acknowledge(
                bucket,
                "S3BucketReplicationEnabled",
                packs=HIPAA_NIST_PCI,
                reason=(
                    f"Holds {what} of a public static page, rebuilt from git by every deploy: a copy "
                    "in another region would hold nothing that cannot be deployed again."
                ),
            )
        acknowledge(
            self.bucket,
            "S3DefaultEncryptionKMS",
            packs=HIPAA_NIST_PCI,
            reason=(
                "Public page files (HTML, JS, CSS, config.json with the public API URL), encrypted with "
                "SSE-S3: reading SSE-KMS objects through OAC would open the data key's policy to CloudFront."
            ),
        )
        acknowledge(
            self.log_bucket,
            "S3DefaultEncryptionKMS",
            packs=HIPAA_NIST_PCI,
            reason=(
                "S3 server access logs are delivered only to SSE-S3 buckets, and CloudFront's standard "
                "logs need an ACL-enabled bucket; the logs hold request metadata, no chat content."
            ),
        )
        acknowledge(
            self.bucket,
            "S3BucketVersioningEnabled",
            packs=HIPAA_NIST_PCI,
            reason=(
                "Every deploy rewrites the whole page from a git revision (prune): rolling back is "
                "deploying the previous revision, and old versions would keep dev's bucket from deletion."
            ),
        )
        distribution = _resource(self.distribution)
        acknowledge(
            distribution,
            "CFR1",
            packs=(AWS_SOLUTIONS,),
            reason=(
                "Korean customers write from abroad too (travel, residence); the page holds nothing "
                "country-specific to protect, and the start-chat API it calls is throttled itself."
            ),
        )
        acknowledge(
            distribution,
            "CFR2",
            packs=(AWS_SOLUTIONS,),
            reason=(
                "Only cached static files behind GET/HEAD (no input reaches the origin); Shield Standard "
                "covers the edge, and the start-chat API, which takes input, is protected on its own."
            ),
        )
        acknowledge(
            distribution,
            "CFR4",
            packs=(AWS_SOLUTIONS,),
            reason=(
                "The default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1; "
                "a stricter one needs a custom domain with an ACM certificate, which no environment has yet."
            ),
        )

    def _acknowledge_deployment(
        self, handler: lambda_.CfnFunction, framework: FrameworkLogging, permissions: iam.Policy
    ) -> None:
        """CDK's deployment function and its role's policies: a deploy-time tool, not an application."""
        deploy_time = "CDK's BucketDeployment function runs only while CloudFormation deploys the page"
        acknowledge(
            handler,
            "LambdaConcurrency",
            packs=HIPAA_NIST,
            reason=f"{deploy_time}: nothing makes it scale; a reservation takes concurrency from callers.",
        )
        acknowledge(handler, "LambdaInsideVPC", packs=HIPAA_NIST_PCI, reason=NO_VPC_REASON)
        acknowledge(
            handler,
            "L1",
            packs=(AWS_SOLUTIONS,),
            reason=f"{deploy_time}; its runtime (and the AWS CLI layer it needs) is chosen by aws-cdk-lib.",
        )
        acknowledge(
            handler,
            "LambdaLatestVersion",
            packs=(SERVERLESS,),
            reason=f"{deploy_time}; its runtime (and the AWS CLI layer it needs) is chosen by aws-cdk-lib.",
        )
        acknowledge(
            handler,
            "LambdaTracing",
            packs=(SERVERLESS,),
            reason=f"{deploy_time}: its log group records every sync it makes; a trace would add nothing.",
        )
        for policy in (_resource(framework.role), _resource(permissions)):
            acknowledge(policy, "IAMNoInlinePolicy", packs=HIPAA_NIST_PCI, reason=INLINE_POLICY_REASON)
        acknowledge(
            permissions,
            f"IAM5[Resource::<{Stack.of(self).get_logical_id(_resource(self.bucket))}.Arn>/*]",
            packs=(AWS_SOLUTIONS,),
            reason=(
                "s3:PutObject and s3:DeleteObject on the page's own bucket: a deploy writes every built file "
                "and prunes the ones a new build no longer has, whose names it cannot know beforehand."
            ),
        )


def _deployment_function(site: ChatPageSite, deployment: s3deploy.BucketDeployment) -> lambda_.CfnFunction:
    """CDK's deployment function as its L1 resource (a singleton at the stack's root)."""
    for child in Stack.of(site).node.children:
        if child.node.id.startswith(DEPLOYMENT_FUNCTION_ID) and isinstance(child, lambda_.Function):
            function = child.node.default_child
            if isinstance(function, lambda_.CfnFunction):
                return function
    raise LookupError(f"CDK's deployment function of {deployment.node.path} is not at the stack's root")


def _resource(construct: IConstruct) -> CfnElement:
    """The CloudFormation resource an L2 construct wraps."""
    child = construct.node.default_child
    if not isinstance(child, CfnElement):
        raise LookupError(f"{construct.node.path} has no CloudFormation resource")
    return child
