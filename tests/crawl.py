"""A small crawler for leak tests: every page reachable by links, as one person."""

from __future__ import annotations

import io
import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlparse

HREF = re.compile(r"""(?:href|action|hx-get|src)=["']([^"']+)["']""")
SKIP = ("/static/", "/accounts/logout/", "/admin/", "mailto:", "tel:", "javascript:")


def body_text(response) -> str:
    """What a response says, as text: headers, HTML, JSON, CSV, iCalendar, file
    downloads and the text of PDFs."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    if response.get("Content-Type", "").startswith("application/pdf") or raw.startswith(b"%PDF"):
        return f"{headers}\n{pdf_text(raw)}"
    return f"{headers}\n{raw.decode(errors='replace')}"


def pdf_text(raw: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(raw))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts.append(repr(reader.metadata or {}))
    return "\n".join(parts)


def crawl(
    client,
    start: list[str],
    *,
    limit: int = 400,
    per_path: int | None = None,
    skip: tuple[str, ...] = SKIP,
) -> dict[str, tuple[int, str]]:
    """GET every same-site URL reachable from ``start``; return {url: (status, body)}.

    Forms' action URLs are fetched with GET too (most answer 405 or a form page),
    so pages only reachable through a form are seen as well. ``per_path`` caps how
    many query-string variants of one path are fetched (a calendar's "next month"
    link would otherwise lead on for ever).
    """
    seen: dict[str, tuple[int, str]] = {}
    variants: Counter[str] = Counter()
    queue = deque(start)
    while queue and len(seen) < limit:
        url = urldefrag(queue.popleft())[0]
        if url in seen or not url.startswith("/") or url.startswith(skip):
            continue
        path = urlparse(url).path
        if per_path is not None and variants[path] >= per_path:
            continue
        variants[path] += 1
        response = client.get(url, follow=False)
        body = body_text(response)
        seen[url] = (response.status_code, body)
        if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
            queue.append(response["Location"])
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in HREF.findall(body):
            link = link.replace("&amp;", "&")
            if urlparse(link).netloc:
                continue
            queue.append(link)
    return seen


def api_crawl(client, roots: list[str], *, limit: int = 300) -> dict[str, tuple[int, str]]:
    """GET API list endpoints and every detail URL derived from the ids they return."""
    seen: dict[str, tuple[int, str]] = {}
    queue = deque(roots)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, HTTP_ACCEPT="application/json")
        body = body_text(response)
        seen[url] = (response.status_code, body)
        if response.status_code != 200 or not url.endswith("/"):
            continue
        try:
            data = response.json()
        except ValueError:
            continue
        rows = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(rows, list):
            base = url.split("?")[0]
            for row in rows:
                if (
                    isinstance(row, dict)
                    and "id" in row
                    and not base.rstrip("/").endswith(("sent", "inbox"))
                ):
                    queue.append(f"{base}{row['id']}/")
                elif isinstance(row, dict) and "id" in row:
                    queue.append(f"{base.rsplit('/', 2)[0]}/{row['id']}/")
        if isinstance(data, dict) and data.get("next"):
            queue.append(urlparse(data["next"])._replace(scheme="", netloc="").geturl())
    return seen
