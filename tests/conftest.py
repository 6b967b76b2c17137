"""Fixtures shared by the whole suite: real data, a real browser, real servers."""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the test thread; Django's ORM would refuse to
# run there. Tests only, never in the product.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("GUICHET_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The large real data sets beside the checkout (present in CI, absent in a user's clone)."""
    if not (SHARED_DATA / "territory" / "communes.json").exists():
        pytest.skip(f"../shared/data absent ({SHARED_DATA}): test needs the national data sets")
    return SHARED_DATA


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make browser` (Debian package chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


def _finish(request, pages: list, watched: list[list[str]]) -> None:
    """Screenshot, audit and close the pages; fail on console errors or blocking violations."""
    from browser_checks import auditable, violations

    ARTIFACTS.mkdir(exist_ok=True)
    failures: list[str] = [problem for problems in watched for problem in problems]
    for number, page in enumerate(pages):
        suffix = f"-{number}" if number else ""
        if auditable(page):
            page.screenshot(
                path=str(ARTIFACTS / f"{request.node.name}{suffix}.png"),
                full_page=True,
                caret="initial",
            )
            failures += [
                f"axe-core [{v['impact']}] {v['id']} on {page.url}: {v['help']} — {v['nodes']}"
                for v in violations(page)
            ]
        page.context.close()
    failed = getattr(request.node, "rep_call", None)
    if failures and not (failed and failed.failed):
        pytest.fail("The pages the test opened had problems:\n" + "\n".join(failures))


@pytest.fixture
def new_page(chromium_browser, request):
    """Opens fresh browser pages (each in its own context, French locale and time zone).

    Every page opened fails the test on a console error or an uncaught script error, and its
    last state is audited by axe-core (0 serious or critical violations) and kept as a
    screenshot in test-artifacts/. Call `browser_checks.audit(page)` for the states between.
    """
    from browser_checks import watch

    pages: list = []
    watched: list[list[str]] = []

    def open_page(**options):
        context = chromium_browser.new_context(
            locale="fr-FR", timezone_id="Europe/Paris", **options
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        watched.append(watch(page))
        pages.append(page)
        return page

    yield open_page
    _finish(request, pages, watched)


@pytest.fixture
def page(new_page):
    """A fresh browser page, checked as `new_page` checks every page."""
    return new_page()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so a fixture knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _private_cache(settings, request):
    """Each test gets its own in-memory cache, so rate limits never leak between tests."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }
    # Reference data cached by an earlier test (maybe rolled back since) must not leak either.
    from guichet.core import refcache

    refcache.clear()


@pytest.fixture
def one_rate_window(monkeypatch):
    """Hold the rate limiter's clock inside one window, so that a test's tries never straddle
    two windows (a test counting to a limit would otherwise fail at a minute's turn)."""
    from guichet.core import ratelimit

    monkeypatch.setattr(ratelimit, "now_seconds", lambda: 1_800_000_000.0)
