"""A tiny page-reading browser over Flask's test client.

It follows redirects, reads what a person sees, and submits forms the way a browser would, CSRF
token included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.inputs: list[dict[str, str]] = []
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
        elif tag == "input":
            a["_form"] = str(len(self.forms) - 1) if self._form else ""
            self.inputs.append(a)
            if self._form and a.get("type") == "hidden":
                self._form.fields.append((a.get("name", ""), a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def strip_tags(html: str) -> str:
    """Text of an HTML fragment with tags removed and spaces folded; inline tags split no words."""
    inline_gone = re.sub(r"</?(?:a|strong|em|span|code|button)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", inline_gone))).strip()


class Page:
    """A page as a person reaches it, after any redirects."""

    def __init__(self, browser: Browser, url: str, status: int, html: str, headers=None) -> None:
        self.browser, self.url, self.status, self.html = browser, url, status, html
        self.headers = headers or {}
        self.reader = _Reader()
        self.reader.feed(html)

    @property
    def main(self) -> str:
        match = re.search(r"<main\b.*?</main>", self.html, re.S)
        return match.group(0) if match else self.html

    @property
    def screen(self) -> str:
        """What the page shows on screen.

        That is main, without the explanations of hard words (popovers a person opens one at a
        time) and without the handout that only prints.
        """
        shown = self.main.split('<div class="ig-print-only">')[0]
        return re.sub(r'<span class="ig-term__box".*?</button></span>', "", shown, flags=re.S)

    @property
    def handout(self) -> str:
        """The printed handout's text, from a print view or the print-only part of a page."""
        match = re.search(r'<article class="ig-handout".*?</article>', self.html, re.S)
        assert match, f"no handout on {self.url}"
        return strip_tags(match.group(0))

    @property
    def text(self) -> str:
        return strip_tags(self.screen)

    @property
    def title(self) -> str:
        match = re.search(r"<title>(.*?)</title>", self.html, re.S)
        return strip_tags(match.group(1)) if match else ""

    @property
    def h1(self) -> str:
        match = re.search(r"<h1\b[^>]*>(.*?)</h1>", self.html, re.S)
        return strip_tags(match.group(1)) if match else ""

    @property
    def back_link(self) -> str | None:
        match = re.search(r'<a class="ig-back[^"]*" href="([^"]+)"', self.html)
        return unescape(match.group(1)) if match else None

    def links(self) -> list[str]:
        return [unescape(h) for h in re.findall(r'<a\b[^>]*\bhref="([^"]+)"', self.html)]

    def checked(self, name: str) -> list[str]:
        return [i["value"] for i in self.reader.inputs if i.get("name") == name and "checked" in i]

    def field_value(self, name: str) -> str | None:
        for i in self.reader.inputs:
            if i.get("name") == name and i.get("type") in ("text", None, ""):
                return i.get("value", "")
        return None

    def error_summary(self) -> list[tuple[str, str]]:
        match = re.search(r'<div class="ig-error-summary".*?</ul>', self.html, re.S)
        if not match:
            return []
        return [
            (unescape(href), strip_tags(text))
            for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', match.group(0), re.S)
        ]

    def summary_rows(self) -> dict[str, str]:
        """Each answer row's key and value; the items of a list answer come one per line."""
        rows = re.findall(
            r'<dt class="ig-summary-list__key">(.*?)</dt>\s*<dd class="ig-summary-list__value">(.*?)</dd>',
            self.html,
            re.S,
        )
        return {
            strip_tags(k): "\n".join(strip_tags(item) for item in re.split(r"</li>\s*<li>", v))
            for k, v in rows
        }

    def region(self, heading: str) -> str:
        match = re.search(r'<div class="ig-notice"[^>]*>(.*?)</div>', self.html, re.S)
        assert match and heading in match.group(1), f"no notice headed {heading!r}"
        return strip_tags(match.group(1))

    def section(self, heading: str) -> str:
        """The text from an h2 to the next h2, on screen."""
        content = re.sub(r"<nav\b.*?</nav>", "", self.screen, flags=re.S)  # a contents list is not content
        parts = re.split(r"<h2\b", content)
        for part in parts[1:]:
            title = re.match(r"[^>]*>(.*?)</h2>", part, re.S)
            if title and strip_tags(title.group(1)) == heading:
                return strip_tags("<h2" + part)
        raise AssertionError(f"no section {heading!r}")

    def _form(self, action: str | None) -> Form:
        forms = [f for f in self.reader.forms if f.method == "post"]
        if action is not None:
            forms = [f for f in forms if urlsplit(unescape(f.action)).path == action]
        else:
            forms = [f for f in forms if not f.action.endswith("/restart")]
        assert forms, f"no form {action or ''} on {self.url}"
        return forms[0]

    def submit(self, data: dict[str, str | list[str]]) -> Page:
        """Fill the page's main form and send it, as a person pressing Continue."""
        return self.submit_form(None, data)

    def submit_form(self, action: str | None = None, data: dict[str, str | list[str]] | None = None) -> Page:
        form = self._form(action)
        fields: list[tuple[str, str]] = list(form.fields)
        for name, value in (data or {}).items():
            fields += [(name, v) for v in (value if isinstance(value, list) else [value])]
        target = unescape(form.action) or self.url
        response = self.browser.client.post(target, data=_multi(fields))
        return self.browser.follow(response, target)


def _multi(fields: list[tuple[str, str]]):
    from werkzeug.datastructures import MultiDict

    return MultiDict(fields)


class Browser:
    """Follow redirects with a Flask test client, keeping cookies like a browser."""

    def __init__(self, client) -> None:
        self.client = client

    def get(self, url: str) -> Page:
        return self.follow(self.client.get(url), url)

    def follow(self, response, url: str) -> Page:
        for _ in range(10):
            if response.status_code not in (301, 302, 303, 307, 308):
                break
            url = response.headers["Location"]
            response = self.client.get(url)
        path = urlsplit(url)
        shown = path.path + (f"?{path.query}" if path.query else "")
        return Page(self, shown, response.status_code, response.get_data(as_text=True), response.headers)
