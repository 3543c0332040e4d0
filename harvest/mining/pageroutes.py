"""The pages a browser test visits, for the test → source map (harvest/mining/testmap.py).

An end-to-end test (Playwright, Cypress) imports nothing it tests: it opens a URL. In a file-routed app
the URL names the file that serves it, so `page.goto('/settings/profile')` or `cy.visit('/settings')`
is matched against the repository's page files — Next.js `app/**/page.tsx` (route groups `(name)` and
parallel slots `@name` leave the URL) and `pages/**` (`index` serves its folder; `_app`, `_document`
and `api/` are no pages) — with dynamic segments `[id]`, `[...slug]` and `[[...slug]]`. Of several apps
serving the same path, the one nearest the test wins, and in it the most specific route.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping

VISIT = re.compile(r"""\.(?:goto|visit)\(\s*(['"`])([^'"`$]*)\1""")  # page.goto('/x'), cy.visit("/x")
ORIGIN = re.compile(r"^[a-z][a-z0-9+.-]*://[^/]*", re.IGNORECASE)
PAGE_FILE = re.compile(r"\.(?:[cm]?[jt]sx?)$")
APP_PAGE = "page"
NOT_PAGES = frozenset({"_app", "_document", "_error", "_middleware"})

Route = tuple[str, ...]  # the URL's segments as the file system spells them: ("blog", "[slug]")


def page_routes(paths: Iterable[str]) -> dict[str, Route]:
    """Each page file among `paths` → the route it serves."""
    routes = {}
    for path in paths:
        if not PAGE_FILE.search(path):
            continue
        parts = path.split("/")
        stem = PAGE_FILE.sub("", parts[-1])
        if "app" in parts[:-1] and stem == APP_PAGE:
            below = parts[len(parts) - 1 - parts[-2::-1].index("app"):-1]
            routes[path] = tuple(s for s in below if not (s.startswith("(") and s.endswith(")")) and not s.startswith("@"))
        elif "pages" in parts[:-1] and stem not in NOT_PAGES:
            below = parts[len(parts) - 1 - parts[-2::-1].index("pages"):-1]
            if below[:1] != ["api"]:
                routes[path] = tuple(below) + (() if stem == "index" else (stem,))
    return routes


def visited(text: str) -> list[Route]:
    """The URL paths a test opens with a literal, as segments (`http://localhost:3000/a/b?x=1` → a, b)."""
    found = []
    for _, url in VISIT.findall(text):
        path = re.split(r"[?#]", ORIGIN.sub("", url), maxsplit=1)[0]
        found.append(tuple(s for s in path.split("/") if s not in ("", ".")))
    return found


def pages_visited(test: str, text: str, routes: Mapping[str, Route]) -> list[str]:
    """The page files serving the URLs `test` opens, the nearest app's first when several serve one."""
    pages = []
    for url in visited(text):
        serving = [path for path, route in routes.items() if _serves(route, url)]
        if serving:
            best = max(_preference(test, p, routes[p]) for p in serving)
            pages += [p for p in serving if _preference(test, p, routes[p]) == best]
    return list(dict.fromkeys(pages))


def _preference(test: str, page: str, route: Route) -> tuple[int, int]:
    """The nearest app first (the most path shared with the test), then the most specific route in it."""
    return len(posixpath.commonpath([test, page])), sum(not s.startswith("[") for s in route)


def _serves(route: Route, url: Route) -> bool:
    """Whether a page of `route` answers `url`: static segments equal, `[x]` any one, `[...x]` one or more,
    `[[...x]]` any number."""
    for position, segment in enumerate(route):
        if segment.startswith("[[..."):
            return True
        if segment.startswith("[..."):
            return len(url) > position
        if position >= len(url) or not (segment == url[position] or (segment.startswith("[") and segment.endswith("]"))):
            return False
    return len(url) == len(route)
