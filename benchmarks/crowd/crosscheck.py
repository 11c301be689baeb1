"""After the crowd: is every acknowledged ballot in the store, exactly once, as the resident left it?

Acknowledged = the simulated resident saw "Bedankt, uw stem is ontvangen". Compared with the
store's current ballots (``Store.ballots``) of the crowd's workshop: missing, duplicated
(more than one current ballot for a code) and different (choices, buurt, age group, remark).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class CrossCheck:
    acknowledged: int = 0
    stored: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    different: list[dict] = field(default_factory=list)
    stored_not_acknowledged: int = 0  # e.g. left right after "Stem versturen": fine, not a loss

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.different)


def cross_check(store, workshop_id: int, outcomes) -> CrossCheck:
    current = defaultdict(list)
    for ballot in store.ballots(workshop_id):
        current[ballot.code].append(ballot)
    result = CrossCheck(stored=sum(len(v) for v in current.values()))
    acknowledged = {o.code: o for o in outcomes if o.acknowledged}
    result.acknowledged = len(acknowledged)
    result.stored_not_acknowledged = len(set(current) - set(acknowledged))
    for code, outcome in sorted(acknowledged.items()):
        found = current.get(code, [])
        if not found:
            result.missing.append(code)
            continue
        if len(found) > 1:
            result.duplicated.append(code)
        ballot = found[-1]
        expected = {"choices": outcome.choices, "buurt": outcome.buurt, "age_group": outcome.age_group,
                    "remark": outcome.remark}
        actual = {"choices": dict(ballot.choices), "buurt": ballot.buurt, "age_group": ballot.age_group,
                  "remark": ballot.remark or ""}
        if expected != actual:
            result.different.append({"code": code, "expected": expected, "stored": actual})
    return result
