"""The containment report (benchmarks/bench_containment.py): FAQ first raises it on the scripted calls.

The benchmark runs the FAQ-answerable scripted calls with ``--faq-first off`` and ``on``; this test
runs it the same way and checks what the README's "FAQ before escalation" section reports.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from scenarios.calls import SCRIPTED_CALLS

pytestmark = pytest.mark.xdist_group("scripted_calls")

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_containment.py"


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_containment", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_faq_first_raises_containment_of_the_faq_answerable_calls() -> None:
    # No capsys here: the handlers' loggers, made on the first call of this worker, would keep
    # capsys's stream, which is closed after the test ("I/O operation on closed file" later).
    bench = _benchmark()
    answerable = [scripted for scripted in SCRIPTED_CALLS if scripted.faq_answerable]

    before, before_outcomes = bench.measure(answerable, faq_first=False)
    after, after_outcomes = bench.measure(answerable, faq_first=True)

    assert before.calls == after.calls == len(answerable) >= 9
    assert after.contained > before.contained
    # Every call the FAQ answered before is still contained: FAQ first only adds.
    assert all(
        after_outcomes[name] == "disconnected"
        for name, was in before_outcomes.items()
        if was == "disconnected"
    )
    # With FAQ first on, each answerable call ends as the scripted call says.
    assert after_outcomes == {scripted.name: scripted.outcome for scripted in answerable}


def test_a_bad_option_is_one_line_and_exit_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        _benchmark().main(["--bogus"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("bench_containment: unrecognized arguments")
