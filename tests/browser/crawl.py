"""Walk every page a person can reach and check the interface rules on each (STYLE.md).

Pages are discovered, not listed: the crawl starts from every URL pattern that takes no
argument and follows the links of each page it opens, so a page added tomorrow is checked as
soon as something links to it. Each route (URL name) is opened once, with the first object
the crawl meets, which keeps the walk to one visit per kind of page.

On each HTML page, at a phone's width, the crawl checks:
- the page is not wider than the viewport (``document.documentElement.scrollWidth``) and no
  element scrolls sideways inside it (a table must stack, not scroll);
- axe-core finds no "serious" or "critical" violation;
- the Content-Security-Policy header is sent, the HTML has no inline script, style element or
  style attribute, and the browser reports no CSP violation;
- one h1, in the page-header component, with breadcrumbs below the top level;
- a linked page opens for the person who was shown the link (no 403 or 404 behind a link).
"""

import html.parser
import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch, Resolver404

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
# Pages without breadcrumbs: the top of the site, and public pages outside the staff site.
TOP_LEVEL = {"core:home", "core:public_agencies", "account_login", "error page"}
# Not pages of the site: the admin (its own interface), the JSON API, the language switch.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/i18n/", "/static/", "/media/")
BLOCKING_IMPACTS = {"serious", "critical"}

# Records CSP violations the browser reports, before any page script runs.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""
# Elements scrolling sideways inside the page (a table that scrolls instead of stacking).
SIDEWAYS_SCROLLERS = """
() => [...document.querySelectorAll("body *")].filter((element) => {
  const overflow = getComputedStyle(element).overflowX;
  return (overflow === "auto" || overflow === "scroll")
    && element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0;
}).map((element) => element.tagName.toLowerCase() + (element.className ? "." +
  String(element.className).trim().split(/\\s+/).join(".") : "")).slice(0, 5)
"""
# The deepest elements sticking out of the viewport: what makes a page too wide.
TOO_WIDE = """
() => [...document.querySelectorAll("body *")].filter((element) =>
  element.getBoundingClientRect().right > document.documentElement.clientWidth + 1
  && ![...element.children].some((child) =>
    child.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
).map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
  + (element.className ? "." + String(element.className).trim().split(/\\s+/).join(".") : "")
).slice(0, 3)
"""
PAGE_HEADER = """
() => ({
  h1: document.querySelectorAll("h1").length,
  h1InHeader: document.querySelectorAll("[data-testid=page-header] h1").length,
  breadcrumbs: document.querySelectorAll("[data-testid=page-header] nav .breadcrumb").length,
  footer: document.querySelectorAll("footer a[href$='/donnees-personnelles/']").length,
})
"""


@dataclass
class CrawlReport:
    visited: dict = field(default_factory=dict)  # route → URL opened
    problems: list = field(default_factory=list)

    def add(self, url: str, problem: str) -> None:
        self.problems.append(f"{url}: {problem}")


class _InlineFinder(html.parser.HTMLParser):
    """Inline scripts (other than JSON data), style elements and style attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        inline = "src" not in attributes and attributes.get("type") != "application/json"
        if tag == "script" and inline:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        if "style" in attributes:
            self.found.append(f"style attribute on <{tag}>")
        handlers = [name for name in attributes if name.startswith("on")]
        if handlers:
            self.found.append(f"event handler attribute {handlers[0]} on <{tag}>")


def inline_code(body: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(body)
    return sorted(set(finder.found))


def _argument_free_routes(resolver=None, prefix="", namespace=""):
    """(route name, path) of every URL pattern that takes no argument."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _argument_free_routes(pattern, prefix, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}{pattern.name}"
            try:
                yield name, reverse(name)
            except NoReverseMatch:
                continue  # needs an object: reached through links


def seed_paths() -> list[str]:
    paths = [reverse("core:home")]
    paths += sorted(path for _name, path in _argument_free_routes())
    return [p for p in paths if not p.startswith(SKIPPED_PREFIXES)]


def route_of(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def log_in(context, base_url: str, user) -> None:
    """Sign ``user`` in by session cookie (the login form has its own tests)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def _axe_problems(page) -> list[str]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the devtools protocol: not an inline script, the page's CSP allows it.
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map((v) => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))"
    )
    return [
        f"axe {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for v in result
        if v["impact"] in BLOCKING_IMPACTS
    ]


def check_page(page, url: str, route: str, report: CrawlReport) -> None:
    """The interface rules on the page open in ``page``."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    if width > viewport:
        culprits = ", ".join(page.evaluate(TOO_WIDE))
        report.add(url, f"{width} px wide in a {viewport} px viewport ({culprits})")
    for scroller in page.evaluate(SIDEWAYS_SCROLLERS):
        report.add(url, f"{scroller} scrolls sideways")
    for problem in _axe_problems(page):
        report.add(url, problem)
    for violation in page.evaluate("() => window.__cspViolations || []"):
        report.add(url, f"CSP violation: {violation}")
    header = page.evaluate(PAGE_HEADER)
    if header["h1"] != 1 or header["h1InHeader"] != 1:
        report.add(url, f"{header['h1']} h1, {header['h1InHeader']} in the page header")
    if route not in TOP_LEVEL and not header["breadcrumbs"]:
        report.add(url, "no breadcrumbs")
    if not header["footer"]:
        report.add(url, "no footer with the personal-data notice")


def _links(page, base_url: str) -> list[str]:
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map((a) => a.href)")
    host = urlsplit(base_url).netloc
    found = []
    for href in hrefs:
        parts = urlsplit(urljoin(base_url, href))
        if parts.netloc == host and parts.scheme.startswith("http"):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _page_body(response, path: str, linked_from: str | None, report: CrawlReport) -> str:
    """The HTML of a full page worth opening, or "" (download, htmx fragment, POST-only)."""
    if response.status == 405:
        return ""  # a POST-only action
    if response.status >= 500:
        report.add(path, f"HTTP {response.status}")
    if linked_from and response.status in {403, 404}:
        report.add(path, f"HTTP {response.status} behind a link on {linked_from}")
    if "text/html" not in response.headers.get("content-type", ""):
        return ""  # a download
    body = response.text()
    if "<html" not in body[:500].lower():
        return ""  # a fragment for htmx, not a page
    if "content-security-policy" not in response.headers:
        report.add(path, "no Content-Security-Policy header")
    for code in inline_code(body):
        report.add(path, code)
    return body


def crawl(context, base_url: str, *, seeds=(), screenshots: Path | None = None) -> CrawlReport:
    """Open every reachable page once per route with ``context`` (signed in) and check it.

    ``seeds``: paths to start from besides the home page and the argument-free routes (pages
    of objects, e.g. from the authorisation matrix). A refused seed (403, 404) shows the error
    page, which is checked once per status.
    """
    report = CrawlReport()
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    queue = deque((path, None) for path in [*seeds, *seed_paths()])
    seen: set[str] = set()
    while queue:
        path, linked_from = queue.popleft()
        route = route_of(path.split("?")[0])
        if route is None or route in seen or path.startswith(SKIPPED_PREFIXES):
            continue
        response = context.request.get(base_url + path, max_redirects=0)
        if 300 <= response.status < 400:
            queue.append((urlsplit(response.headers["location"]).path, linked_from))
            continue
        seen.add(route)
        key = route if response.ok else f"HTTP {response.status}"
        if key in report.visited or not _page_body(response, path, linked_from, report):
            continue
        report.visited[key] = path
        page.goto(base_url + path)
        check_page(page, path, route if response.ok else "error page", report)
        if screenshots:
            page.screenshot(path=str(screenshots / f"{key.replace(':', '-')}.png"), full_page=True)
        queue.extend((link, path) for link in _links(page, base_url))
    page.close()
    return report


def summary(report: CrawlReport) -> str:
    return json.dumps(report.problems, indent=1, ensure_ascii=False)
