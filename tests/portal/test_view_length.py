"""Views stay short (CONVENTIONS.md): they parse, fetch with the access check, call a
service and respond.

The rule is a median view function under ten lines. It is 9 (17 before the first
shared helper, 14 before versioned forms, ``done`` and the lists' querysets and filter
sets): this test holds the line so views do not grow back. The kernel's
``portal/core/views.py`` holds the helpers views use, no views.
"""

import ast
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def view_lengths() -> dict[str, int]:
    modules = [
        path
        for app in ("portal", "partners", "referrals", "training")
        for path in (ROOT / app).rglob("*.py")
        if (path.name == "views.py" or path.parent.name == "views")
        and path != ROOT / "portal" / "core" / "views.py"
    ]
    lengths = {}
    for path in modules:
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                body_start = node.body[0].lineno
                lengths[f"{path.relative_to(ROOT)}:{node.name}"] = node.end_lineno - body_start + 1
    return lengths


AIM = 10
TODAY = 9


def test_the_median_view_does_not_grow():
    lengths = view_lengths()
    median = statistics.median(lengths.values())
    longest = sorted(lengths.items(), key=lambda item: -item[1])[:5]
    assert median <= TODAY, (
        f"median {median} lines over {len(lengths)} views (aim: under {AIM}); longest: {longest}"
    )
