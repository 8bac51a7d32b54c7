"""Logging, metrics and tracing for the Lambda handlers (Powertools), with personal data masked.

* **Logger**: one Powertools JSON logger per container. Its formatter masks personal data
  (``bot.personal_data``: phone numbers as 010-****-5678, resident registration, card and
  account numbers as labels, in any form) in every string of every log line (message, extra
  fields, appended keys, exception text) just before serialization, so no code path can leak a
  number by forgetting to mask. The bot's own ``logging.getLogger(__name__)`` loggers (``bot.*``,
  ``storage.*``) are routed through the same handler, so they are JSON, masked and carry the
  contact id too.
* **Metrics**: CloudWatch EMF through Powertools. The names, and the dimensions of each, are the
  contract's (``contract.LEX_HOOK_METRICS``, ``contract.CONTACT_FLOW_METRICS``): a small fixed set
  with bounded values, which the alarms of the deployment read too; metrics with
  their own dimensions go out with ``single_metric`` so they do not multiply the dimension sets
  of the others. Publishing a metric never fails a caller's turn.
* **Tracer**: the X-Ray SDK costs about as much to import as boto3 itself, so the Powertools
  Tracer is built on the first invocation, and only on Lambda with tracing not disabled.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.metrics.metrics import Metrics

from bot.personal_data import mask_personal_data
from contract import Dimension, EnvVar

DEFAULT_SERVICE_NAME = "aicc-bot"

# Keys Powertools fills from the runtime; none can hold caller data, so they skip masking
# (a request id or trace id must stay exactly as the platform wrote it).
_UNMASKED_KEYS = frozenset(
    {
        "level",
        "location",
        "timestamp",
        "service",
        "sampling_rate",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "xray_trace_id",
    }
)

#: Loggers of the bot's own packages, routed through the masking JSON handler.
APPLICATION_LOGGERS = ("bot", "storage", "handlers")

# CloudWatch accepts dimension values up to 1024 characters; ours are short enum-like values,
# anything longer is a bug that must not explode the metric's cardinality.
_MAX_DIMENSION_VALUE = 64


def mask_log_value(value: Any) -> Any:
    """Mask personal data in ``value``: strings, and strings nested in dicts, lists and tuples."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, Mapping):
        return {key: mask_log_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_log_value(item) for item in value]
    return value


class PersonalDataMaskingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter that masks personal data in every field before serializing."""

    def serialize(self, log: Any) -> str:
        """Serialize the structured log record with every caller-data string masked."""
        if isinstance(log, Mapping):
            log = {
                key: value if key in _UNMASKED_KEYS else mask_log_value(value) for key, value in log.items()
            }
        return super().serialize(log)


def _build_logger() -> Logger:
    built = Logger(
        service=os.environ.get(EnvVar.POWERTOOLS_SERVICE_NAME) or DEFAULT_SERVICE_NAME,
        logger_formatter=PersonalDataMaskingFormatter(),
    )
    for name in APPLICATION_LOGGERS:
        application_logger = logging.getLogger(name)
        application_logger.handlers = [built.registered_handler]
        application_logger.setLevel(built.log_level)
        application_logger.propagate = False  # the Lambda root handler would print unmasked text
    return built


#: The container's logger. Handlers append ``contact_id`` per invocation.
logger = _build_logger()


def start_invocation(*, contact_id: str, context: Any, cold_start: bool) -> None:
    """Reset per-invocation log keys and append this invocation's contact id and request id."""
    logger.clear_state()
    keys: dict[str, Any] = {"contact_id": contact_id, "cold_start": cold_start}
    request_id = getattr(context, "aws_request_id", None)
    if isinstance(request_id, str):
        keys["function_request_id"] = request_id
    logger.append_keys(**keys)


def _dimension_value(value: str | None) -> str:
    # Masked before cutting, like every log string: a dimension is stored in CloudWatch for months.
    text = mask_personal_data((value or "none").strip()) or "none"
    return text[:_MAX_DIMENSION_VALUE]


class MetricsPublisher:
    """Counts business events as CloudWatch EMF metrics; failures are logged, never raised."""

    def __init__(self, *, namespace: str, service: str) -> None:
        self._namespace = namespace
        self._service = service
        self._metrics = Metrics(namespace=namespace, service=service)
        self._batched = 0

    def count(
        self, name: str, *, dimensions: Mapping[str, str | None] | None = None, value: float = 1
    ) -> None:
        """Count ``name``; with ``dimensions`` it is published at once as its own EMF blob."""
        try:
            if not dimensions:
                self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
                self._batched += 1
                return
            with single_metric(
                name=name,
                unit=MetricUnit.Count,
                value=value,
                namespace=self._namespace,
                default_dimensions={Dimension.SERVICE: self._service},
            ) as metric:
                for dimension, dimension_value in dimensions.items():
                    metric.add_dimension(name=dimension, value=_dimension_value(dimension_value))
        except Exception:
            logger.exception("could not record metric", extra={"metric": name})

    def flush(self) -> None:
        """Publish the batched metrics of this invocation (nothing to do when none were counted)."""
        if not self._batched:
            return
        self._batched = 0
        try:
            self._metrics.flush_metrics()
        except Exception:
            logger.exception("could not flush metrics")


# --- tracing ------------------------------------------------------------------------------------------

_tracer: Any = None


def tracing_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """True on Lambda unless POWERTOOLS_TRACE_DISABLED is set: only then is the X-Ray SDK loaded."""
    env = os.environ if environ is None else environ
    on_lambda = bool(env.get("AWS_LAMBDA_FUNCTION_NAME"))
    disabled = env.get("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in {"1", "true"}
    return on_lambda and not disabled


def get_tracer() -> Any:
    """The container's Powertools Tracer, built on first use (imports the X-Ray SDK), or None."""
    global _tracer  # noqa: PLW0603 - one tracer per container, built lazily for cold-start time
    if _tracer is None and tracing_enabled():
        from aws_lambda_powertools import Tracer

        _tracer = Tracer(patch_modules=["botocore"])
    return _tracer


@contextlib.contextmanager
def traced(name: str, **annotations: str) -> Iterator[None]:
    """An X-Ray subsegment around a block when tracing is on; a no-op otherwise.

    When the tracer cannot be built the failure is logged and the block runs untraced.
    """
    tracer = None
    try:
        tracer = get_tracer()
    except Exception:
        logger.exception("could not initialise the tracer")
    if tracer is None:
        yield
        return
    with tracer.provider.in_subsegment(name) as subsegment:
        for key, value in annotations.items():
            with contextlib.suppress(Exception):
                subsegment.put_annotation(key=key, value=value)
        yield
