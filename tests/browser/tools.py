"""What the browser tests look at: axe-core results, focus, layout, and where a page has landed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

# WCAG 2.2 AA is the target, so axe's target-size check (off by default in axe 4.12) is switched on.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


def axe_violations(page: Any) -> list[str]:
    """Run axe-core on the page; describe each violation (id, help, first targets) for the failure."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert len(violations) == results.violations_count
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} found, e.g. {[n['target'] for n in v['nodes'][:3]]})"
        for v in violations
    ]


def path_of(page: Any) -> str:
    """The path and query the page is showing, without the server's address."""
    url = urlsplit(page.url)
    return url.path + (f"?{url.query}" if url.query else "")


# Describe the focused element the way a person would find it: its id, or its role and words.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {id: "", text: "", tag: "body", ring: false};
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return {
    id: el.id,
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || label || el.value || "").trim(),
    ring: style.outlineStyle !== "none" || style.boxShadow !== "none",
  };
}"""


def focused(page: Any) -> dict[str, Any]:
    """Id, tag, words and whether a focus ring shows, for the element that has focus."""
    return page.evaluate(FOCUSED)


def tab_to(page: Any, *, text: str | None = None, element_id: str | None = None, limit: int = 60) -> None:
    """Press Tab until focus reaches the element with these words or this id; every stop must show focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now["ring"], f"no visible focus on {now}"
        if (element_id and now["id"] == element_id) or (text and now["text"] == text):
            return
    raise AssertionError(f"Tab never reached {text or element_id!r} on {path_of(page)}")


# Everything a person could see that sticks out of the viewport or is cut off by its box. Visually
# hidden text (.ig-vh), things parked wholly off-screen to the left until focused (the skip link) and
# scrolling regions that are meant to scroll are left out.
OVERFLOW = """(scrollers) => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const skip = (el) => el.closest(".ig-vh") || (scrollers && el.closest(scrollers));
  for (const el of document.body.querySelectorAll("*")) {
    if (skip(el)) continue;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const box = el.getBoundingClientRect();
    if ((box.width === 0 && box.height === 0) || box.right <= 0) continue;
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "");
    if (box.right > width + 1 || box.left < -1) problems.push(name + " sticks out: " + Math.round(box.left) + " to " + Math.round(box.right));
    const clips = ["hidden", "clip"].includes(style.overflowX) || ["hidden", "clip"].includes(style.overflowY);
    if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
      problems.push(name + " cuts off its text");
  }
  return problems;
}"""


def overflow_problems(page: Any, scrollers: str = "") -> list[str]:
    """Elements outside the viewport's width or clipped by their own box, outside `scrollers`."""
    return page.evaluate(OVERFLOW, scrollers)


def page_width(page: Any) -> int:
    """How wide the document is: more than the viewport means a sideways scroll."""
    return page.evaluate("() => document.documentElement.scrollWidth")
