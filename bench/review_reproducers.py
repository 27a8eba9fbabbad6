"""Re-run the security review's reproducers against a running server and print what each got.

Each reproducer gets its own gunicorn (2 sync workers, as `bench/serve.py` serves it) on a fresh
SQLite file in a folder under instance/, with the app's default limits on, and works over plain
HTTP as a browser or a script would:

1. ownership takeover: a second browser posts the first browser's saved token with its own proof;
2. client-chosen tokens: a browser posts `save_token=AAAA...A` (43 characters);
3. throttling: one browser saves again and again until the server answers 429 (with Retry-After);
4. over-long numbers: 5,000 digits in the API's age, and in the age step's form;
5. writes failing: the database file made immutable (`chattr +i`, needs root and a file system that
   has the attribute); then the database's folder deleted. /readyz must say 503, and a save must
   not be acknowledged.

Each line says what was expected, what came back, and PASS or FAIL; the exit status is 1 if any
failed. Run with `.venv/bin/python bench/review_reproducers.py`.
"""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from serve import ROOT, Client, Reply, gunicorn, migrate

JOURNEY = ("/start?situation=staging&site=lung&age=60&factors=implant,kidney", "/check")
FORM_FIELD = re.compile(r'name="(csrf_token|save_token|save_proof)" value="([^"]*)"')
OWNER_PART = b'id="your-link"'
DELETE_FORM = b"/delete"
LONG_NUMBER = "9" * 5000
MAX_SAVES = 500  # a throttle that has not answered 429 by then is not there

Check = Callable[[int, Path], list[tuple[str, bool, str]]]


def browser(port: int) -> Client:
    """A browser that has answered every question."""
    client = Client(port)
    client.visit(JOURNEY)
    return client


def save_form(client: Client) -> dict[str, str]:
    """The save form's fields from the results page, as the browser holding it sees them."""
    page = client.request("GET", "/results")
    return dict(FORM_FIELD.findall(page.body.decode("utf-8", "replace")))


def save(client: Client, **override: str) -> tuple[Reply, str]:
    """Press "Save and get a link" (with any field replaced); the reply and the link it asked for."""
    form = {**save_form(client), **override}
    return client.request("POST", "/saved", form), f"/saved/{form['save_token']}"


def takeover(port: int, _folder: Path) -> list[tuple[str, bool, str]]:
    """Another browser posts a saved link's token: refused, and it never becomes the owner."""
    owner, other = browser(port), browser(port)
    reply, link = save(owner)
    if reply.status != 303:
        return [("the first browser saves", False, f"status {reply.status}")]
    token = link.rsplit("/", 1)[1]
    stolen, _ = save(other, save_token=token)
    seen = other.request("GET", link)
    delete = other.request("POST", f"{link}/delete", {"csrf_token": save_form(other).get("csrf_token", "")})
    still = owner.request("GET", link)
    return [
        ("another browser posts the token: 400", stolen.status == 400, f"status {stolen.status}"),
        (
            "it sees the result without link or delete button",
            seen.status == 200 and OWNER_PART not in seen.body and DELETE_FORM not in seen.body,
            f"status {seen.status}",
        ),
        ("its delete is refused (404)", delete.status == 404, f"status {delete.status}"),
        ("the owner still has the result", still.status == 200, f"status {still.status}"),
    ]


def chosen_token(port: int, _folder: Path) -> list[tuple[str, bool, str]]:
    """A token the client made up is never stored."""
    client = browser(port)
    token = "A" * 43
    reply, link = save(client, save_token=token)
    after = Client(port).request("GET", link)
    return [
        ("save_token=AAAA...A: 400", reply.status == 400, f"status {reply.status}"),
        ("/saved/AAAA...A does not exist (404)", after.status == 404, f"status {after.status}"),
    ]


def throttle(port: int, _folder: Path) -> list[tuple[str, bool, str]]:
    """One browser saving over and over is answered 429, with Retry-After, and keeps its answers."""
    client = browser(port)
    count = 0
    while count < MAX_SAVES:
        count += 1
        reply, _ = save(client)
        if reply.status != 303:
            break
    retry_after = reply.headers.get("Retry-After", "")
    answers_kept = client.request("GET", "/check").status == 200
    api = Client(port)
    for _ in range(MAX_SAVES * 4):
        api_reply = post_json(
            api, json.dumps({"answers": {"situation": "screening", "site": "breast", "age": 52}})
        )
        if api_reply.status != 200:
            break
    return [
        (f"save number {count} is answered 429", reply.status == 429, f"status {reply.status}"),
        ("with Retry-After", retry_after.isdigit(), f"Retry-After: {retry_after or '(none)'}"),
        ("the answers are still there", answers_kept, "GET /check"),
        (
            "the API is throttled too, in the error shape",
            api_reply.status == 429 and "errors" in json.loads(api_reply.body or b"{}"),
            f"status {api_reply.status} after many calls",
        ),
    ]


def post_json(client: Client, body: str) -> Reply:
    """POST a JSON text to the evaluate endpoint."""
    client.conn.request("POST", "/api/v1/evaluate", body=body, headers={"Content-Type": "application/json"})
    response = client.conn.getresponse()
    return Reply(response.status, response.headers, response.read())


def long_numbers(port: int, _folder: Path) -> list[tuple[str, bool, str]]:
    """Thousands of digits are a plain 400, on the API and on the form."""
    # Written out by hand: json.dumps cannot make an int this long into text.
    api = post_json(
        Client(port), '{"answers": {"situation": "screening", "site": "breast", "age": ' + LONG_NUMBER + "}}"
    )
    person = Client(port)
    person.visit(["/start?situation=screening&site=breast"])
    page = person.request("GET", "/q/age")
    csrf = dict(FORM_FIELD.findall(page.body.decode("utf-8", "replace"))).get("csrf_token", "")
    form = person.request("POST", "/q/age", {"csrf_token": csrf, "age": LONG_NUMBER})
    return [
        ("API age of 5,000 digits: 400", api.status == 400, f"status {api.status}"),
        ("age step with 5,000 digits: 400", form.status == 400, f"status {form.status}"),
    ]


@contextmanager
def immutable(path: Path) -> Iterator[bool]:
    """Make a file immutable while inside; yields False where chattr cannot (not root, tmpfs)."""
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    try:
        yield done.returncode == 0
    finally:
        if done.returncode == 0:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)


def writes_fail(port: int, folder: Path) -> list[tuple[str, bool, str]]:
    """/readyz tells the truth when the database cannot take writes, and no save is acknowledged."""
    results = []
    client = browser(port)
    ready = Client(port).request("GET", "/readyz")
    results.append(("/readyz while all is well: 200", ready.status == 200, f"status {ready.status}"))
    database = folder / "imaging-guide.sqlite3"
    with immutable(database) as made:
        if made:
            ready = Client(port).request("GET", "/readyz")
            reply, _ = save(client)
            results += [
                ("database file immutable: /readyz 503", ready.status == 503, f"status {ready.status}"),
                ("and a save is not acknowledged", reply.status != 303, f"status {reply.status}"),
            ]
        else:
            results.append(("chattr +i (needs root and ext4-like storage)", False, "could not be set"))
    shutil.rmtree(folder)
    ready = Client(port).request("GET", "/readyz")
    reply, _ = save(client)
    results += [
        ("database folder deleted: /readyz 503", ready.status == 503, f"status {ready.status}"),
        ("and a save is not acknowledged", reply.status != 303, f"status {reply.status}"),
    ]
    return results


CHECKS: tuple[tuple[str, Check], ...] = (
    ("Ownership takeover", takeover),
    ("Client-chosen tokens", chosen_token),
    ("Saving and the API are throttled", throttle),
    ("Over-long numbers", long_numbers),
    ("Writes failing", writes_fail),
)


def run(title: str, check: Check) -> int:
    """Serve the app on a fresh database, run one reproducer, print its lines; how many failed.

    Each gets its own server, so one's saves never count against another's limits.
    """
    # Beside the project, not in /tmp: chattr needs a file system with attributes, and /tmp may be tmpfs.
    folder = Path(tempfile.mkdtemp(prefix="ig-review-", dir=ROOT / "instance"))
    print(f"\n{title}")
    try:
        url = f"sqlite:///{folder / 'imaging-guide.sqlite3'}"
        migrate(url)
        with gunicorn(2, {"IG_BENCH_DATABASE_URL": url, "IG_BENCH_LIMITS": "on"}) as server:
            try:
                lines = check(server.port, folder)
            except (OSError, http.client.HTTPException, RuntimeError, KeyError) as exc:
                lines = [("reproducer ran", False, f"{type(exc).__name__}: {exc}")]
            log = server.log_text()
    finally:
        with suppress(OSError):
            shutil.rmtree(folder)
    errors = [line for line in log.splitlines() if "Traceback" in line or "[ERROR]" in line]
    lines.append(("no errors in gunicorn's log", not errors, f"{len(errors)} error line(s)"))
    for what, ok, got in lines:
        print(f"  {'PASS' if ok else 'FAIL'}  {what}  ({got})")
    return sum(not ok for _what, ok, _got in lines)


def main() -> int:
    """Run every reproducer against its own server; exit status 1 if any check failed."""
    failed = sum(run(title, check) for title, check in CHECKS)
    print("\nevery reproducer was refused" if not failed else f"\n{failed} check(s) FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
