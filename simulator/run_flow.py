"""Run any flow document — ours or anybody's — in the default world of :mod:`simulator.flow_services`.

Every referenced resource exists (any ARN, id or placeholder names a simulated resource), Lambda
functions answer success with an empty map, hours are open, one agent is staffed, a bot the world
does not know answers the caller's words with the flow's first intent condition (or
``FallbackIntent``), and the services Connect talks to succeed deterministically;
:class:`~simulator.flow_services.WorldOptions` steers each of those.

:func:`run_document` returns ``{"outcome", "prompts", "path", "attributes", "trace", "error"}``:
``outcome`` is how the contact's path ended (``disconnected``, ``queued``, ``ended``,
``returned``, ``transferred``, ``unhandled_error``, ``step_budget``) or ``error`` when the
runtime itself could not continue (``error`` then says why). ``python -m simulator run-flow``
(:mod:`simulator.commands.run_flow`) and ``conformance`` print it.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from simulator.flow_data import Contact, Flow, FlowError
from simulator.flow_runtime import FlowRunner
from simulator.flow_services import FlowServices, WorldOptions
from simulator.world import DEFAULT_CALLER, SYSTEM_NUMBER

#: Actions a hold, queue or whisper flow runs before the simulation moves on (they loop by design).
HOOK_STEP_BUDGET: Final = 40
#: The instance every run's contact belongs to.
INSTANCE_ARN: Final = "arn:aws:connect:ap-northeast-2:111122223333:instance/simulated"
_RUN_NAMESPACE: Final = uuid.UUID("0b5e7c1a-2f57-4c1b-9d1e-7a0c5d4e3f21")


def run_document(
    flow: Flow, *, options: WorldOptions, channel: str = "VOICE", contact_id: str | None = None
) -> dict[str, Any]:
    """Run a parsed flow in the world of ``options``; the ``--json`` object of ``run-flow``."""
    services = FlowServices(options)
    contact = Contact(
        contact_id=contact_id or str(uuid.uuid5(_RUN_NAMESPACE, flow.name)),
        channel=channel,
        customer_address=DEFAULT_CALLER if channel == "VOICE" else None,
        system_address=SYSTEM_NUMBER if channel == "VOICE" else "",
        instance_arn=INSTANCE_ARN,
    )
    runner = FlowRunner(services, contact)
    result: dict[str, Any] = {"outcome": None, "prompts": services.prompts, "error": None}
    try:
        end = runner.run_contact(flow, hook_step_budget=HOOK_STEP_BUDGET)
    except FlowError as error:
        result.update(outcome="error", error=str(error))
    else:
        result["outcome"] = end.end.reason.value
        if end.queue_arn:
            result["queue"] = end.queue_arn
    result.update(
        path=list(runner.trace.path),
        attributes=dict(contact.attributes),
        trace=list(runner.trace.events),
    )
    return {key: result.get(key) for key in ("outcome", "prompts", "path", "attributes", "trace", "error")}
