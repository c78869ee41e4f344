"""The --format html page in a real browser: Debian's Chromium, headless, driven by Playwright
(the PyPI package and its driver; no browser download: `playwright install` is never run).

Every formula typeset (no raw TeX left in the visible text), the steps fold and open, the key's
values typed in are marked right, a sign slip is marked wrong and names the step to read, no
console error, and no request leaves the page (every request is routed; anything but a file:
or data: URL fails the test). Skipped when Chromium or Playwright is missing, unless
SOLVE_REQUIRE_BROWSER=1 (CI sets it after installing chromium).
"""
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import ROOT
from solver import solve
from solver.render.html import render_html

REQUIRED = bool(os.environ.get("SOLVE_REQUIRE_BROWSER"))
CHROMIUM = os.environ.get("SOLVE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; its driver comes with it)"
    return None


@pytest.fixture(scope="module")
def browser():
    why = _missing()
    if why:
        if REQUIRED:
            pytest.fail(f"SOLVE_REQUIRE_BROWSER is set, but {why}")
        pytest.skip(why)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p, tempfile.TemporaryDirectory(prefix="solve-chromium-") as profile:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=ARGS,
                                                       headless=True, viewport={"width": 1000, "height": 900})
        context.outside = []              # requests that would have left the page

        def route(r):
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                context.outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        yield context
        context.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """problem stem -> (the page's path, the JSON key)"""
    folder = tmp_path_factory.mktemp("pages")
    out = {}
    for name in ("exam1", "perceptron", "graphs", "train", "conv", "exam1-indexed", "exam1-batch"):
        stem, _, notation = name.partition("-")
        solution = solve(ROOT / "problems" / f"{stem}.yaml", notation=notation or None)
        path = folder / f"{name}.html"
        path.write_text(render_html(solution), encoding="utf-8")
        out[name] = (path, solution.to_json())
    return out


class Page:
    """A page opened in the browser, with what it logged."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page()
        self.errors = []
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.goto(path.as_uri())
        self.browser = browser

    def check(self, question: int = 1):
        form = self.page.locator("form.answers").nth(question - 1)
        form.get_by_role("button", name="Check my answers").click()
        return form

    def verdicts(self, form) -> list[str]:
        return form.locator("output.verdict").evaluate_all("outs => outs.map(o => o.innerText)")

    def close(self):
        self.page.close()
        assert self.errors == [], self.errors
        assert self.browser.outside == [], f"requests left the page: {self.browser.outside}"


def type_key(form, answers: dict, keys: list[str], change=None):
    """Put each key's values into its box, entry after entry (`change(key, i, x)` alters some), all
    at once: a page of many keys would take minutes typed field by field (the slips are typed)."""
    filled = []
    for key in keys:
        values = answers[key]["value"]
        flat = flatten(values)
        flat = [change(key, i, x) if change else x for i, x in enumerate(flat)]
        filled.append(["true" if x is True else "false" if x is False else repr(x) if isinstance(x, float) else str(x)
                       for x in flat])
    counts = form.evaluate("""(form, filled) => Array.from(form.querySelectorAll('.box')).map((box, n) => {
        const fields = box.querySelectorAll('input, select');
        fields.forEach((f, i) => { f.value = filled[n][i]; f.dispatchEvent(new Event('input', {bubbles: true})); });
        return fields.length; })""", filled)
    assert counts == [len(f) for f in filled]


def flatten(value) -> list:
    """A key's value, nested lists of any depth, in row-major order."""
    return [x for v in value for x in flatten(v)] if isinstance(value, list) else [value]


def keys_of(page: Page, question: int = 1) -> list[str]:
    form = page.page.locator("form.answers").nth(question - 1)
    return form.locator(".box-label code").evaluate_all("codes => codes.map(c => c.innerText)")


@pytest.mark.parametrize("stem", ["exam1", "perceptron", "graphs", "train", "exam1-indexed", "exam1-batch"])
def test_every_formula_is_typeset(browser, pages, stem):
    page = Page(browser, pages[stem][0])
    p = page.page
    p.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    maths = p.locator(".math").count()
    assert maths > 20
    assert p.locator(".math:has(.katex)").count() == maths
    assert p.locator(".katex-error").count() == 0
    text = p.inner_text("body")
    for raw in ("$", "\\frac", "\\(", "\\[", "\\begin", "\\odot"):
        assert raw not in text, raw
    # the fonts are the page's own: KaTeX's main font loaded from its data URI
    assert p.evaluate("document.fonts.check('16px KaTeX_Main')")
    page.close()


def test_steps_are_folded_and_open_on_click(browser, pages):
    page = Page(browser, pages["exam1"][0])
    p = page.page
    steps = p.locator("details.step")
    assert steps.count() > 5
    assert p.locator("details.step[open]").count() == 0
    body = steps.nth(0).locator(".body")
    assert not body.is_visible()
    steps.nth(0).locator("summary").click()
    assert body.is_visible() and p.locator("details.step[open]").count() == 1
    steps.nth(0).locator("summary").click()
    assert not body.is_visible()
    # printing opens every step
    p.emulate_media(media="print")
    assert body.is_visible()
    p.emulate_media(media="screen")
    page.close()


@pytest.mark.parametrize("stem", ["exam1", "perceptron", "graphs", "train", "conv"])
def test_the_keys_values_are_marked_right(browser, pages, stem):
    path, key = pages[stem]
    page = Page(browser, path)
    for n, q in enumerate(key["questions"], 1):
        form = page.page.locator("form.answers").nth(n - 1)
        keys = keys_of(page, n)
        type_key(form, q["answers"], keys)
        page.check(n)
        assert page.verdicts(form) == ["\u2713 right"] * len(keys), (q["id"], page.verdicts(form))
        assert form.locator("output.score").inner_text() == f"{len(keys)} of {len(keys)} right"
    page.close()


def test_a_sign_slip_is_wrong_and_names_the_step(browser, pages):
    path, key = pages["exam1"]
    page = Page(browser, path)
    p = page.page
    q = key["questions"][0]
    form = p.locator("form.answers").first
    keys = keys_of(page)
    assert keys[:2] == ["z1", "a1"]
    z1_step = p.locator("details.step", has=p.locator("summary code", has_text="z1")).first
    number = z1_step.locator("summary").inner_text().split(".")[0]          # "Step 3"

    # z1's first entry with its sign slipped (typed), everything else the key's: z1 alone is wrong
    type_key(form, q["answers"], keys)
    first = form.locator(".box").first.get_by_role("textbox", name="z1 entry 1")
    first.fill("")
    first.type(repr(-q["answers"]["z1"]["value"][0]))
    page.check()
    verdicts = page.verdicts(form)
    assert verdicts[0].startswith("\u2717 wrong (1 of 3 entries)") and verdicts[0].endswith(f"see {number}")
    assert verdicts[1:] == ["\u2713 right"] * (len(keys) - 1)
    assert form.locator(".box").first.locator("input.wrong").count() == 1
    assert form.locator("output.score").inner_text() == f"{len(keys) - 1} of {len(keys)} right"

    # a1 wrong too (a slip in it, or carried from z1): it points back to z1's step, the first wrong
    type_key(form, q["answers"], keys, change=lambda k, i, x: -x if (k, i) in (("z1", 0), ("a1", 0)) else x)
    page.check()
    second = page.verdicts(form)[1]
    assert "your z1, wrong first" in second and second.endswith(f"see {number}")

    # the link opens that step
    assert not z1_step.evaluate("d => d.open")
    form.locator(".box").nth(1).get_by_role("link", name=number).click()
    assert z1_step.evaluate("d => d.open") and z1_step.locator(".body").is_visible()

    # a word typed for a number is wrong, and said so; a blank key is not answered
    form.locator(".box").nth(2).locator("input").first.fill("zero point five")
    form.locator(".box").nth(3).locator("input").first.fill("")
    page.check()
    verdicts = page.verdicts(form)
    assert "not a number" in verdicts[2]
    assert verdicts[3].startswith("\u2717 wrong") or verdicts[3] == "not answered"
    page.close()


def test_the_question_sheet_has_no_key_and_no_solution(browser, tmp_path):
    solution = solve(ROOT / "problems" / "exam1.yaml")
    path = tmp_path / "sheet.html"
    path.write_text(render_html(solution, answers=False), encoding="utf-8")
    page = Page(browser, path)
    p = page.page
    assert p.locator("#solve-key").count() == 0 and p.locator("details").count() == 0
    assert p.get_by_role("button", name="Check my answers").count() == 0
    assert p.locator(".math:has(.katex)").count() == p.locator(".math").count() > 0
    assert p.locator("form.answers").first.locator(".box").count() == len(solution.questions[0].answers()) - 1  # yhat is a2
    page.close()


def test_a_hostile_title_shows_as_typed_and_is_never_typeset(browser, tmp_path):
    import re
    hostile = '<script>alert("t")</script> & $\\frac{1}{2}$ \\(x\\) <!-- ]]>'
    problem = tmp_path / "hostile.yaml"
    text = (ROOT / "problems" / "exam1.yaml").read_text(encoding="utf-8")
    problem.write_text(re.sub(r"^title: .*$", lambda m: "title: " + json.dumps(hostile), text, count=1, flags=re.M),
                       encoding="utf-8")
    path = tmp_path / "hostile.html"
    path.write_text(render_html(solve(problem)), encoding="utf-8")
    page = Page(browser, path)
    assert page.page.inner_text("h1") == hostile
    assert page.page.title() == hostile
    page.close()


def test_the_guards_catch_a_request_and_a_console_error(browser, tmp_path):
    """What the other tests rely on: a page that asks the network for something, or logs an
    error, is caught (the routed request aborted and listed, the message kept)."""
    path = tmp_path / "leaky.html"
    path.write_text('<!DOCTYPE html><title>x</title><img src="http://192.0.2.1/x.png">'
                    '<script>console.error("boom")</script>', encoding="utf-8")
    page = Page(browser, path)
    page.page.wait_for_load_state("load")
    assert any("boom" in e for e in page.errors)
    assert browser.outside == ["http://192.0.2.1/x.png"]
    browser.outside.clear()
    page.page.close()
