"""The benchmark's plan check (``bench/measure.py --check``, run by CI on a small
world) recognises a query that reads a whole large table."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def measure():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_measure", BENCH / "measure.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look themselves up there
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("bench_measure", None)
        sys.path.remove(str(BENCH))


@pytest.mark.parametrize(
    ("node", "full"),
    [
        ({"Node Type": "Seq Scan", "Filter": "(team_id = 3)"}, True),
        ({"Node Type": "Seq Scan"}, True),
        # An index walked end to end for its order while rows are thrown away.
        ({"Node Type": "Index Scan", "Filter": "(team_id = 3)"}, True),
        ({"Node Type": "Index Only Scan", "Filter": "(team_id = 3)"}, True),
        ({"Node Type": "Index Scan", "Index Cond": "(team_id = 3)"}, False),
        ({"Node Type": "Index Scan", "Index Cond": "(id = 3)", "Filter": "(x)"}, False),
        # The newest rows of a table under a LIMIT: stops early, nothing filtered.
        ({"Node Type": "Index Scan"}, False),
        ({"Node Type": "Bitmap Heap Scan", "Recheck Cond": "(team_id = 3)"}, False),
    ],
)
def test_full_scans_are_recognised(measure, node, full):
    assert measure._reads_everything(node) is full
