"""Faulty tables for ``python -m simulator call --fault TABLE:stall|error``, on a virtual clock.

A fault makes every request the handlers send to one table (a key of the contract's table
definitions) go wrong, at the HTTP layer under botocore, so the real client code runs — timeouts,
botocore's standard-mode retries, the deadline's retry guard (``storage.deadline``), the
repositories' error handling and the handlers' answers:

* ``stall``: the table never answers. Each attempt costs what botocore would have waited for it
  (the client's connect + read timeout), then fails with botocore's ``ReadTimeoutError``. The
  time passes on the call's :class:`VirtualClock`, which the simulated Lambda contexts and
  Connect's and Lex's time limits read: a stall costs no real time, and a function too slow for
  its limit still takes the flow's error branch.
* ``error``: the table answers HTTP 500 ``InternalServerError`` (retried by botocore with its
  millisecond backoff, then raised).

The hooks sit on botocore's ``before-send`` event of each client the handlers' client factory
builds (:meth:`FaultInjector.dynamodb_clients`, handed to the repositories): nothing is patched,
and the simulator's own reads and seeding of the tables are never faulted.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Final

from contract import CONTACT_FLOW_TABLES, LEX_HOOK_TABLES, TABLE_DEFINITIONS

#: What ``--fault TABLE:KIND`` can make a table do.
FAULT_KINDS: Final = ("stall", "error")
#: The tables a fault can hit: the contract's tables a call reaches (the Lex hook's and the
#: contact-flow function's; the contact records are written after the call, by EventBridge).
FAULT_TABLES: Final = tuple(
    definition.key
    for definition in TABLE_DEFINITIONS
    if definition in (*LEX_HOOK_TABLES, *CONTACT_FLOW_TABLES)
)


@dataclass(frozen=True, slots=True)
class TableFault:
    """One injected fault: ``table`` (a contract table key) does ``kind`` (stall or error)."""

    table: str
    kind: str

    def __str__(self) -> str:
        return f"{self.table}:{self.kind}"


def parse_fault(value: str) -> TableFault:
    """``TABLE:KIND`` (``customers:stall``); raises ValueError naming what is wrong."""
    table, separator, kind = value.strip().partition(":")
    table, kind = table.strip().lower(), kind.strip().lower()
    if not separator or not table or not kind:
        raise ValueError(f"expected TABLE:KIND (e.g. callbacks:stall), got {value!r}")
    if table not in FAULT_TABLES:
        raise ValueError(f"unknown table {table!r} in {value!r}: one of {', '.join(FAULT_TABLES)}")
    if kind not in FAULT_KINDS:
        raise ValueError(f"unknown fault {kind!r} in {value!r}: one of {', '.join(FAULT_KINDS)}")
    return TableFault(table, kind)


class VirtualClock:
    """A monotonic clock that stalls can move forward without anyone sleeping."""

    def __init__(self, base: Callable[[], float] = time.monotonic) -> None:
        self._base = base
        self._offset = 0.0

    def now(self) -> float:
        """The base clock plus every advance so far."""
        return self._base() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        self._offset += max(0.0, seconds)


class FaultInjector:
    """Installs the faults of a call on the DynamoDB clients the handlers use.

    ``table_names`` maps table keys to the local table names; ``hits`` counts the requests each
    faulted table received (one per attempt).
    """

    def __init__(
        self, faults: Iterable[TableFault], table_names: Mapping[str, str], clock: VirtualClock
    ) -> None:
        self._kinds = {table_names[fault.table]: fault.kind for fault in faults}
        self._keys = {name: key for key, name in table_names.items()}
        self._clock = clock
        self.hits: Counter[str] = Counter()

    def dynamodb_clients(self, *, region: str | None = None) -> Any:
        """The handlers' DynamoDB client factory (``storage.dynamodb.dynamodb_clients``) with the faults."""
        from storage.dynamodb import dynamodb_clients

        return dynamodb_clients(region=region, customize=self.install)

    def install(self, client: Any) -> None:
        """Make ``client``'s requests to a faulted table fail (no-op without faults)."""
        if not self._kinds:
            return
        config = client.meta.config
        attempt_seconds = float(config.connect_timeout) + float(config.read_timeout)

        def before_send(request: Any, **_: Any) -> Any:
            table = _table_name(request)
            kind = self._kinds.get(table or "")
            if table is None or kind is None:
                return None  # the table works: the request goes on (to moto)
            self.hits[self._keys.get(table, table)] += 1
            if kind == "stall":
                from botocore.exceptions import ReadTimeoutError

                self._clock.advance(attempt_seconds)
                raise ReadTimeoutError(endpoint_url=request.url)
            response = _internal_server_error(request)
            # botocore offers the request to every before-send handler, this answer notwithstanding:
            # an address no backend serves keeps moto's tables (next in line) from executing it.
            request.url = _NOWHERE
            return response

        # Registered on the client: botocore calls it before moto's handler, for every attempt.
        client.meta.events.register("before-send.dynamodb", before_send)


#: Where a failed request is sent (never: the fault's answer is already given). ``.invalid`` is reserved.
_NOWHERE: Final = "https://faulted-table.invalid/"


def _table_name(request: Any) -> str | None:
    try:
        body = json.loads(request.body or b"{}")
    except (TypeError, ValueError):
        return None
    name = body.get("TableName") if isinstance(body, dict) else None
    return name if isinstance(name, str) else None


class _RawBody(BytesIO):
    """The raw response stream botocore reads an answer from."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


def _internal_server_error(request: Any) -> Any:
    from botocore.awsrequest import AWSResponse

    body = json.dumps(
        {
            "__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
            "message": "Internal server error (simulator --fault)",
        }
    ).encode("utf-8")
    headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "simulated-fault"}
    return AWSResponse(request.url, 500, headers, _RawBody(body))
