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


def click_to_next_page(locator: Any) -> None:
    """Click a link or button that loads another page, and wait until that page has loaded.

    A click returns once the navigation has begun: reading the page straight after (an evaluate)
    can meet the next document before it is parsed, and fails only when the machine is busy.
    """
    with locator.page.expect_navigation():
        locator.click()


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


# Focus visibility, checked honestly: before anything has focus, remember how every element (its
# ::before and ::after, and its labels) looks; at each keyboard stop compare the focused element
# with that. A stop passes when something a person can see changed: outline, box-shadow, background,
# text colour, underline or border. It must also be on screen and not covered (WCAG 2.4.7, 2.4.11).
FOCUS_PROBE = """() => {
  if (window.__igFocus) return;
  const alpha = (c) => {
    const m = /rgba?\\(([^)]*)\\)/.exec(c || "");
    if (!m) return c === "transparent" ? 0 : 1;
    const parts = m[1].split(/[\\s,\\/]+/).filter(Boolean);
    return parts.length > 3 ? parseFloat(parts[3]) : 1;
  };
  const line = (style, width, color) =>
    style !== "none" && style !== "hidden" && parseFloat(width) > 0 && alpha(color) > 0
      ? style + " " + width + " " + color : "none";
  const look = (el, pseudo) => {
    const s = getComputedStyle(el, pseudo);
    if (pseudo && (s.content === "none" || s.content === "normal")) return {drawn: "no"};
    const sides = ["Top", "Right", "Bottom", "Left"].map(
      (side) => line(s["border" + side + "Style"], s["border" + side + "Width"], s["border" + side + "Color"]));
    return {
      drawn: pseudo ? s.content : "yes",
      outline: ((o) => o === "none" ? o : o + " offset " + s.outlineOffset)(
        line(s.outlineStyle, s.outlineWidth, s.outlineColor)),
      "box-shadow": s.boxShadow,
      background: (alpha(s.backgroundColor) > 0 ? s.backgroundColor : "transparent") + " " + s.backgroundImage,
      colour: s.color,
      underline: s.textDecorationLine === "none" ? "none" :
        [s.textDecorationLine, s.textDecorationStyle, s.textDecorationThickness, s.textDecorationColor].join(" "),
      border: sides.join(", "),
    };
  };
  const looks = (el) => {
    const parts = {"": look(el, null), "::before": look(el, "::before"), "::after": look(el, "::after")};
    Array.from(el.labels || []).forEach((label, i) => {
      parts["label " + i] = look(label, null);
      parts["label " + i + "::before"] = look(label, "::before");
      parts["label " + i + "::after"] = look(label, "::after");
    });
    return parts;
  };
  const name = (el) => {
    const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
    const words = (el.getAttribute("aria-label") || el.innerText || label || el.value || "").trim();
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.type && el.tagName === "INPUT" ? "[" + el.type + "]" : "") +
      (words ? " “" + words.split(/\\s+/).join(" ").slice(0, 60) + "”" : "");
  };
  const before = new WeakMap();
  for (const el of document.querySelectorAll("*")) before.set(el, looks(el));
  const keys = new WeakMap();
  let next = 0;
  window.__igFocus = {
    report() {
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement) return null;
      if (!keys.has(el)) keys.set(el, ++next);
      const was = before.get(el);
      const now = looks(el);
      const changes = [];
      for (const [part, style] of Object.entries(now)) {
        const old = (was && was[part]) || {};
        for (const [prop, value] of Object.entries(style)) {
          if (old[prop] !== value && !(prop === "drawn" && value === "no")) {
            changes.push((part ? part + " " : "") + prop);
          }
        }
      }
      const box = el.getBoundingClientRect();
      const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 &&
        box.top < innerHeight && box.left < innerWidth;
      // A link that wraps has one box per line and its overall box's centre may be between them, so
      // it counts as covered only when the centre of every one of its boxes shows something else.
      let coveredBy = "";
      if (onScreen) {
        const ours = (top) => top && (el.contains(top) || Array.from(el.labels || []).some((l) => l.contains(top)));
        const tops = Array.from(el.getClientRects()).filter((r) => r.width > 0 && r.height > 0).map((r) =>
          document.elementFromPoint(Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1),
                                    Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1)));
        if (tops.length && !tops.some(ours) && tops[0]) coveredBy = name(tops[0]);
      }
      return {key: keys.get(el), name: name(el), known: !!was, changes, onScreen, coveredBy};
    },
  };
}"""


def focus_problems(stop: dict[str, Any]) -> list[str]:
    """What is wrong with one keyboard stop: no visible change, off screen, or covered."""
    problems = []
    if not stop["known"]:
        problems.append("appeared after the page loaded, so its unfocused look is unknown")
    elif not stop["changes"]:
        problems.append(
            "looks the same focused and unfocused (no outline, shadow, colour or underline change)"
        )
    if not stop["onScreen"]:
        problems.append("is not on screen when focused")
    if stop["coveredBy"]:
        problems.append(f"is covered by {stop['coveredBy']} when focused")
    return problems


def keyboard_stops(page: Any, limit: int = 400) -> tuple[list[dict[str, Any]], bool]:
    """Press Tab until focus comes back to the first stop; return every stop and whether it came back.

    Starting wherever focus is (an autofocused error summary, say), one whole cycle visits every
    element the keyboard reaches; the body in between (focus left the page) is not a stop.
    """
    page.evaluate(FOCUS_PROBE)
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate("() => window.__igFocus.report()")
        if stop is None:
            continue
        if stops and stop["key"] == stops[0]["key"]:
            return stops, True
        stops.append(stop)
    return stops, False


def axe_violations_without_scripts(context: Any, url: str, served: Any) -> list[str]:
    """Run axe on a document as served with its scripts blocked, as a browser with JavaScript off shows it.

    axe itself is JavaScript, so it cannot run in the browser that has it switched off.
    """
    body, headers = served.body(), served.headers

    def answer(route: Any) -> None:
        if route.request.url == url:
            route.fulfill(status=served.status, headers=headers, body=body)
        elif route.request.resource_type == "script":
            route.abort()
        else:
            route.continue_()

    tab = context.new_page()
    try:
        tab.route("**/*", answer)
        tab.goto(url)
        return axe_violations(tab)
    finally:
        tab.close()
