"""Memberships, grants and the arrears flag are read in one place: the principal.

DESIGN.md: "nothing else queries the grant tables or team flags". The import
contracts (pyproject.toml) keep the layers; this test reads every module of the
apps and fails on any other module that touches what only the principal and
the grant services may touch.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "partners", "referrals", "training")

# Module -> why it may touch memberships, guardian tables or the arrears flag.
ALLOWED = {
    "partners/principal.py": "the one reader",
    "partners/grants.py": "the grant services: derive and write the guardian tables",
    "partners/services.py": "the network's services write memberships and team flags",
    "partners/invitations.py": "accepting an invitation writes a membership",
    "partners/models.py": "defines them",
    "partners/admin.py": "the Django admin's membership and team pages",
    "referrals/referrals/models.py": "defines the per-referral exception grant tables",
    "referrals/apps.py": "registers those tables with the principal",
    "portal/management/commands/seed_demo.py": "builds the demo network before its grants",
    "referrals/demo.py": "picks demo actors from the demo network",
}
# Editing the flag itself (a field of the team forms) names it as a string.
FLAG_AS_FIELD_NAME = {"partners/forms.py", "partners/api.py"}

GRANT_NAMES = {
    "OrganisationUserObjectPermission",
    "OrganisationGroupObjectPermission",
    "TeamUserObjectPermission",
    "TeamGroupObjectPermission",
    "ReferralUserObjectPermission",
    "ReferralGroupObjectPermission",
}
READER_FUNCTIONS = {"has_perm", "has_perms", "get_objects_for_user", "get_perms"}


def _modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def findings(path: Path) -> list[str]:
    """Every place in one module that reads memberships, grants or the arrears flag."""
    relative = path.relative_to(ROOT).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=relative)):
        where = f"{relative}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute):
            if node.attr in ("handles_arrears", "memberships"):
                found.append(f"{where} .{node.attr}")
            if node.attr == "objects" and getattr(node.value, "id", "") == "Membership":
                found.append(f"{where} Membership.objects")
            if node.attr in READER_FUNCTIONS:
                found.append(f"{where} .{node.attr}()")
        elif isinstance(node, ast.Name) and node.id in GRANT_NAMES:
            found.append(f"{where} {node.id}")
        elif isinstance(node, ast.alias) and node.name in GRANT_NAMES:
            found.append(f"{where} import {node.name}")
        elif isinstance(node, ast.keyword) and node.arg and _is_lookup(node.arg):
            found.append(f"{where} {node.arg}=")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if ("__" in text and _is_lookup(text)) or (
                text == "handles_arrears" and relative not in FLAG_AS_FIELD_NAME
            ):
                found.append(f"{where} {text!r}")
        elif isinstance(node, ast.Call) and _called(node) in QUERY_CALLS:
            for arg in node.args:
                if isinstance(arg, ast.Constant) and arg.value in (
                    "memberships",
                    "-handles_arrears",
                ):
                    found.append(f"{where} {_called(node)}({arg.value!r})")
    return found


# Calls whose string arguments are relations or fields: "memberships" there is a join.
QUERY_CALLS = {
    "Count", "Exists", "Prefetch", "prefetch_related", "select_related", "values",
    "values_list", "order_by", "filter", "exclude", "annotate", "only", "defer",
}  # fmt: skip


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_lookup(text: str) -> bool:
    words = text.lstrip("-").split("__")
    return "handles_arrears" in words or "memberships" in words


def test_no_module_but_the_principal_reads_memberships_grants_or_the_arrears_flag():
    offenders = [
        finding
        for path in _modules()
        if path.relative_to(ROOT).as_posix() not in ALLOWED
        for finding in findings(path)
    ]
    assert offenders == [], "read these through partners.principal:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "source",
    [
        "Membership.objects.filter(user=user)",
        "team.handles_arrears",
        "Team.objects.filter(handles_arrears=True)",
        "User.objects.filter(memberships__team=team)",
        "teams.annotate(n=Count('memberships'))",
        "user.has_perm('partners.view_arrears', ocmw)",
        "OrganisationGroupObjectPermission.objects.all()",
        "qs.order_by('-handles_arrears')",
    ],
)
def test_the_scan_sees_each_kind_of_read(tmp_path, source):
    module = tmp_path / "partners" / "views.py"
    module.parent.mkdir()
    module.write_text(source + "\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert findings(module), source
    finally:
        ROOT = saved


def test_every_allowed_module_exists():
    missing = [name for name in ALLOWED if not (ROOT / name).exists()]
    assert missing == []
