"""Generate a Flanders-size world in a separate PostgreSQL database, fast.

    .venv/bin/python bench/generate.py --scale full     # ~15-25 min on 2 cores
    .venv/bin/python bench/generate.py --scale small    # ~30 s

The database (``lac_bench`` by default) is dropped and created again, migrated
with the project's own migrations, and filled in bulk:

- the network (municipalities, 285 OCMWs with their teams, partner
  organisations, users, memberships, agreements, team groups and the guardian
  grants that ``partners.grants`` would write) is built in Python with a fixed
  seed and sent with COPY;
- the large tables (clients, referrals, consents, timeline, cases, arrears,
  contact attempts, LAC sessions and agendas, information sessions and their
  registrations) are written by ``INSERT ... SELECT generate_series`` inside
  PostgreSQL. Random choices come from ``hashint8extended(i, salt)``, so every
  statement can recompute another's choice for the same row without a staging
  table, and two runs give the same data.

While loading, the secondary indexes of the large tables are dropped and
foreign-key triggers are off (``session_replication_role = replica``); the
indexes are created again from their own definitions (the migrations') and
everything is ANALYZEd at the end.

Distributions: OCMW sizes follow a Zipf law (exponent 0.9) over the
municipalities ordered by their number of postcodes, so Antwerpen and Gent are
large and most OCMWs handle hundreds of referrals a year; partner activity is
log-normal; referral status follows age (old referrals are closed).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
YEARS = 5
ZIPF = 0.9


@dataclass(frozen=True)
class Scale:
    partners: int
    users: int
    referrals: int
    attempts: int
    cases: int
    sessions: int
    registrations_per_session: int = 8


SCALES = {
    "full": Scale(
        partners=5_000,
        users=50_000,
        referrals=2_000_000,
        attempts=10_000_000,
        cases=500_000,
        sessions=100_000,
    ),
    "small": Scale(
        partners=500, users=5_000, referrals=20_000, attempts=100_000, cases=5_000, sessions=1_000
    ),
}

# Tables whose secondary indexes are dropped during the load and rebuilt after.
LARGE_TABLES = [
    "referrals_client",
    "referrals_referral",
    "referrals_consent",
    "referrals_timelineentry",
    "referrals_referralgroupobjectpermission",
    "referrals_referraluserobjectpermission",
    "referrals_case",
    "referrals_case_referrals",
    "referrals_casenote",
    "referrals_arrearsrecord",
    "referrals_lacsession",
    "referrals_agendaitem",
    "referrals_contactattempt",
    "referrals_attempttally",
    "training_session",
    "training_cohost",
    "training_registration",
]

CITIES = [
    "Antwerpen",
    "Gent",
    "Brugge",
    "Leuven",
    "Mechelen",
    "Aalst",
    "Kortrijk",
    "Hasselt",
    "Sint-Niklaas",
    "Oostende",
    "Genk",
    "Roeselare",
]
NETWORK_TABLES = [
    "partners_organisation",
    "partners_team",
    "partners_membership",
    "partners_agreement",
    "portal_user",
    "auth_group",
    "portal_user_groups",
]

FIRST_NAMES = [
    "Maria",
    "Jan",
    "Els",
    "Tom",
    "Nadia",
    "Youssef",
    "Sara",
    "Pieter",
    "Lotte",
    "Koen",
    "An",
    "Marc",
    "Ines",
    "Fatima",
    "Mohamed",
    "Emma",
    "Lucas",
    "Noor",
    "Ahmed",
    "Julie",
    "Bram",
    "Sofie",
    "Wout",
    "Leen",
    "Dirk",
    "Hilde",
    "Ayse",
    "Mehmet",
    "Olena",
    "Piotr",
]
LAST_NAMES = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De",
    "Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Vermeulen",
    "Hermans",
    "Aerts",
    "Pauwels",
    "El",
    "Amrani",
    "Yilmaz",
    "Kowalski",
    "Bogaert",
    "Van",
    "Damme",
    "Martens",
    "Coppens",
    "Michiels",
    "Verhoeven",
    "Segers",
    "Cools",
    "Diallo",
]
PARTNER_KINDS = [
    ("neighbourhood", "Buurthuis", 30),
    ("welzijnsschakel", "Welzijnsschakel", 20),
    ("social_grocery", "Sociale kruidenier", 15),
    ("poverty_association", "Vereniging waar armen het woord nemen", 10),
    ("caw", "CAW", 5),
    ("other", "Vzw", 20),
]
OFFERS = ["accompany", "paperwork", "venue", "food", "meeting", "language", "digital", "energy"]
LANGUAGES = ["nl", "fr", "en", "ar", "tr", "ro", "pl", "ru", "uk"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the network, built in Python --------------------------------------------------


@dataclass
class Team:
    id: int
    org_id: int
    name: str
    group_id: int
    submits: bool = False
    receives: bool = False
    water: bool = False
    energy: bool = False
    general: bool = False
    arrears: bool = False
    plans: bool = False
    users: list[int] = field(default_factory=list)
    extra_users: list[int] = field(default_factory=list)


@dataclass
class Ocmw:
    k: int
    org_id: int
    municipality_id: int
    name: str
    postcode_id: int
    postcode_code: str
    weight: float
    teams: dict[str, Team] = field(default_factory=dict)
    partner_ids: list[int] = field(default_factory=list)


class Ids:
    """Explicit primary keys, so large tables can compute their foreign keys."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn
        self.next: dict[str, int] = {}

    def take(self, table: str, count: int = 1) -> int:
        if table not in self.next:
            current = self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
            self.next[table] = current + 1
        first = self.next[table]
        self.next[table] += count
        return first


def copy_rows(conn: psycopg.Connection, table: str, columns: list[str], rows) -> int:
    count = 0
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def build_network(conn: psycopg.Connection, scale: Scale, seed: int) -> dict:
    rng = random.Random(seed)
    ids = Ids(conn)
    now = conn.execute("SELECT now()").fetchone()[0]

    munis = conn.execute(
        """
        SELECT m.id, m.name_nl, count(p.id) AS codes, min(p.id), min(p.code)
        FROM partners_municipality m JOIN partners_postcode p ON p.municipality_id = m.id
        WHERE m.region = 'flanders' AND m.valid_until IS NULL
        GROUP BY m.id, m.name_nl ORDER BY count(p.id) DESC, m.nis_code
        """
    ).fetchall()
    # The central cities first (largest first), then the rest by number of postcodes.
    cities = {name: rank for rank, name in enumerate(CITIES)}
    munis.sort(key=lambda m: (cities.get(m[1], len(cities)), -m[2]))
    ocmws = [
        Ocmw(k, 0, mid, name, pc_id, pc_code, 1 / k**ZIPF)
        for k, (mid, name, _codes, pc_id, pc_code) in enumerate(munis, start=1)
    ]
    total_weight = sum(o.weight for o in ocmws)
    orgs, teams, users, memberships, agreements = [], [], [], [], []

    def new_team(org_id: int, name: str, **flags) -> Team:
        team = Team(ids.take("partners_team"), org_id, name, ids.take("auth_group"), **flags)
        teams.append(team)
        return team

    def new_users(count: int, org_name: str) -> list[int]:
        first = ids.take("portal_user", count)
        for n in range(first, first + count):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            users.append((n, f"user{n}@bench.example", name, org_name))
        return list(range(first, first + count))

    def member(user_id: int, team: Team, role: str = "member") -> None:
        memberships.append((user_id, team.id, role))

    # OCMWs, their four teams and their staff.
    staff_total = max(int(scale.users * 0.3), len(ocmws) * 5)
    for o in ocmws:
        o.org_id = ids.take("partners_organisation")
        name = f"OCMW {o.name}"
        orgs.append((o.org_id, "ocmw", name, None, o.postcode_id, "nl", "", ""))
        o.teams["onthaal"] = new_team(o.org_id, "Onthaal", receives=True, general=True)
        o.teams["watercel"] = new_team(
            o.org_id,
            "Energie- en watercel",
            receives=True,
            water=True,
            energy=True,
            arrears=True,
            plans=True,
        )
        o.teams["opbouw"] = new_team(o.org_id, "Samenlevingsopbouw", submits=True)
        o.teams["beheer"] = new_team(o.org_id, "Beheer")
        size = max(5, round(staff_total * o.weight / total_weight))
        split = {
            "watercel": max(2, round(size * 0.4)),
            "onthaal": max(1, round(size * 0.3)),
            "opbouw": max(1, round(size * 0.15)),
        }
        split["beheer"] = max(1, size - sum(split.values()))
        for key, count in split.items():
            team = o.teams[key]
            team.users = new_users(count, name)
            for i, user_id in enumerate(team.users):
                role = "member"
                if key == "watercel" and i == 0:
                    role = "coordinator"
                elif key == "beheer" and i == 0:
                    role = "admin"
                member(user_id, team, role)
        # Some arrears workers also take turns at reception.
        onthaal = o.teams["onthaal"]
        for user_id in o.teams["watercel"].users[1:]:
            if rng.random() < 0.1:
                onthaal.extra_users.append(user_id)
                member(user_id, onthaal)

    # Partner organisations, grouped by their home OCMW (contiguous ids per OCMW).
    homes = rng.choices(ocmws, weights=[o.weight for o in ocmws], k=scale.partners)
    homes.sort(key=lambda o: o.k)
    partner_users_total = max(scale.users - len(users), scale.partners)
    activity = [rng.lognormvariate(0, 0.8) for _ in homes]
    activity_total = sum(activity)
    # Every user counted: the rounding difference goes to the busiest partner.
    kinds = [k for k in PARTNER_KINDS for _ in range(k[2])]
    partner_teams: list[tuple[Team, Ocmw, float]] = []
    counts = [max(1, round(partner_users_total * act / activity_total)) for act in activity]
    counts[counts.index(max(counts))] += partner_users_total - sum(counts)
    for home, act, count in zip(homes, activity, counts, strict=True):
        kind, label, _w = rng.choice(kinds)
        org_id = ids.take("partners_organisation")
        home.partner_ids.append(org_id)
        name = f"{label} {rng.choice(LAST_NAMES)} {home.name} {org_id}"
        offers = " ".join(sorted(rng.sample(OFFERS, rng.randint(1, 4))))
        languages = " ".join(["nl", *rng.sample(LANGUAGES[1:], rng.randint(0, 3))])
        orgs.append((org_id, kind, name, None, home.postcode_id, languages, offers, label))
        volunteers = new_team(org_id, "Vrijwilligers", submits=True)
        volunteers.users = new_users(count, name)
        for i, user_id in enumerate(volunteers.users):
            member(user_id, volunteers, "admin" if i == 0 else "member")
        partner_teams.append((volunteers, home, act))
        if count >= 3 and rng.random() < 0.2:
            second = new_team(org_id, "Onthaal", submits=True)
            second.users = volunteers.users[-max(1, count // 3) :]
            for user_id in second.users:
                member(user_id, second)
        agreements.append((home.org_id, org_id, rng.random() < 0.3, rng.random() < 0.5))
        if rng.random() < 0.1:
            other = rng.choice(ocmws)
            if other is not home:
                agreements.append((other.org_id, org_id, False, False))

    _write_network(conn, ids, now, ocmws, orgs, teams, users, memberships, agreements)
    refer_targets = _write_grants(conn, ocmws, teams, memberships, agreements, orgs)
    del refer_targets
    return {
        "ocmws": ocmws,
        "partner_teams": partner_teams,
        "ids": ids,
        "users": len(users),
        "teams": len(teams),
        "organisations": len(orgs),
    }


def _write_network(conn, ids, now, ocmws, orgs, teams, users, memberships, agreements):
    copy_rows(
        conn,
        "partners_organisation",
        [
            "id",
            "kind",
            "name",
            "parent_id",
            "postcode_id",
            "languages",
            "offers",
            "street",
            "email",
            "phone",
            "website",
            "opening_hours",
            "accessibility",
            "description",
            "mfa_required",
            "created_at",
            "updated_at",
            "version",
        ],
        (
            (
                oid,
                kind,
                name,
                parent,
                pc,
                langs,
                offers,
                f"Dorpsstraat {oid % 200 + 1}",
                f"info{oid}@bench.example",
                "053 00 00 00",
                "",
                "ma-vr 9-12 u",
                "",
                f"{label} in de buurt: we helpen mensen met vragen over water en energie."
                if label
                else "Sociaal huis: hulp bij je rekeningen.",
                False,
                now,
                now,
                1,
            )
            for oid, kind, name, parent, pc, langs, offers, label in orgs
        ),
    )
    copy_rows(
        conn,
        "partners_organisation_serves",
        ["organisation_id", "municipality_id"],
        ((o.org_id, o.municipality_id) for o in ocmws),
    )
    copy_rows(
        conn,
        "auth_group",
        ["id", "name"],
        ((t.group_id, f"team:{t.org_id}:{t.name}") for t in teams),
    )
    copy_rows(
        conn,
        "partners_team",
        [
            "id",
            "organisation_id",
            "name",
            "group_id",
            "submits_referrals",
            "receives_referrals",
            "receives_water",
            "receives_energy",
            "receives_general",
            "handles_arrears",
            "plans_sessions",
            "capacity_per_worker",
            "created_at",
            "version",
        ],
        (
            (
                t.id,
                t.org_id,
                t.name,
                t.group_id,
                t.submits,
                t.receives,
                t.water,
                t.energy,
                t.general,
                t.arrears,
                t.plans,
                25,
                now,
                1,
            )
            for t in teams
        ),
    )
    copy_rows(
        conn,
        "portal_user",
        [
            "id",
            "password",
            "is_superuser",
            "email",
            "full_name",
            "language",
            "is_active",
            "is_staff",
            "date_joined",
        ],
        (
            (uid, "!", False, email, name, "nl", True, False, now)
            for uid, email, name, _org in users
        ),
    )
    group_of = {t.id: t.group_id for t in teams}
    copy_rows(
        conn,
        "partners_membership",
        ["user_id", "team_id", "role", "created_at"],
        ((u, t, role, now) for u, t, role in memberships),
    )
    copy_rows(
        conn,
        "portal_user_groups",
        ["user_id", "group_id"],
        ((u, group_of[t]) for u, t, _role in memberships),
    )
    copy_rows(
        conn,
        "partners_agreement",
        [
            "ocmw_id",
            "partner_id",
            "may_refer",
            "may_cohost",
            "may_be_named",
            "valid_from",
            "note",
            "proposed_at",
            "confirmed_at",
            "version",
            "proposed_by_id",
        ],
        (
            (ocmw, partner, True, cohost, named, "2020-01-01", "", now, now, 1, partner)
            for ocmw, partner, cohost, named in agreements
        ),
    )
    copy_rows(
        conn,
        "referrals_responsepolicy",
        ["ocmw_id", "remind_after_days", "escalate_after_days", "expire_after_days"],
        ((o.org_id, 2, 4, 10) for o in ocmws),
    )


def _write_grants(conn, ocmws, teams, memberships, agreements, orgs) -> dict:
    """The grants partners.grants computes, written in bulk (checked by --verify-grants)."""
    perms = dict(
        conn.execute(
            """
            SELECT ct.model || '.' || p.codename, p.id FROM auth_permission p
            JOIN django_content_type ct ON ct.id = p.content_type_id
            WHERE ct.app_label IN ('partners', 'referrals')
            """
        ).fetchall()
    )
    kind_of = {oid: kind for oid, kind, *_rest in orgs}
    owning = {o.org_id: o.org_id for o in ocmws}
    targets: dict[int, set[int]] = {}
    for ocmw, partner, *_flags in agreements:
        targets.setdefault(partner, set()).add(ocmw)
    org_rows, team_rows = [], []
    for t in teams:
        if t.receives:
            team_rows.append((t.group_id, perms["team.receive_referrals"], t.id))
        if t.arrears and kind_of[t.org_id] == "ocmw":
            for perm in ("view_arrears", "change_arrears"):
                org_rows.append((t.group_id, perms[f"organisation.{perm}"], t.org_id))
        if t.submits:
            refer = {owning[t.org_id]} if t.org_id in owning else targets.get(t.org_id, set())
            for ocmw_id in sorted(refer):
                org_rows.append((t.group_id, perms["organisation.refer_to"], ocmw_id))
    copy_rows(
        conn,
        "partners_organisationgroupobjectpermission",
        ["group_id", "permission_id", "content_object_id"],
        org_rows,
    )
    copy_rows(
        conn,
        "partners_teamgroupobjectpermission",
        ["group_id", "permission_id", "content_object_id"],
        team_rows,
    )
    team_by_id = {t.id: t for t in teams}
    partner_kinds = {"ocmw", "internal", "water_company"}
    user_rows = set()
    for user_id, team_id, role in memberships:
        team = team_by_id[team_id]
        if role == "admin":
            user_rows.add((user_id, perms["organisation.manage_members"], team.org_id))
            if kind_of[team.org_id] not in partner_kinds:
                user_rows.add((user_id, perms["organisation.manage_agreements"], team.org_id))
        elif role == "coordinator":
            user_rows.add((user_id, perms["organisation.manage_agreements"], team.org_id))
            if team.plans:
                user_rows.add((user_id, perms["organisation.plan_sessions"], team.org_id))
    copy_rows(
        conn,
        "partners_organisationuserobjectpermission",
        ["user_id", "permission_id", "content_object_id"],
        sorted(user_rows),
    )
    return targets


MFA_SQL = """
    INSERT INTO mfa_authenticator (type, data, user_id, created_at)
    SELECT DISTINCT 'totp', '{"secret": "bench-not-a-real-secret"}'::jsonb, m.user_id, now()
    FROM partners_membership m JOIN partners_team t ON t.id = m.team_id
    WHERE t.handles_arrears OR m.role = 'admin'
    ON CONFLICT DO NOTHING
"""


def add_authenticators(conn) -> None:
    """People who must use two-step login (arrears teams, admins) have set it up."""
    conn.execute(MFA_SQL)


def write_helpers(conn, network: dict) -> None:
    """Small lookup tables the set-based inserts join to (dropped at the end)."""
    conn.execute(
        """
        CREATE TABLE bench_ocmw (
            k int PRIMARY KEY, org_id bigint, postcode_id bigint, water_company_id bigint,
            onthaal_team bigint, watercel_team bigint, opbouw_team bigint,
            wc_first bigint, wc_n int, on_first bigint, on_n int, ob_first bigint, ob_n int,
            p_first bigint, p_n int, venue_id bigint)
        """
    )
    companies = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM partners_organisation WHERE kind = 'water_company' ORDER BY id"
        )
    ]
    rows = []
    for o in network["ocmws"]:
        wc, on, ob = o.teams["watercel"], o.teams["onthaal"], o.teams["opbouw"]
        rows.append(
            (
                o.k,
                o.org_id,
                o.postcode_id,
                companies[o.k % len(companies)],
                on.id,
                wc.id,
                ob.id,
                wc.users[0],
                len(wc.users),
                on.users[0],
                len(on.users),
                ob.users[0],
                len(ob.users),
                o.partner_ids[0] if o.partner_ids else None,
                len(o.partner_ids),
                None,
            )
        )
    copy_rows(
        conn,
        "bench_ocmw",
        [
            "k",
            "org_id",
            "postcode_id",
            "water_company_id",
            "onthaal_team",
            "watercel_team",
            "opbouw_team",
            "wc_first",
            "wc_n",
            "on_first",
            "on_n",
            "ob_first",
            "ob_n",
            "p_first",
            "p_n",
            "venue_id",
        ],
        rows,
    )
    # Referring teams: every partner's volunteers (weighted by activity) and each
    # OCMW's own Samenlevingsopbouw (weighted like a small partner).
    conn.execute(
        """CREATE TABLE bench_rteam (n int PRIMARY KEY, team_id bigint, k int,
        u_first bigint, u_n int)"""
    )
    conn.execute("CREATE TABLE bench_rpick (slot int PRIMARY KEY, n int)")
    conn.execute("CREATE TABLE bench_opick (slot int PRIMARY KEY, k int)")
    referring = [(t, home, act) for t, home, act in network["partner_teams"]]
    largest = network["ocmws"][0].weight
    referring += [(o.teams["opbouw"], o, 0.2 + 2 * o.weight / largest) for o in network["ocmws"]]
    copy_rows(
        conn,
        "bench_rteam",
        ["n", "team_id", "k", "u_first", "u_n"],
        (
            (n, t.id, home.k, t.users[0], len(t.users))
            for n, (t, home, _act) in enumerate(referring, start=1)
        ),
    )
    copy_rows(conn, "bench_rpick", ["slot", "n"], _pick_slots([a for *_x, a in referring], 100_000))
    copy_rows(
        conn,
        "bench_opick",
        ["slot", "k"],
        _pick_slots([o.weight for o in network["ocmws"]], 100_000),
    )
    conn.execute(
        """
        CREATE FUNCTION bench_u(i bigint, salt bigint) RETURNS float8
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT ((hashint8extended(i, salt) % 1000000007 + 1000000007) % 1000000007)
                     / 1000000007.0::float8 $$
        """
    )
    conn.execute(
        "ANALYZE bench_ocmw; ANALYZE bench_rteam; ANALYZE bench_rpick; ANALYZE bench_opick"
    )


def _pick_slots(weights: list[float], slots: int):
    """Slots 0..slots-1 mapped to item numbers (1-based), proportional to the weights."""
    total = sum(weights)
    slot, cumulative = 0, 0.0
    for n, weight in enumerate(weights, start=1):
        cumulative += weight
        end = slots if n == len(weights) else min(slots, round(cumulative / total * slots))
        while slot < end:
            yield (slot, n)
            slot += 1


# --- the large tables, written inside PostgreSQL ----------------------------------------


def u(expr: str, salt: int) -> str:
    return f"bench_u({expr}, {salt})"


def fill_large_tables(conn, scale: Scale, ids: Ids) -> None:
    R, A, T = scale.referrals, scale.cases, scale.attempts
    client0 = ids.take("referrals_client", R + A) - 1
    ref0 = ids.take("referrals_referral", R) - 1
    case0 = ids.take("referrals_case", A) - 1
    perm_exception = conn.execute(
        """SELECT p.id FROM auth_permission p JOIN django_content_type ct
        ON ct.id = p.content_type_id WHERE ct.app_label = 'referrals'
        AND p.codename = 'view_referral_exception'"""
    ).fetchone()[0]
    years = f"interval '{YEARS * 365} days'"
    first_names = "ARRAY[" + ",".join(f"'{n}'" for n in FIRST_NAMES) + "]"
    last_names = "ARRAY[" + ",".join(f"'{n}'" for n in LAST_NAMES) + "]"

    def name_expr(n: str) -> str:
        """Two first names and a double surname: ~900,000 combinations, as varied as life."""
        f, g = len(FIRST_NAMES), len(LAST_NAMES)
        return (
            f"({first_names})[1 + ({n} % {f})] || ' ' || "
            f"({first_names})[1 + (({n} / {f}) % {f})] || ' ' || "
            f"({last_names})[1 + (({n} / {f * f}) % {g})] || '-' || "
            f"({last_names})[1 + (({n} / {f * f * g}) % {g})]"
        )

    picks = conn.execute("SELECT count(*) FROM bench_rpick").fetchone()[0]

    step(
        "referral choices",
        conn,
        f"""
        CREATE TABLE bench_ref AS
        SELECT i, t.team_id AS referring_team, t.k, t.u_first + floor({u("i", 2)} * t.u_n)::bigint
               AS created_by,
               CASE WHEN {u("i", 3)} < 0.6 THEN 'water' WHEN {u("i", 3)} < 0.85 THEN 'energy'
                    ELSE 'other' END AS reason,
               now() - {years} * {u("i", 4)} AS created_at
        FROM generate_series(1, {R}) AS i
        JOIN bench_rpick p ON p.slot = floor({u("i", 1)} * {picks})::int
        JOIN bench_rteam t ON t.n = p.n
    """,
    )
    conn.execute("ALTER TABLE bench_ref ADD PRIMARY KEY (i)")
    step(
        "clients of referrals",
        conn,
        f"""
        INSERT INTO referrals_client (id, full_name, street, phone, email, language,
            interpreter_needed, preferred_channel, preferred_times, voicemail_allowed,
            closed_envelope, trusted_person, created_at, postcode_id, registered_by_team_id)
        SELECT {client0} + r.i, {name_expr("i")}, 'Kerkstraat ' || (i % 150 + 1),
               '0470 ' || lpad((i % 1000000)::text, 6, '0'), '', 'nl', {u("i", 5)} < 0.05,
               (ARRAY['phone','sms','letter','visit','partner'])[1 + (i % 5)], '',
               {u("i", 6)} < 0.4, {u("i", 7)} < 0.15, '', r.created_at, o.postcode_id,
               r.referring_team
        FROM bench_ref r JOIN bench_ocmw o ON o.k = r.k
    """,
    )
    # Status follows age: open only when recent (plus a 1% backlog), closed when old.
    step(
        "referrals",
        conn,
        f"""
        INSERT INTO referrals_referral (id, reason, lac_letter_received, lac_session_date,
            supply_limited, description, offers_to_accompany, accompany_availability,
            contact_via, status, appointment_at, appointment_place, outcome, refusal_reason,
            created_at, submitted_at, acknowledged_at, first_contact_at, closed_at,
            version, assigned_to_id, client_id, created_by_id, receiving_ocmw_id,
            receiving_team_id, referring_team_id)
        SELECT {ref0} + i, reason, {u("i", 8)} < 0.2, NULL, {u("i", 9)} < 0.05,
               'Mevrouw vraagt hulp bij haar waterfactuur en wil graag langskomen.',
               {u("i", 10)} < 0.3, '', 'direct', status,
               CASE WHEN status = 'appointment' THEN created_at + interval '10 days' END,
               CASE WHEN status = 'appointment' THEN 'Loket 2' ELSE '' END,
               CASE WHEN status = 'closed' THEN
                   (ARRAY['helped','helped','referred_on','declined','unreachable'])[1 + i % 5]
                   ELSE '' END,
               CASE WHEN status = 'refused' THEN 'already_known' ELSE '' END,
               created_at,
               CASE WHEN status <> 'draft' THEN created_at + interval '5 minutes' END,
               CASE WHEN status NOT IN ('draft', 'submitted', 'withdrawn', 'expired')
                    THEN created_at + interval '1 day' END,
               CASE WHEN status IN ('contact_made', 'appointment', 'closed')
                    THEN created_at + interval '3 days' END,
               CASE WHEN status IN ('closed', 'refused', 'withdrawn', 'expired')
                    THEN created_at + interval '20 days' END,
               1,
               CASE WHEN status NOT IN ('draft', 'submitted', 'withdrawn', 'expired') THEN
                   CASE WHEN reason = 'other'
                        THEN o.on_first + floor({u("i", 11)} * o.on_n)::bigint
                        ELSE o.wc_first + floor({u("i", 11)} * o.wc_n)::bigint END END,
               {client0} + i, created_by, o.org_id,
               CASE WHEN reason = 'other' THEN o.onthaal_team ELSE o.watercel_team END,
               referring_team
        FROM (
            SELECT r.*, CASE
                WHEN {u("i", 12)} < 0.03 THEN 'draft'
                WHEN r.created_at > now() - interval '3 days' THEN
                    CASE WHEN {u("i", 13)} < 0.6 THEN 'submitted' ELSE 'acknowledged' END
                WHEN r.created_at > now() - interval '30 days' OR {u("i", 13)} < 0.01 THEN
                    (ARRAY['acknowledged','contact_made','contact_made','appointment',
                           'closed','closed','refused'])[1 + floor({u("i", 14)} * 7)::int]
                ELSE (ARRAY['closed','closed','closed','closed','closed','closed','closed',
                            'closed','refused','withdrawn','expired','closed','closed',
                            'closed','closed','closed','closed','closed','closed','closed'])
                     [1 + floor({u("i", 14)} * 20)::int]
                END AS status
            FROM bench_ref r
        ) r JOIN bench_ocmw o ON o.k = r.k
    """,
    )
    step(
        "consents",
        conn,
        f"""
        INSERT INTO referrals_consent (id, share_details, ocmw_may_contact, feedback, method,
            given_by, given_at, text_version, recorded_by_id, referral_id)
        SELECT {ref0} + i, true, true, CASE WHEN i % 20 = 0 THEN 'none' ELSE 'status' END,
               CASE WHEN i % 3 = 0 THEN 'signed' ELSE 'spoken' END, 'de cliënt', created_at,
               '2026-1', created_by, {ref0} + i
        FROM bench_ref
    """,
    )
    step(
        "timeline",
        conn,
        f"""
        INSERT INTO referrals_timelineentry (at, action, from_status, to_status, message,
            visible_to_referrer, actor_id, referral_id)
        SELECT submitted_at, 'submit', 'draft', 'submitted', '', true, created_by_id, id
        FROM referrals_referral WHERE id > {ref0} AND status <> 'draft'
        UNION ALL
        SELECT coalesce(closed_at, first_contact_at, acknowledged_at, submitted_at),
               'status', 'submitted', status, '', true, assigned_to_id, id
        FROM referrals_referral WHERE id > {ref0} AND status NOT IN ('draft', 'submitted')
    """,
    )
    # Exceptions: 1% shared with another OCMW team, 0.5% with an accompanying worker.
    step(
        "referral exception grants",
        conn,
        f"""
        INSERT INTO referrals_referralgroupobjectpermission (group_id, permission_id,
            content_object_id)
        SELECT t.group_id, {perm_exception}, {ref0} + i
        FROM bench_ref r JOIN bench_ocmw o ON o.k = r.k
        JOIN partners_team t ON t.id = o.onthaal_team
        WHERE {u("i", 15)} < 0.01;
        INSERT INTO referrals_referraluserobjectpermission (user_id, permission_id,
            content_object_id)
        SELECT o.ob_first, {perm_exception}, {ref0} + i
        FROM bench_ref r JOIN bench_ocmw o ON o.k = r.k
        WHERE {u("i", 16)} < 0.005
    """,
    )

    # Cases: 20% come from a referral (same client), the rest from the LAC list or walk-in.
    step(
        "case choices",
        conn,
        f"""
        CREATE TABLE bench_case AS
        SELECT j, CASE WHEN {u("j", 21)} < 0.2 THEN 'referral'
                       WHEN {u("j", 21)} < 0.9 THEN 'lac_list' ELSE 'walk_in' END AS origin,
               1 + floor({u("j", 22)} * {R})::bigint AS ref_i,
               (SELECT k FROM bench_opick WHERE slot = floor({u("j", 23)} * 100000)::int) AS pk
        FROM generate_series(1, {A}) AS j
    """,
    )
    conn.execute(f"""
        ALTER TABLE bench_case ADD COLUMN k int, ADD COLUMN client_id bigint,
            ADD COLUMN created_at timestamptz, ADD COLUMN referral_id bigint;
        UPDATE bench_case c SET k = r.k, client_id = {client0} + r.i,
            created_at = r.created_at + interval '2 days', referral_id = {ref0} + r.i
        FROM bench_ref r WHERE c.origin = 'referral' AND r.i = c.ref_i;
        UPDATE bench_case SET k = pk, client_id = {client0} + {R} + j,
            created_at = now() - {years} * {u("j", 24)} WHERE origin <> 'referral';
        UPDATE bench_case SET created_at = now() - interval '1 hour' WHERE created_at > now();
        ALTER TABLE bench_case ADD PRIMARY KEY (j);
        ANALYZE bench_case;
    """)
    step(
        "clients of LAC-list cases",
        conn,
        f"""
        INSERT INTO referrals_client (id, full_name, street, phone, email, language,
            interpreter_needed, preferred_channel, preferred_times, voicemail_allowed,
            closed_envelope, trusted_person, created_at, postcode_id, registered_by_team_id)
        SELECT c.client_id, {name_expr(f"(j + {R})")},
               'Molenstraat ' || (j % 150 + 1),
               '', '', 'nl', false, 'letter', '', {u("j", 25)} < 0.3, {u("j", 26)} < 0.15, '',
               c.created_at, o.postcode_id, o.watercel_team
        FROM bench_case c JOIN bench_ocmw o ON o.k = c.k WHERE c.origin <> 'referral'
    """,
    )
    step(
        "cases",
        conn,
        f"""
        INSERT INTO referrals_case (id, origin, status, reached_at, created_at, version,
            client_id, ocmw_id, team_id, worker_id)
        SELECT {case0} + j, origin, status,
               CASE WHEN status <> 'open' THEN created_at + interval '12 days' END,
               created_at, 1, client_id, o.org_id, o.watercel_team,
               o.wc_first + floor({u("j", 27)} * o.wc_n)::bigint
        FROM (SELECT c.*, CASE
                WHEN c.created_at > now() - interval '90 days' THEN
                    CASE WHEN {u("j", 28)} < 0.6 THEN 'open' ELSE 'reached' END
                ELSE CASE WHEN {u("j", 28)} < 0.7 THEN 'closed'
                          WHEN {u("j", 28)} < 0.9 THEN 'reached' ELSE 'open' END
                END AS status FROM bench_case c) c
        JOIN bench_ocmw o ON o.k = c.k;
        INSERT INTO referrals_case_referrals (case_id, referral_id)
        SELECT {case0} + j, referral_id FROM bench_case WHERE origin = 'referral';
    """,
    )
    step(
        "arrears records",
        conn,
        f"""
        INSERT INTO referrals_arrearsrecord (customer_number, amount_outstanding,
            protected_customer, flow_limiter_since, justification_note, updated_at, version,
            water_company_id, case_id)
        SELECT 'K' || lpad(j::text, 9, '0'), round((50 + {u("j", 31)} * 2500)::numeric, 2),
               {u("j", 32)} < 0.3,
               CASE WHEN {u("j", 33)} < 0.1 THEN (c.created_at - interval '30 days')::date END,
               'Achterstal sinds drie facturen.', c.created_at, 1, o.water_company_id, {case0} + j
        FROM bench_case c JOIN bench_ocmw o ON o.k = c.k
    """,
    )
    step(
        "case notes",
        conn,
        f"""
        INSERT INTO referrals_casenote (text, created_at, author_id, case_id)
        SELECT 'Gebeld, geen antwoord. Volgende week opnieuw proberen.',
               c.created_at + interval '1 day' * n,
               o.wc_first + floor({u("j * 7 + n", 34)} * o.wc_n)::bigint,
               {case0} + j
        FROM bench_case c JOIN bench_ocmw o ON o.k = c.k, generate_series(1, 2) AS n
        WHERE n = 1 OR {u("j", 35)} < 0.5
    """,
    )
    # LAC sessions: one a month per OCMW over the years, and two planned ahead.
    months = YEARS * 12 + 2
    session0 = ids.take("referrals_lacsession", 285 * months + 1) - 1
    step(
        "LAC sessions and agendas",
        conn,
        f"""
        INSERT INTO referrals_lacsession (id, date, members_present, status,
            escalate_days_before, ocmw_id)
        SELECT {session0} + (o.k - 1) * {months} + m,
               (date_trunc('month', now()) - interval '{YEARS * 12 - 1} months'
                + interval '1 month' * (m - 1) + interval '14 days')::date,
               '', CASE WHEN m <= {YEARS * 12 - 1} THEN 'held' ELSE 'planned' END, 10, o.org_id
        FROM bench_ocmw o, generate_series(1, {months}) AS m;
        INSERT INTO referrals_agendaitem (position, decision, motivation, case_id, session_id)
        SELECT row_number() OVER (PARTITION BY s ORDER BY j)::int % 30000, '', '', {case0} + j, s
        FROM (SELECT j, {session0} + (c.k - 1) * {months} + least({months}, greatest(1,
                  {YEARS * 12} - floor(extract(epoch FROM now() - c.created_at) / 2629800)::int
              )) AS s
              FROM bench_case c WHERE c.origin = 'lac_list') x
    """,
    )
    per_case = T / A
    step(
        f"contact attempts ({T:,})",
        conn,
        f"""
        INSERT INTO referrals_contactattempt (channel, with_logo, in_envelope, mentions_cutoff,
            moment, outcome, note, created_at, case_id, ocmw_id, partner_id, worker_id)
        SELECT channel,
               CASE WHEN paper THEN {u("t", 43)} < 0.5 END,
               CASE WHEN paper THEN {u("t", 44)} < 0.7 END,
               CASE WHEN paper THEN {u("t", 45)} < 0.4 END,
               moment,
               CASE WHEN {u("t", 46)} < reach THEN
                        (ARRAY['reached','appointment','client_came'])[1 + t % 3]
                    WHEN channel IN ('phone') THEN
                        (ARRAY['no_answer','voicemail','wrong_number'])[1 + t % 3]
                    WHEN paper THEN (ARRAY['delivered','delivered','returned'])[1 + t % 3]
                    ELSE 'no_answer' END,
               '', moment, case_id, ocmw_id,
               CASE WHEN channel = 'via_partner' THEN partner END, worker
        FROM (
            SELECT t, ch.channel, ch.reach, ch.channel IN ('letter','card_handwritten',
                   'card_printed') AS paper, {case0} + c.j AS case_id, o.org_id AS ocmw_id,
                   CASE WHEN o.p_n > 0 THEN o.p_first + floor({u("t", 47)} * o.p_n)::bigint
                   END AS partner,
                   o.wc_first + floor({u("t", 48)} * o.wc_n)::bigint AS worker,
                   least(now() - interval '1 hour',
                         date_trunc('day', c.created_at) + interval '1 day' * floor(
                             {u("t", 49)} * 60)
                         + interval '1 hour' * (8 + floor({u("t", 50)} * 12))
                         + interval '1 minute' * floor({u("t", 51)} * 60)) AS moment
            FROM generate_series(1, {T}) AS t
            JOIN bench_case c ON c.j = 1 + floor({u("t", 41)} * {A})::bigint
            JOIN bench_ocmw o ON o.k = c.k
            JOIN (VALUES (0, 'letter', 0.08), (1, 'phone', 0.35), (2, 'phone', 0.35),
                         (3, 'sms', 0.2), (4, 'email', 0.1), (5, 'card_handwritten', 0.18),
                         (6, 'card_printed', 0.1), (7, 'visit_announced', 0.45),
                         (8, 'visit_unannounced', 0.3), (9, 'appointment_offered', 0.25),
                         (10, 'via_partner', 0.5), (11, 'letter', 0.08))
                 AS ch(n, channel, reach) ON ch.n = floor({u("t", 42)} * 12)::int
        ) x
    """,
    )
    # The daily tallies the what-works report reads, counted as outreach.log_attempt
    # counts them: local day and time of day (TIME_ZONE is Europe/Brussels).
    step(
        "attempt tallies",
        conn,
        """
        INSERT INTO referrals_attempttally (ocmw_id, day, channel, with_logo, in_envelope,
            mentions_cutoff, slot, attempts, reached)
        SELECT ocmw_id, local::date, channel, with_logo, in_envelope, mentions_cutoff,
               CASE WHEN extract(hour FROM local) < 12 THEN 'morning'
                    WHEN extract(hour FROM local) < 17 THEN 'afternoon' ELSE 'evening' END,
               count(*), count(*) FILTER (WHERE outcome IN ('reached', 'appointment',
                                                            'client_came'))
        FROM (SELECT *, moment AT TIME ZONE 'Europe/Brussels' AS local
              FROM referrals_contactattempt) a
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    """,
    )
    del per_case
    fill_training(conn, scale, ids)


def fill_training(conn, scale: Scale, ids: Ids) -> None:
    S = scale.sessions
    per = scale.registrations_per_session
    venue0 = ids.take("training_venue", 285) - 1
    session0 = ids.take("training_session", S) - 1
    step(
        "venues",
        conn,
        f"""
        INSERT INTO training_venue (id, name, street, capacity, accessibility, directions,
            is_active, created_at, version, organisation_id, postcode_id)
        SELECT {venue0} + k, 'Grote zaal', 'Marktplein 1', 60, 'Gelijkvloers, aangepast toilet',
               '', true, now(), 1, org_id, postcode_id FROM bench_ocmw;
        UPDATE bench_ocmw SET venue_id = {venue0} + k;
        SELECT setval(pg_get_serial_sequence('training_venue', 'id'), max(id)) FROM training_venue;
        INSERT INTO training_venue (name, street, capacity, accessibility, directions,
            is_active, created_at, version, organisation_id, postcode_id)
        SELECT 'Ontmoetingsruimte', street, 25, '', '', true, now(), 1, id, postcode_id
        FROM partners_organisation WHERE offers LIKE '%venue%' AND kind <> 'ocmw'
    """,
    )
    years = f"interval '{YEARS * 365 + 60} days'"
    step(
        f"information sessions ({S:,})",
        conn,
        f"""
        INSERT INTO training_session (id, title, topics, other_topic, audience, language,
            starts_at, ends_at, capacity, description, practical_info, interpretation, status,
            published_at, cancelled_at, cancellation_reason, people_reached, walk_ins,
            created_at, updated_at, version, created_by_id, organisation_id,
            organising_team_id, venue_id)
        SELECT {session0} + s,
               (ARRAY['Je waterfactuur lezen','Water en energie besparen',
                      'Hoe werkt de LAC?','Alle hulp op een rij'])[1 + s % 4],
               (ARRAY['water_bill','saving','lac','aid_offer'])[1 + s % 4], '',
               CASE WHEN s % 5 = 0 THEN 'partner_staff' ELSE 'residents' END, 'nl',
               starts_at, starts_at + interval '2 hours', 30,
               'We leggen uit hoe je je waterfactuur leest.', '', '',
               CASE WHEN starts_at < now() THEN
                        CASE WHEN {u("s", 62)} < 0.9 THEN 'held' ELSE 'cancelled' END
                    ELSE CASE WHEN {u("s", 62)} < 0.75 THEN 'published'
                              WHEN {u("s", 62)} < 0.85 THEN 'full' ELSE 'draft' END END,
               starts_at - interval '30 days', NULL, '', NULL, 0,
               starts_at - interval '40 days', starts_at - interval '40 days', 1,
               o.wc_first, o.org_id, o.watercel_team, o.venue_id
        FROM (SELECT s, (SELECT k FROM bench_opick WHERE slot = floor({u("s", 60)} * 100000)::int)
                     AS k,
                     date_trunc('day', now() - interval '{YEARS * 365} days'
                                       + {years} * {u("s", 61)})
                     + interval '1 hour' * (9 + s % 8) AS starts_at
              FROM generate_series(1, {S}) AS s) x
        JOIN bench_ocmw o ON o.k = x.k
    """,
    )
    conn.execute(
        """CREATE TABLE bench_porg AS
        SELECT t.organisation_id, min(m.user_id) AS user_id
        FROM partners_team t JOIN partners_membership m ON m.team_id = t.id
        GROUP BY t.organisation_id;
        ALTER TABLE bench_porg ADD PRIMARY KEY (organisation_id);
        ANALYZE bench_porg"""
    )
    step(
        "co-hosts and registrations",
        conn,
        f"""
        INSERT INTO training_cohost (added_at, added_by_id, organisation_id, session_id)
        SELECT s.created_at, s.created_by_id,
               o.p_first + floor({u("s.id", 63)} * o.p_n)::bigint, s.id
        FROM training_session s JOIN bench_ocmw o ON o.org_id = s.organisation_id
        WHERE s.id > {session0} AND o.p_n > 0 AND {u("s.id", 64)} < 0.3;
        INSERT INTO training_registration (kind, places, participant_name, phone, email,
            consent_at, status, created_at, confirmed_at, organisation_id, registered_by_id,
            session_id)
        SELECT CASE WHEN named THEN 'named' ELSE 'headcount' END,
               CASE WHEN named THEN 1 ELSE 1 + (r % 4) END,
               CASE WHEN named THEN 'Deelnemer ' || r ELSE '' END, '', '',
               CASE WHEN named THEN s.created_at END,
               CASE WHEN {u("s.id * 100 + r", 66)} < 0.9 THEN 'confirmed'
                    WHEN {u("s.id * 100 + r", 66)} < 0.95 THEN 'waiting' ELSE 'cancelled' END,
               s.created_at + interval '1 day' * r, s.created_at + interval '1 day' * r,
               p.organisation_id, p.user_id, s.id
        FROM (SELECT s.*, o.p_first, o.p_n FROM training_session s
              JOIN bench_ocmw o ON o.org_id = s.organisation_id
              WHERE s.id > {session0} AND s.status <> 'draft' AND o.p_n > 0) s,
             generate_series(1, {per}) AS r,
             LATERAL (SELECT {u("s.id * 100 + r", 65)} < 0.3 AS named) n,
             bench_porg p
        WHERE p.organisation_id = s.p_first + floor({u("s.id * 100 + r", 67)} * s.p_n)::bigint
    """,
    )


def step(label: str, conn, sql: str) -> None:
    started = time.monotonic()
    conn.execute(sql)
    conn.commit()
    log(f"{label}: {time.monotonic() - started:.1f} s")


# --- orchestration --------------------------------------------------------------------


def secondary_indexes(conn, tables: list[str]) -> list[tuple[str, str]]:
    """Indexes not backing a primary key or constraint: safe to drop and recreate."""
    return conn.execute(
        """
        SELECT ic.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE c.relname = ANY(%s) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
        ORDER BY c.relname, ic.relname
        """,
        [tables],
    ).fetchall()


def reset_sequences(conn) -> None:
    tables = conn.execute(
        """
        SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relkind = 'r' AND a.attname = 'id' AND a.attidentity <> ''
          AND c.relnamespace = 'public'::regnamespace
        """
    ).fetchall()
    for (table,) in tables:
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"greatest(coalesce(max(id), 0), 1)) FROM {table}"
        )


# What docs/deployment.md recommends for production, set on the bench database only
# (shared_buffers cannot be set per database; the server keeps its own).
DATABASE_SETTINGS = {"work_mem": "32MB", "jit": "off", "random_page_cost": "1.1"}


def tune_database(admin, database: str) -> None:
    for name, value in DATABASE_SETTINGS.items():
        admin.execute(f"ALTER DATABASE \"{database}\" SET {name} = '{value}'")


def manage(database_url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT
    )


def verify_grants(database_url: str) -> None:
    """Ask partners.grants itself whether the bulk-written grants are what it would write."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    code = (
        "import django; django.setup()\n"
        "from partners.grants import rebuild_grants\n"
        "from django.db import transaction\n"
        "with transaction.atomic():\n"
        "    report = rebuild_grants()\n"
        "    print('grants: %d to add, %d to remove' % (report.added, report.removed))\n"
        "    print('\\n'.join(report.changes[:10]))\n"
        "    transaction.set_rollback(True)\n"
        "raise SystemExit(1 if report.changed else 0)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)  # noqa: S603


def generate(scale_name: str, database: str, server: str, seed: int, verify: bool) -> None:
    scale = SCALES[scale_name]
    started = time.monotonic()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
    url = f"{server}/{database}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        tune_database(admin, database)
    log(f"created {database}; migrating")
    manage(url, "migrate", "-v0", "--skip-checks")
    manage(url, "load_municipalities", "-v0", "--skip-checks")
    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK triggers while loading
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET work_mem = '256MB'")
        conn.execute("SET maintenance_work_mem = '1GB'")
        indexes = secondary_indexes(conn, LARGE_TABLES)
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()
        network = build_network(conn, scale, seed)
        conn.commit()
        log(
            f"network: {len(network['ocmws'])} OCMWs, {network['organisations']} organisations, "
            f"{network['teams']} teams, {network['users']} users"
        )
        add_authenticators(conn)
        for table in NETWORK_TABLES:
            conn.execute(f"ANALYZE {table}")
        write_helpers(conn, network)
        conn.commit()
        fill_large_tables(conn, scale, network["ids"])
        conn.execute("SET max_parallel_maintenance_workers = 2")
        index_started = time.monotonic()
        for _name, definition in indexes:
            conn.execute(definition)
            conn.commit()
        log(f"{len(indexes)} indexes rebuilt: {time.monotonic() - index_started:.1f} s")
        for table in ("bench_ocmw", "bench_rteam", "bench_rpick", "bench_opick"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DROP TABLE bench_ref; DROP TABLE bench_case; DROP TABLE bench_porg")
        conn.execute("DROP FUNCTION bench_u")
        reset_sequences(conn)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "portal_user",
                "partners_organisation",
                "referrals_referral",
                "referrals_contactattempt",
                "referrals_arrearsrecord",
                "training_session",
                "training_registration",
            )
        }
    log(f"vacuum analyze done; {counts}")
    if verify:
        verify_grants(url)
    log(f"generated {scale_name} world in {database} in {time.monotonic() - started:.0f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--database", help="default: lac_bench (full) or lac_bench_small")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--verify-grants",
        action="store_true",
        help="check with partners.grants.rebuild_grants that the bulk grants are exact",
    )
    args = parser.parse_args(argv)
    database = args.database or ("lac_bench" if args.scale == "full" else "lac_bench_small")
    generate(args.scale, database, args.server, args.seed, args.verify_grants)


if __name__ == "__main__":
    main()
