"""What the processes' logs say about a phase: the error lines, each distinct one once.

A traceback becomes one line (its exception and the last frame in the portal's own
code); times, pids, ports and ids are stripped so repeats group.
"""

from __future__ import annotations

import re
from collections import Counter

from .stack import ROOT


def summarise_traceback(text: str) -> str:
    """The exception and the last frame in the portal's own code."""
    lines = text.strip().splitlines()
    frames = [
        line.strip()
        for line in lines
        if line.startswith("  File ") and "/.venv/" not in line and "/lib/python" not in line
    ]
    last = lines[-1] if lines else "?"
    where = frames[-1].replace(str(ROOT) + "/", "") if frames else ""
    return f"{last[:240]}" + (f" [{where}]" if where else "")


def log_errors(stack, offsets: dict[str, int], limit: int = 14) -> list[str]:
    """The new error lines of every process's log since ``offsets`` (what explains a 5xx
    or a lost job), each distinct one once with a count. A traceback becomes one line:
    its exception and the last frame in the portal's own code."""
    found: Counter[str] = Counter()
    for name, proc in stack.procs.items():
        try:
            with open(proc.logfile, "rb") as f:
                f.seek(offsets.get(name, 0))
                text = f.read().decode(errors="replace")
        except OSError:
            continue
        frame = ""
        in_traceback = False
        for line in text.splitlines():
            if line.startswith("Traceback (most recent call last)"):
                in_traceback, frame = True, ""
                continue
            if in_traceback:
                if (
                    line.startswith("  File ")
                    and "/.venv/" not in line
                    and "/lib/python" not in line
                ):
                    frame = line.strip().replace(str(ROOT) + "/", "")
                if line.startswith((" ", "\t")) or not line.strip():
                    continue
                if line.startswith(("The above exception", "During handling")):
                    continue
                in_traceback = False
                found[
                    f"{name}: {_normalise(line.strip())[:200]}" + (f" [{frame}]" if frame else "")
                ] += 1
                continue
            if _interesting(line):
                found[f"{name}: {_normalise(line.strip())[:240]}"] += 1
    lines = [f"{line}  (x{n})" if n > 1 else line for line, n in found.most_common(limit)]
    if len(found) > limit:
        lines.append(f"… and {len(found) - limit} more distinct lines")
    return lines


ERROR_LINE = re.compile(
    r"(FATAL|ERROR|CRITICAL|WORKER TIMEOUT|SIGKILL|status=5\d\d|status=-1|term=[SCPR]|"
    r"Internal Server Error|handed back|failed|away|could not)"
)


def _interesting(line: str) -> bool:
    return bool(ERROR_LINE.search(line))


def _normalise(line: str) -> str:
    """Times, pids, ports and ids vary from line to line: strip them so repeats group
    (status codes stay)."""
    line = re.sub(r"^\[[\d\- :+]+\] \[\d+\] ", "", line)  # gunicorn's prefix
    line = re.sub(r"^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] ", "", line)  # PostgreSQL's
    line = re.sub(r"^\d+:\w \d+ \w+ [\d:.]+ ", "", line)  # Redis's
    line = re.sub(r"\b[0-9a-f]{8}-[0-9a-f-]{27}\b", "<uuid>", line)
    line = re.sub(r"/\d+/", "/N/", line)
    return re.sub(r"\b\d{4,}\b", "N", line)


def note_offsets(stack) -> dict[str, int]:
    return {name: proc.log_size() for name, proc in stack.procs.items()}
