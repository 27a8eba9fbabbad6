"""Say what differs between two results: tests added, removed or at another level, and notes."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Caution, ImagingTest, Note, Result, ResultTest

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class TestDifference:
    """One test that is new, gone, or at another level, with the reason that goes with it.

    The reason is the one the result now gives for the test; for a test that is gone, the one the
    first result gave, so a reader sees why it was there. `changed_by` names the safety factors
    that set the level in that same result (empty when the level is the usual one).
    """

    test: ImagingTest
    kind: str
    before: str | None  # the level in the first result (None: not in it)
    after: str | None  # the level in the second result (None: not in it)
    why: str
    changed_by: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The test id."""
        return self.test.id


@dataclass(frozen=True)
class CautionDifference:
    """A caution that a test in both results gained or lost (a safety factor added or removed)."""

    test: ImagingTest
    caution: Caution


@dataclass(frozen=True)
class Difference:
    """Everything that differs between a result `before` and a result `after`, in the results' order."""

    added: tuple[TestDifference, ...]
    removed: tuple[TestDifference, ...]
    changed: tuple[TestDifference, ...]
    notes_added: tuple[Note, ...]
    notes_removed: tuple[Note, ...]
    cautions_added: tuple[CautionDifference, ...]
    cautions_removed: tuple[CautionDifference, ...]
    same: tuple[ResultTest, ...]  # tests at the same level in both, as the second result has them

    @property
    def tests_differ(self) -> bool:
        """Whether any test is new, gone, or at another level."""
        return bool(self.added or self.removed or self.changed)

    @property
    def notes_differ(self) -> bool:
        """Whether any note is new or gone."""
        return bool(self.notes_added or self.notes_removed)

    @property
    def cautions_differ(self) -> bool:
        """Whether a test kept its place but gained or lost a caution."""
        return bool(self.cautions_added or self.cautions_removed)

    @property
    def nothing(self) -> bool:
        """True when the two results say the same things."""
        return not (self.tests_differ or self.notes_differ or self.cautions_differ)


def _cautions(
    before: ResultTest, after: ResultTest
) -> tuple[list[CautionDifference], list[CautionDifference]]:
    """The cautions one test gained and lost between two results."""
    old = {c.factor: c for c in before.cautions}
    new = {c.factor: c for c in after.cautions}
    gained = [CautionDifference(after.test, c) for factor, c in new.items() if factor not in old]
    lost = [CautionDifference(before.test, c) for factor, c in old.items() if factor not in new]
    return gained, lost


def compare(before: Result, after: Result) -> Difference:
    """Compare two results of one rulebook: what the second adds, drops or changes, and why."""
    old = {t.id: t for t in before.tests}
    new = {t.id: t for t in after.tests}
    added, changed, same = [], [], []
    cautions_added: list[CautionDifference] = []
    cautions_removed: list[CautionDifference] = []
    for test in after.tests:
        was = old.get(test.id)
        if was is None:
            added.append(TestDifference(test.test, ADDED, None, test.level, test.why, test.changed_by))
            continue
        if was.level != test.level:
            changed.append(
                TestDifference(test.test, CHANGED, was.level, test.level, test.why, test.changed_by)
            )
        else:
            same.append(test)
        gained, lost = _cautions(was, test)
        cautions_added += gained
        cautions_removed += lost
    removed = [
        TestDifference(t.test, REMOVED, t.level, None, t.why, t.changed_by)
        for t in before.tests
        if t.id not in new
    ]
    old_notes = {n.id for n in before.notes}
    new_notes = {n.id for n in after.notes}
    return Difference(
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        notes_added=tuple(n for n in after.notes if n.id not in old_notes),
        notes_removed=tuple(n for n in before.notes if n.id not in new_notes),
        cautions_added=tuple(cautions_added),
        cautions_removed=tuple(cautions_removed),
        same=tuple(same),
    )
