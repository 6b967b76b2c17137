"""What every browser test checks on the pages it opens (importable as `browser_checks`).

- `watch(page)`: keeps the page's console errors and uncaught script errors; the `page` and
  `new_page` fixtures (tests/conftest.py) fail the test on any of them.
- `audit(page)`: runs axe-core (from npm, `make browser` installs it into node_modules) on the
  page as it stands and fails on any serious or critical violation, naming the rule, its help
  text and the elements.

axe-core is evaluated through the DevTools protocol, so the pages' strict Content-Security-Policy
stays on while it runs (an injected <script> tag would be refused).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

RUN_AXE = """async () => {
  // preload: false, or axe rebuilds the stylesheets a page @imports as <style> elements,
  // which the page's policy refuses (a console error the test would blame on the page)
  const results = await axe.run(document, {resultTypes: ["violations"], preload: false});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""


@cache
def _axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"axe-core absent ({AXE}): run `make browser` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def watch(page) -> list[str]:
    """The list that will hold the page's console errors and uncaught script errors."""
    problems: list[str] = []

    def on_console(message) -> None:
        # The browser asks for /favicon.ico on its own where a page names no icon (the admin).
        where = message.location or {}
        if message.type == "error" and not where.get("url", "").endswith("/favicon.ico"):
            problems.append(
                f"console error on {page.url} ({where.get('url')}:{where.get('lineNumber')}): "
                f"{message.text}"
            )

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error on {page.url}: {error}"))
    return problems


def violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    found = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in BLOCKING]


def audit(page) -> None:
    """Fail on any serious or critical accessibility violation of the page as it stands."""
    blocking = violations(page)
    assert not blocking, f"axe-core on {page.url}:\n" + "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in blocking
    )


def auditable(page) -> bool:
    """Whether the page shows an HTML document of ours (not a blank page or a download)."""
    try:
        return page.url.startswith("http") and page.evaluate(
            "() => document.contentType === 'text/html' && !!document.body"
        )
    except Exception:  # noqa: BLE001 - a closed or crashed page has nothing to audit
        return False


def screenshot(page, name: str) -> Path:
    """Keep the page as it stands in test-artifacts/<name>.png (whole page).

    caret="initial": Playwright's caret hiding writes style="" attributes into the page, which
    the DSFR's header script may then copy through innerHTML, and the policy refuses.
    """
    path = REPO_ROOT / "test-artifacts" / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path


def signed_in_page(page, base_url: str, user):
    """Give `page` the session of `user`, signed in by Django's test client (which it returns)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "url": base_url,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }])  # fmt: skip
    return client
