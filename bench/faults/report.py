"""The drill's table, its details, and the section of docs/reliability.md it writes."""

from __future__ import annotations

import os
import time
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"

HEADER = (
    "| fault | requests | 5xx (from the portal) | acknowledged writes missing | duplicates "
    "| committed, answered 5xx | committed, answer lost with the process | jobs lost "
    "| e-mails missing | webhooks missing | seconds to recover |"
)
RULE = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"


def _row(r) -> str:
    recover = "not recovered" if r.recover is None else f"{r.recover:.1f}"
    return (
        f"| {r.fault} | {r.requests:,} | {r.five_xx} ({r.portal_5xx}) "
        f"| {r.missing} of {r.acknowledged:,} | {r.duplicates} | {r.committed_5xx} "
        f"| {r.committed_lost} | {r.jobs_lost} of {r.jobs:,} "
        f"| {r.emails_missing} of {r.emails:,} | {r.webhooks_missing} of {r.webhooks:,} "
        f"| {recover} |"
    )


def table(results) -> str:
    return "\n".join([HEADER, RULE, *(_row(r) for r in results)])


def details(results) -> str:
    lines = []
    for r in results:
        lines.append(f"**{r.fault}**" + (" — LOST SOMETHING" if r.lost_something else ""))
        extra = []
        if r.no_answer:
            extra.append(f"{r.no_answer} requests without an answer (retried by the client)")
        if r.committed_no_answer:
            extra.append(f"{r.committed_no_answer} of them committed")
        if r.emails_twice:
            extra.append(f"{r.emails_twice} notifications e-mailed more than once")
        if r.webhooks_twice:
            extra.append(f"{r.webhooks_twice} webhook deliveries received more than once")
        if r.bad_signatures:
            extra.append(f"{r.bad_signatures} webhook signatures did not verify")
        for line in [*r.notes[:14], *extra]:
            lines.append(f"- {line}")
        if len(r.notes) > 14:
            lines.append(f"- … and {len(r.notes) - 14} more")
        if r.errors:
            lines.append("- log lines and job errors of the phase:")
            lines.append("")
            lines.append("  ```")
            lines += [f"  {e}" for e in r.errors[:16]]
            lines.append("  ```")
        lines.append("")
    return "\n".join(lines)


def write_doc(results, *, short: bool, seconds: float, worker: str, cfg) -> None:
    kind = "short" if short else "full"
    start, end = f"<!-- faults:{kind}:start -->", f"<!-- faults:{kind}:end -->"
    load1, _load5, _load15 = os.getloadavg()
    verdict = (
        "Something was lost: the drill exited non-zero."
        if any(r.lost_something for r in results)
        else "Nothing acknowledged or queued was lost."
    )
    section = "\n".join(
        [
            start,
            "",
            f"_`bench/faults.py{' --short' if short else ''}` on "
            f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {seconds:.0f} s in all, on {os.cpu_count()} "
            f"cores (load average {load1:.2f} at the end); "
            f"{cfg.clients} clients, {cfg.phase_seconds:.0f} s of load per phase, workers: "
            f"`manage.py {worker}`. {verdict}_",
            "",
            table(results),
            "",
            details(results).rstrip(),
            "",
            end,
        ]
    )
    text = DOC.read_text() if DOC.exists() else ""
    if start in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text)
    print(f"wrote {DOC}")
