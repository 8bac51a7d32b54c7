"""What a booked callback becomes in Amazon Connect, and when Connect releases it to agents.

Why this module exists: the callbacks table is the record of the promise, but nothing in Connect
reads it, so agents were never offered a callback. Connect must own each callback instead, and
its two native forms have different limits (Flow-language reference, checked against the action
pages):

* ``CreateCallbackContact`` (a *queued callback*: Connect dials the caller once an agent accepts
  it, from the queue's outbound caller id) takes ``InitialCallDelaySeconds`` **statically**
  (1-259,200 s, written into the flow). The flow cannot delay it to a computed opening time.
* ``CreateTask`` takes ``DelaySeconds`` **dynamically** (1-518,400 s, six days): a task can be
  released at any moment of the next six days.

So the decision (:func:`plan_callback`):

* **Queued callback** when the caller is on the phone, the queues can dial (an outbound caller id,
  ``EnvVar.CALLBACK_DIALING``) and agents are working right now with the promised slot still today
  (the "all agents busy" case). The flow creates it with the static
  :data:`QUEUED_CALLBACK_DELAY_SECONDS` (time to hang up); it waits in the bot's queue and Connect
  dials when the next agent takes it. Release: now + that delay.
* **Task** otherwise: after hours, weekends and holidays (a long holiday such as Chuseok
  included), on chat (the Set callback number block sends chat to its Invalid number branch: there
  is no number Connect could dial) and where no number is claimed. The task is created with
  ``DelaySeconds`` up to the next opening (``bot.business_calendar``, holidays respected), so it
  enters the queue exactly when agents start, carrying reference, reason, queue and masked number.

Nothing parks in a queue outside the agents' hours: a queued callback exists only while agents
work, and a task is not in any queue until its release. That is why the queue wait alarms
(``LongestQueueWaitTime``) stay meaningful at night: they see only callers really waiting.

A release further than six days away (beyond any closure the Korean calendar has had) is clamped
to :data:`TASK_MAX_DELAY_SECONDS`: the task then waits in the queue for the opening instead of
being refused, and :attr:`CallbackPlan.clamped` says so for the log.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from bot.business_calendar import BusinessCalendar
from bot.models import KST
from contract import CallbackKind

#: The flow's static ``InitialCallDelaySeconds``: time for the caller to hang up before Connect
#: queues the callback (the documentation's own reason for the delay).
QUEUED_CALLBACK_DELAY_SECONDS: Final = 60
#: The flow's static ``MaximumConnectionAttempts`` and ``RetryDelaySeconds`` (10 minutes apart).
QUEUED_CALLBACK_ATTEMPTS: Final = 3
QUEUED_CALLBACK_RETRY_SECONDS: Final = 600
#: CreateTask ``DelaySeconds`` upper bound (six days).
TASK_MAX_DELAY_SECONDS: Final = 518_400

VOICE: Final = "VOICE"


@dataclass(frozen=True, slots=True)
class CallbackPlan:
    """One callback's form in Connect.

    Attributes:
        kind: queued callback or task.
        promised_at: the time the caller is told (``BusinessCalendar.next_callback_time``).
        release_at: when Connect offers it to agents (Korea time).
        delay_seconds: seconds from the request to ``release_at`` (at least 1).
        clamped: the release was pulled in to the six-day task limit.
    """

    kind: CallbackKind
    promised_at: datetime
    release_at: datetime
    delay_seconds: int
    clamped: bool = False


def plan_callback(
    *, requested_at: datetime, channel: str, dialing: bool, calendar: BusinessCalendar
) -> CallbackPlan:
    """Decide what the flow creates for a callback requested at ``requested_at`` (see module docs)."""
    now = requested_at.astimezone(KST)
    promised = calendar.next_callback_time(now)
    agents_working = calendar.is_open(now) and promised.date() == now.date()
    if channel.upper() == VOICE and dialing and agents_working:
        return CallbackPlan(
            kind=CallbackKind.QUEUED_CALLBACK,
            promised_at=promised,
            release_at=now + timedelta(seconds=QUEUED_CALLBACK_DELAY_SECONDS),
            delay_seconds=QUEUED_CALLBACK_DELAY_SECONDS,
        )
    delay = max(1, math.ceil((promised - now).total_seconds()))
    if delay > TASK_MAX_DELAY_SECONDS:
        return CallbackPlan(
            kind=CallbackKind.TASK,
            promised_at=promised,
            release_at=now + timedelta(seconds=TASK_MAX_DELAY_SECONDS),
            delay_seconds=TASK_MAX_DELAY_SECONDS,
            clamped=True,
        )
    return CallbackPlan(
        kind=CallbackKind.TASK, promised_at=promised, release_at=promised, delay_seconds=delay
    )
