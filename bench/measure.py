"""Measure the main pages on the benchmark database and write docs/benchmarks.md.

    .venv/bin/python bench/measure.py --scale full      # after bench/generate.py --scale full

For each page, logged in as a typical user of the role (and, where volume
differs a lot, the busiest one): the number of SQL queries per request, the
server time (p50/p95 over repeated requests through Django's full middleware
stack, in this process), the time spent in SQL, the EXPLAIN (ANALYZE, BUFFERS)
plan of the page's main query with any sequential scan on a large table
flagged, and the hand-written SQL that fetches the same rows (the floor).

The results go between the markers in docs/benchmarks.md; the text around them
(what the numbers mean, which targets are missed and why) is kept.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
LARGE_TABLE_ROWS = 100_000
LOAD = ["?"]

TARGETS = {
    "list": {"queries": 8, "p95_ms": 30.0, "floor_ratio": 3.0},
    "detail": {"queries": None, "p95_ms": 30.0, "floor_ratio": 3.0},
    "report": {"queries": None, "p95_ms": 300.0, "floor_ratio": 3.0},
    "import": {"queries": None, "p95_ms": 5000.0, "floor_ratio": None},
}


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # Measure what production runs: no debug toolbar of any kind, no query log.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("TASK_BACKEND", "dummy")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


@dataclass
class QueryLog:
    """Counts and times every query of a request (``connection.execute_wrapper``)."""

    queries: list[tuple[str, object, float]] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, time.perf_counter() - started))

    @property
    def seconds(self) -> float:
        return sum(q[2] for q in self.queries)


@dataclass
class Page:
    key: str
    title: str
    kind: str  # list / detail / report / import
    who: str
    run: Callable[[], object]
    main: str  # a fragment that identifies the page's main query
    floor_sql: str = ""
    floor_params: list | tuple = ()
    note: str = ""


@dataclass
class Result:
    page: Page
    queries: int = 0
    p50: float = 0.0
    p95: float = 0.0
    sql_p50: float = 0.0
    cpu_p50: float = 0.0  # Python CPU time in this process: not inflated by waiting
    floor_p50: float | None = None
    rows: int | None = None
    floor_rows: int | None = None
    plan: str = ""
    seq_scans: list[str] = field(default_factory=list)
    main_sql: str = ""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def large_tables() -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
            [LARGE_TABLE_ROWS],
        )
        return {row[0] for row in cursor.fetchall()}


def explain(
    sql: str, params, large: set[str], *, index_paths_only: bool = False
) -> tuple[str, list[str]]:
    """The plan of a query and the large tables it reads from end to end.

    With ``index_paths_only`` the planner is told to avoid sequential scans: a full
    scan that remains (sequential, or an index walked end to end for its order)
    means no index can serve the query's condition. That holds at any scale, so the
    small CI world checks what the full one needs."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if index_paths_only:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    if isinstance(plan, str):
        plan = json.loads(plan)
    seq = []

    def walk(node):
        if node.get("Relation Name") in large and _reads_everything(node):
            seq.append(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return text, seq


def _reads_everything(node: dict) -> bool:
    """A sequential scan, or an index walked from end to end while rows are filtered
    out (an index used only for its order: as costly as a sequential scan)."""
    kind = node.get("Node Type")
    if kind == "Seq Scan":
        return True
    return (
        kind in ("Index Scan", "Index Only Scan")
        and not node.get("Index Cond")
        and bool(node.get("Filter"))
    )


def time_floor(sql: str, params, repeat: int) -> tuple[float, int]:
    from django.db import connection

    durations, rows = [], 0
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = len(cursor.fetchall())
            durations.append(time.perf_counter() - started)
    return statistics.median(durations), rows


def measure(page: Page, repeat: int, large: set[str]) -> Result:
    from django.db import connection

    result = Result(page)
    for _ in range(2):  # warm caches and the connection
        page.run()
    logs, durations, cpu = [], [], []
    for _ in range(repeat):
        log = QueryLog()
        with connection.execute_wrapper(log):
            started, cpu_started = time.perf_counter(), time.process_time()
            page.run()
            durations.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        logs.append(log)
    result.cpu_p50 = statistics.median(cpu)
    last = logs[-1]
    result.queries = len(last.queries)
    result.p50 = statistics.median(durations)
    result.p95 = percentile(durations, 0.95)
    result.sql_p50 = statistics.median(log.seconds for log in logs)
    candidates = [q for q in last.queries if page.main in q[0]] or last.queries
    sql, params, _t = max(candidates, key=lambda q: q[2])
    result.main_sql = sql
    result.plan, result.seq_scans = explain(sql, params, large)
    if page.floor_sql:
        result.floor_p50, result.floor_rows = time_floor(page.floor_sql, page.floor_params, repeat)
    return result


def check(pages: list[Page]) -> list[str]:
    """For CI, on the small world: query counts and plans, never wall time.

    Each page is requested once to warm up and once counted. The page must stay
    within its query budget, and no SELECT it sends may need a sequential scan on a
    table that is large at Flanders scale (``generate.LARGE_TABLES``): every one is
    explained with sequential scans discouraged, so a full scan that remains has no
    index to use."""
    from django.db import connection
    from generate import LARGE_TABLES

    large = set(LARGE_TABLES)
    failures = []
    for page in pages:
        page.run()
        log = QueryLog()
        with connection.execute_wrapper(log):
            page.run()
        budget = TARGETS[page.kind]["queries"]
        problems = []
        if budget is not None and len(log.queries) > budget:
            problems.append(f"{len(log.queries)} queries, more than {budget}")
        explained = set()
        for sql, params, _seconds in log.queries:
            if not sql.lstrip().upper().startswith("SELECT") or sql in explained:
                continue
            explained.add(sql)
            _plan, seq = explain(sql, params, large, index_paths_only=True)
            if seq:
                problems.append(f"no index for {', '.join(sorted(set(seq)))}: {sql[:200]}")
        print(
            f"{page.key:24} {len(log.queries):3d} queries, {len(explained):3d} plans: "
            + ("ok" if not problems else "FAILED"),
            flush=True,
        )
        failures += [f"{page.key}: {problem}" for problem in problems]
    return failures


# --- who and what ------------------------------------------------------------------------


def one(sql: str, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def pick_people() -> dict:
    """Typical users: the median team by volume; busiest: the largest."""
    people = {}
    teams = one(
        """
        WITH per_team AS (
            SELECT r.referring_team_id AS team, count(*) AS n
            FROM referrals_referral r JOIN partners_team t ON t.id = r.referring_team_id
            JOIN partners_organisation o ON o.id = t.organisation_id
            WHERE o.kind NOT IN ('ocmw', 'internal')
            GROUP BY 1)
        SELECT (SELECT team FROM per_team ORDER BY n, team
                OFFSET (SELECT count(*) / 2 FROM per_team) LIMIT 1),
               (SELECT team FROM per_team ORDER BY n DESC, team LIMIT 1)
        """
    )
    for label, team in zip(("partner", "partner_busiest"), teams, strict=True):
        people[label] = one(
            """SELECT m.user_id, (SELECT count(*) FROM referrals_referral
                                   WHERE referring_team_id = %s)
            FROM partners_membership m WHERE m.team_id = %s
            ORDER BY m.role = 'admin', m.user_id LIMIT 1""",
            [team, team],
        )
    ocmws = one(
        """
        WITH per_ocmw AS (
            SELECT receiving_ocmw_id AS ocmw, count(*) AS n FROM referrals_referral GROUP BY 1)
        SELECT (SELECT ocmw FROM per_ocmw ORDER BY n, ocmw
                OFFSET (SELECT count(*) / 2 FROM per_ocmw) LIMIT 1),
               (SELECT ocmw FROM per_ocmw ORDER BY n DESC, ocmw LIMIT 1)
        """
    )
    for label, ocmw in zip(("ocmw", "ocmw_busiest"), ocmws, strict=True):
        worker, coordinator, team = one(
            """
            SELECT (SELECT user_id FROM partners_membership WHERE team_id = t.id
                    AND role = 'member' ORDER BY user_id LIMIT 1),
                   (SELECT user_id FROM partners_membership WHERE team_id = t.id
                    AND role = 'coordinator' ORDER BY user_id LIMIT 1), t.id
            FROM partners_team t WHERE t.organisation_id = %s AND t.handles_arrears
            ORDER BY t.id LIMIT 1
            """,
            [ocmw],
        )
        name, referrals_year, attempts_year = one(
            """SELECT o.name,
                 (SELECT count(*) FROM referrals_referral WHERE receiving_ocmw_id = o.id
                  AND submitted_at >= now() - interval '365 days'),
                 (SELECT count(*) FROM referrals_contactattempt WHERE ocmw_id = o.id
                  AND moment >= now() - interval '365 days')
               FROM partners_organisation o WHERE o.id = %s""",
            [ocmw],
        )
        case = one(
            """SELECT c.id, (SELECT count(*) FROM referrals_contactattempt a
                             WHERE a.case_id = c.id)
               FROM referrals_case c WHERE c.ocmw_id = %s AND c.origin = 'lac_list'
               ORDER BY c.created_at DESC LIMIT 1""",
            [ocmw],
        )
        people[label] = {
            "ocmw": ocmw,
            "name": name,
            "worker": worker,
            "coordinator": coordinator,
            "team": team,
            "referrals_year": referrals_year,
            "attempts_year": attempts_year,
            "case": case,
        }
    return people


def lac_csv(ocmw_id: int, rows: int) -> bytes:
    """A water company's LAC list for one OCMW: a third known accounts, the rest new."""
    from partners.models import Organisation, Postcode
    from referrals.cases.models import ArrearsRecord

    rng = random.Random(11)
    ocmw = Organisation.objects.get(pk=ocmw_id)
    postcodes = list(
        Postcode.objects.filter(municipality__in=ocmw.serves.all()).values_list("code", "name")
    )
    known = list(
        ArrearsRecord.objects.filter(case__ocmw=ocmw)
        .select_related("water_company")
        .order_by("-case__created_at")[: rows // 3]
    )
    company = Organisation.objects.filter(kind="water_company").order_by("pk").first()
    out = io.StringIO()
    out.write("watermaatschappij;klantnummer;naam;straat;postcode;gemeente;bedrag;sociaal_tarief\n")
    for record in known:
        code, place = rng.choice(postcodes)
        amount = f"{record.amount_outstanding + 10:.2f}".replace(".", ",")
        out.write(
            f"{record.water_company.name};{record.customer_number};Klant {record.pk};"
            f"Stationsstraat 1;{code};{place};{amount};nee\n"
        )
    for n in range(rows - len(known)):
        code, place = rng.choice(postcodes)
        out.write(
            f"{company.name};NEW{ocmw_id:04d}{n:07d};Nieuwe Klant {n};Kerkstraat {n % 90 + 1};"
            f"{code};{place};{rng.randint(50, 3000)},{rng.randint(0, 99):02d};ja\n"
        )
    return out.getvalue().encode()


def build_pages(people: dict) -> list[Page]:
    from django.test import Client
    from django.urls import reverse

    from partners.models import Organisation
    from portal.core.models import User
    from referrals.cases.models import LacSession

    def client_for(user_id: int) -> Client:
        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        return client

    def getter(client: Client, url: str) -> Callable[[], object]:
        def run():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code}")
            return response

        return run

    pages: list[Page] = []
    for label, tag in (("partner", "typical"), ("partner_busiest", "busiest")):
        user_id, volume = people[label]
        client = client_for(user_id)
        teams = [
            t
            for (t,) in _rows(
                "SELECT team_id FROM partners_membership WHERE user_id = %s", [user_id]
            )
        ]
        pages.append(
            Page(
                f"my_referrals_{tag}",
                "Partner: my referrals",
                "list",
                f"partner worker, {tag} team ({volume:,} referrals)",
                getter(client, reverse("my_referrals")),
                'FROM "referrals_referral"',
                f"""SELECT r.id, r.status, r.reason, r.created_at, r.submitted_at, c.full_name,
                          pc.code, t.name, o.name, rt.name, ro.name, u.full_name, cs.feedback
                   FROM referrals_referral r
                   JOIN referrals_client c ON c.id = r.client_id
                   JOIN partners_postcode pc ON pc.id = c.postcode_id
                   JOIN partners_team t ON t.id = r.referring_team_id
                   JOIN partners_organisation o ON o.id = t.organisation_id
                   JOIN partners_team rt ON rt.id = r.receiving_team_id
                   JOIN partners_organisation ro ON ro.id = r.receiving_ocmw_id
                   LEFT JOIN portal_user u ON u.id = r.assigned_to_id
                   LEFT JOIN referrals_consent cs ON cs.referral_id = r.id
                   WHERE r.referring_team_id IN ({_marks(teams)})
                   ORDER BY r.created_at DESC, r.id DESC LIMIT 26""",
                teams,
            )
        )
    for label, tag in (("ocmw", "typical"), ("ocmw_busiest", "busiest")):
        info = people[label]
        worker = client_for(info["worker"])
        teams = [
            t
            for (t,) in _rows(
                "SELECT team_id FROM partners_membership WHERE user_id = %s", [info["worker"]]
            )
        ]
        who = f"{info['name']}: {info['referrals_year']:,} referrals/year"
        pages.append(
            Page(
                f"inbox_{tag}",
                "OCMW: team inbox (open)",
                "list",
                f"social worker, {tag} OCMW ({who})",
                getter(worker, reverse("referral_inbox")),
                'FROM "referrals_referral"',
                f"""SELECT r.id, r.status, r.reason, r.submitted_at, r.acknowledged_at,
                          c.full_name, pc.code, t.name, o.name, rt.name, ro.name, u.full_name
                   FROM referrals_referral r
                   JOIN referrals_client c ON c.id = r.client_id
                   JOIN partners_postcode pc ON pc.id = c.postcode_id
                   JOIN partners_team t ON t.id = r.referring_team_id
                   JOIN partners_organisation o ON o.id = t.organisation_id
                   JOIN partners_team rt ON rt.id = r.receiving_team_id
                   JOIN partners_organisation ro ON ro.id = r.receiving_ocmw_id
                   LEFT JOIN portal_user u ON u.id = r.assigned_to_id
                   WHERE r.receiving_team_id IN ({_marks(teams)})
                     AND r.status IN ('submitted', 'acknowledged', 'contact_made', 'appointment')
                   ORDER BY r.acknowledged_at ASC NULLS FIRST, r.submitted_at, r.id LIMIT 26""",
                teams,
            )
        )
        case_id, attempts = info["case"]
        pages.append(
            Page(
                f"case_detail_{tag}",
                "OCMW: case detail",
                "detail",
                f"arrears worker, {tag} OCMW, a case with {attempts} attempts",
                getter(worker, reverse("case_detail", args=[case_id])),
                'FROM "referrals_case"',
                """SELECT c.id, c.status, cl.full_name, pc.code, o.name, t.name, u.full_name,
                          a.amount_outstanding, a.customer_number
                   FROM referrals_case c JOIN referrals_client cl ON cl.id = c.client_id
                   JOIN partners_postcode pc ON pc.id = cl.postcode_id
                   JOIN partners_organisation o ON o.id = c.ocmw_id
                   JOIN partners_team t ON t.id = c.team_id
                   LEFT JOIN portal_user u ON u.id = c.worker_id
                   LEFT JOIN referrals_arrearsrecord a ON a.case_id = c.id
                   WHERE c.id = %s""",
                [case_id],
                note="floor: the case, its client and arrears in one row",
            )
        )
        coordinator = client_for(info["coordinator"])
        who = f"{info['name']}: {info['attempts_year']:,} attempts in the year"
        pages.append(
            Page(
                f"what_works_{tag}",
                "Coordinator: what-works report, one OCMW-year",
                "report",
                f"coordinator, {tag} OCMW ({who})",
                getter(coordinator, reverse("what_works")),
                'FROM "referrals_attempttally"',
                """SELECT channel, with_logo, in_envelope, mentions_cutoff,
                          extract(isodow FROM day), slot, sum(attempts), sum(reached)
                   FROM referrals_attempttally
                   WHERE ocmw_id = %s AND day >= current_date - 365 AND day < current_date + 1
                   GROUP BY 1, 2, 3, 4, 5, 6""",
                [info["ocmw"]],
                note="floor: one GROUP BY over the OCMW-year's daily tallies (every breakdown "
                "rolls up from it)",
            )
        )
    partner_client = client_for(people["partner"][0])
    place = Organisation.objects.get(pk=people["ocmw"]["ocmw"]).name.removeprefix("OCMW ")
    pages.append(
        Page(
            "directory",
            "Partner directory: search",
            "list",
            f"partner worker, search '{place}'",
            getter(partner_client, reverse("directory") + f"?q={place}"),
            'FROM "partners_organisation"',
            """SELECT o.id, o.name, o.kind, o.street, o.phone, o.email, o.languages, o.offers,
                      pc.code, pc.name
               FROM partners_organisation o LEFT JOIN partners_postcode pc ON pc.id = o.postcode_id
               WHERE o.name ILIKE %s OR o.description ILIKE %s OR pc.name ILIKE %s
                     OR pc.code = %s
               ORDER BY o.name, o.id LIMIT 21""",
            [f"%{place}%", f"%{place}%", f"%{place}%", place],
        )
    )
    session_floor = """
        SELECT s.id, s.title, s.starts_at, s.status, v.name, o.name, pc.code,
               (SELECT coalesce(sum(places), 0) FROM training_registration r
                WHERE r.session_id = s.id AND r.status = 'confirmed')
        FROM training_session s JOIN training_venue v ON v.id = s.venue_id
        JOIN partners_organisation o ON o.id = s.organisation_id
        LEFT JOIN partners_postcode pc ON pc.id = v.postcode_id
        WHERE s.ends_at >= now() AND s.status IN ('published', 'full', 'held', 'cancelled')
        ORDER BY s.starts_at, s.id LIMIT 21"""
    pages.append(
        Page(
            "sessions",
            "Information sessions: upcoming list",
            "list",
            "partner worker",
            getter(partner_client, reverse("session_list")),
            'FROM "training_session"',
            session_floor,
        )
    )
    coordinator = client_for(people["ocmw_busiest"]["coordinator"])
    busiest_ocmw = people["ocmw_busiest"]["ocmw"]
    pages.append(
        Page(
            "session_month",
            "Information sessions: month calendar (near me)",
            "list",
            f"coordinator, {people['ocmw_busiest']['name']}",
            getter(coordinator, reverse("session_month")),
            'FROM "training_session"',
            """WITH near AS (
                   SELECT s.id, s.title, s.starts_at, s.status, s.venue_id,
                          (s.starts_at AT TIME ZONE 'Europe/Brussels')::date AS day
                   FROM training_session s
                   JOIN training_venue v ON v.id = s.venue_id
                   LEFT JOIN partners_postcode pc ON pc.id = v.postcode_id
                   WHERE s.starts_at >= date_trunc('month', now() AT TIME ZONE 'Europe/Brussels')
                                        AT TIME ZONE 'Europe/Brussels'
                     AND s.starts_at < (date_trunc('month', now() AT TIME ZONE
                                        'Europe/Brussels') + interval '1 month')
                                       AT TIME ZONE 'Europe/Brussels'
                     AND (s.status IN ('published', 'full', 'held', 'cancelled')
                          OR s.organisation_id = %s)
                     AND (s.organisation_id = %s
                          OR pc.municipality_id IN (SELECT municipality_id
                                                    FROM partners_organisation_serves
                                                    WHERE organisation_id = %s))
               ), ranked AS (
                   SELECT near.*,
                          row_number() OVER (PARTITION BY day ORDER BY starts_at, id) AS day_rank,
                          count(*) OVER (PARTITION BY day) AS day_total
                   FROM near
               )
               SELECT r.id, r.title, r.starts_at, r.status, r.day_total, v.name, o.name
               FROM ranked r JOIN training_venue v ON v.id = r.venue_id
               JOIN partners_organisation o ON o.id = v.organisation_id
               WHERE r.day_rank <= 3
               ORDER BY r.starts_at, r.id""",
            [busiest_ocmw, busiest_ocmw, busiest_ocmw],
            note="floor: the OCMW's own and its area's sessions of the month, three a day "
            "with each day's total",
        )
    )
    # The LAC list import: preview (parse, check, match) and apply, rolled back each time.
    busiest = people["ocmw_busiest"]
    content = lac_csv(busiest["ocmw"], 10_000)
    session = LacSession.objects.filter(ocmw_id=busiest["ocmw"], status="planned").first()
    actor = User.objects.get(pk=busiest["worker"])
    pages.append(
        Page(
            "lac_import",
            "LAC list import, 10,000 rows (preview + apply)",
            "import",
            f"arrears worker, {busiest['name']}",
            lambda: _import(session, actor, content),
            'FROM "referrals_arrearsrecord"',
            note="run in a transaction that is rolled back, so every repetition starts alike",
        )
    )
    return pages


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _rows(sql: str, params) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class _Rollback(Exception):
    pass


def _import(session, actor, content: bytes) -> dict:
    from django.db import transaction

    from referrals.cases import lac_import

    summary = {}
    try:
        with transaction.atomic():
            lac, plan = lac_import.start_import(
                ocmw=session.ocmw, session=session, actor=actor, filename="lac.csv", raw=content
            )
            if plan.problems:
                raise RuntimeError(f"LAC file has problems: {plan.problems[:3]}")
            summary = lac_import.apply(lac, actor=actor)
            raise _Rollback
    except _Rollback:
        pass
    return summary


# --- the report -------------------------------------------------------------------------


def machine() -> dict:
    from django import get_version
    from django.db import connection

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        settings = {}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "jit"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "django": get_version(),
        "postgresql": pg,
        "pg_settings": ", ".join(f"{k}={v}" for k, v in settings.items()),
    }


def dataset() -> list[tuple[str, int]]:
    tables = [
        ("OCMWs", "SELECT count(*) FROM partners_organisation WHERE kind = 'ocmw'"),
        (
            "partner organisations",
            "SELECT count(*) FROM partners_organisation "
            "WHERE kind NOT IN ('ocmw', 'internal', 'water_company')",
        ),
        ("users", "SELECT count(*) FROM portal_user"),
        ("teams", "SELECT count(*) FROM partners_team"),
        ("referrals", "SELECT count(*) FROM referrals_referral"),
        ("timeline entries", "SELECT count(*) FROM referrals_timelineentry"),
        ("cases", "SELECT count(*) FROM referrals_case"),
        ("arrears records", "SELECT count(*) FROM referrals_arrearsrecord"),
        ("contact attempts", "SELECT count(*) FROM referrals_contactattempt"),
        ("information sessions", "SELECT count(*) FROM training_session"),
        ("session registrations", "SELECT count(*) FROM training_registration"),
        (
            "guardian grants (organisation, team, referral)",
            "SELECT (SELECT count(*) FROM partners_organisationgroupobjectpermission)"
            " + (SELECT count(*) FROM partners_organisationuserobjectpermission)"
            " + (SELECT count(*) FROM partners_teamgroupobjectpermission)"
            " + (SELECT count(*) FROM referrals_referralgroupobjectpermission)"
            " + (SELECT count(*) FROM referrals_referraluserobjectpermission)",
        ),
    ]
    return [(label, one(sql)[0]) for label, sql in tables]


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.1f}" if seconds < 10 else f"{seconds * 1000:.0f}"


def verdict(result: Result) -> tuple[str, list[str]]:
    target = TARGETS[result.page.kind]
    misses = []
    if target["queries"] is not None and result.queries > target["queries"]:
        misses.append(f"{result.queries} queries > {target['queries']}")
    if result.p95 * 1000 > target["p95_ms"]:
        misses.append(f"p95 {ms(result.p95)} ms > {target['p95_ms']:.0f} ms")
    if target["floor_ratio"] and result.floor_p50:
        ratio = result.sql_p50 / result.floor_p50
        if ratio > target["floor_ratio"]:
            misses.append(f"SQL {ratio:.1f}× the floor")
    if result.seq_scans:
        misses.append("seq scan on " + ", ".join(sorted(set(result.seq_scans))))
    return ("met" if not misses else "missed"), misses


def render(results: list[Result], scale: str, repeat: int, elapsed: float) -> str:
    info = machine()
    out = io.StringIO()
    w = out.write
    w(f"{START}\n\n")
    w(f"_Generated by `bench/measure.py --scale {scale}` on {time.strftime('%Y-%m-%d %H:%M')}, ")
    w(f"{repeat} timed requests per page after 2 warm-up requests ({elapsed:.0f} s in all). ")
    w(f"Load average of the machine: {LOAD[0]} before, {os.getloadavg()[0]:.2f} after._\n\n")
    w("### Machine\n\n")
    w(f"- CPU: {info['cpu']}, {info['cores']} cores; memory {info['memory']}\n")
    w(f"- PostgreSQL {info['postgresql']} on 127.0.0.1 ({info['pg_settings']})\n")
    w(f"- Python {info['python']}, Django {info['django']}, psycopg 3; ")
    w("pages served in-process by Django's test client through the full middleware stack ")
    w("(session, auth, roles), DEBUG off\n\n")
    w("### Data\n\n| table | rows |\n|---|---:|\n")
    for label, count in dataset():
        w(f"| {label} | {count:,} |\n")
    w("\n### Results\n\n")
    w(
        "| page | who | queries | p50 ms | p95 ms | Python CPU p50 ms | SQL p50 ms | floor ms "
        "| page ÷ floor | SQL ÷ floor | seq scan on a large table | target |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n"
    )
    for r in results:
        status, misses = verdict(r)
        floor = r.floor_p50
        page_ratio = f"{r.p50 / floor:.1f}×" if floor else "–"
        sql_ratio = f"{r.sql_p50 / floor:.1f}×" if floor else "–"
        seq = ", ".join(sorted(set(r.seq_scans))) or "none"
        mark = "met" if status == "met" else "**missed**: " + "; ".join(misses)
        w(
            f"| {r.page.title} | {r.page.who} | {r.queries} | {ms(r.p50)} | {ms(r.p95)} "
            f"| {ms(r.cpu_p50)} | {ms(r.sql_p50)} | {ms(floor)} | {page_ratio} | {sql_ratio} "
            f"| {seq} | {mark} |\n"
        )
    w(
        "\nTargets: list pages ≤ 8 queries; p95 ≤ 30 ms for lists and the case detail; "
        "the what-works report ≤ 300 ms; the import ≤ 5 s; SQL ≤ 3× the floor. "
        "*page ÷ floor* compares the whole request (Python, templates, session, auth) with "
        "the floor; *SQL ÷ floor* compares only the time the page spends in the database.\n"
    )
    w("\n### Main query plans\n\n")
    for r in results:
        w(f"<details><summary>{r.page.title} — {r.page.who}</summary>\n\n")
        if r.page.note:
            w(f"{r.page.note}\n\n")
        w("```sql\n" + r.main_sql.strip() + "\n```\n\n```\n" + r.plan + "\n```\n\n</details>\n\n")
    w(f"{END}\n")
    return out.getvalue()


def write_doc(section: str, path: Path) -> None:
    text = path.read_text() if path.exists() else "# Benchmarks\n\n" + START + "\n" + END + "\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section.rstrip("\n") + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["full", "small"], default="small")
    parser.add_argument("--database", help="default: lac_bench (full) or lac_bench_small")
    parser.add_argument(
        "--server", default=os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--repeat", type=int, help="timed requests per page (default 50 / 10)")
    parser.add_argument("--only", help="comma-separated page keys")
    parser.add_argument(
        "--check",
        action="store_true",
        help="CI: check query counts and plans (no timing, no report); exit 1 on a miss",
    )
    parser.add_argument(
        "--output",
        help="markdown file to update (default: docs/benchmarks.md for full, none for small)",
    )
    args = parser.parse_args(argv)
    database = args.database or ("lac_bench" if args.scale == "full" else "lac_bench_small")
    setup_django(f"{args.server}/{database}")
    repeat = args.repeat or (50 if args.scale == "full" else 10)
    started = time.monotonic()
    LOAD[0] = f"{os.getloadavg()[0]:.2f}"
    from django.core.management import call_command

    # The database may predate the newest migrations (a new index, a new table).
    call_command("migrate", verbosity=0, skip_checks=True)
    large = large_tables()
    people = pick_people()
    pages = build_pages(people)
    if args.only:
        keys = set(args.only.split(","))
        pages = [p for p in pages if p.key in keys or p.key.rsplit("_", 1)[0] in keys]
    if args.check:
        failures = check(pages)
        for failure in failures:
            print(f"FAILED {failure}")
        sys.exit(1 if failures else 0)
    results = []
    for page in pages:
        runs = max(3, repeat // 10) if page.kind == "import" else repeat
        result = measure(page, runs, large)
        status, misses = verdict(result)
        print(
            f"{page.key:24} {result.queries:3d} q  p50 {ms(result.p50):>7} ms  "
            f"p95 {ms(result.p95):>7} ms  cpu {ms(result.cpu_p50):>7} ms  "
            f"sql {ms(result.sql_p50):>7} ms  "
            f"floor {ms(result.floor_p50):>6} ms  {status} {'; '.join(misses)}",
            flush=True,
        )
        results.append(result)
    section = render(results, args.scale, repeat, time.monotonic() - started)
    output = args.output or (str(DOC) if args.scale == "full" else None)
    if output:
        write_doc(section, Path(output))
        print(f"wrote {output}")


if __name__ == "__main__":
    main()
