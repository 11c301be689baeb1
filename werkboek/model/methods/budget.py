"""Begroten: spend a budget on acties whose costs you see ("shopping cart", knapsack voting).

The workshop sets a budget in euros for the whole ballot, or the same budget for each
leefgebied (OpenStad's budget per theme). A resident chooses acties (a value of 1) as long as
their costs fit what is left; optionally they must spend at least a share of it (Decidim's
"threshold percent"): the minimum holds for every budget the resident spent anything of, so
a ballot with only a remark stays possible. As for every method, the store checks the whole
ballot again (:meth:`Budget.validate_ballot`, with the catalogue's costs, never the browser's).

The costs of the acties are the ballot's: :meth:`Budget.for_ballot` keeps them for the
resident's draft (``workshop.voting_method(catalogue)``). Results announce which acties fit
the budget by greedy support (:meth:`Budget.funded`), as OpenStad, Decidim and the Stanford
platform announce winners; the scenario rules (Method of Equal Shares, ...) run on the same
ballots in ``werkboek.scenarios``. In pabulib a ballot is ``vote_type approval`` with the
budget and ``max_sum_cost``, as Decidim's exporter writes it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from werkboek.dutch import amount_in_words, euros_in_words
from werkboek.errors import BallotRejected
from werkboek.model.methods.base import Method, Param, register

WHOLE, PER_LEEFGEBIED = 0, 1
MAX_BUDGET = 1_000_000_000  # € 1 miljard: more than the whole programme


def greedy_by_support(support: Mapping[str, float], costs: Mapping[str, int], budget: int) -> list[str]:
    """The acties a budget pays for, most support first, skipping one that no longer fits.

    Ties in support go to the cheaper actie, then by id; an actie nobody chose is not funded.
    """
    order = sorted((a for a in costs if support.get(a, 0) > 0), key=lambda a: (-support[a], costs[a], a))
    chosen, left = [], budget
    for actie_id in order:
        if costs[actie_id] <= left:
            chosen.append(actie_id)
            left -= costs[actie_id]
    return chosen


@register
@dataclass(frozen=True)
class Budget(Method):
    key: ClassVar[str] = "begroten"
    label: ClassVar[str] = "Begroten met een budget"
    label_en: ClassVar[str] = "Spend a budget"
    score_label: ClassVar[str] = "Gekozen door"
    pabulib_vote_type: ClassVar[str] = "approval"
    params_spec: ClassVar[tuple[Param, ...]] = (
        Param("budget", "Budget in euro", "Budget in euros", 10_000_000, 1_000, MAX_BUDGET, unit="euro"),
        Param("per_leefgebied", "Het budget is voor", "The budget is for", WHOLE, WHOLE, PER_LEEFGEBIED,
              choices=((WHOLE, "het hele stembiljet"), (PER_LEEFGEBIED, "elk leefgebied apart"))),
        Param("minimum_percent", "Minstens uitgeven (procent van het budget)",
              "Spend at least (percent of the budget)", None, 1, 100, optional=True),
    )
    order: ClassVar[int] = 4
    actions: ClassVar[tuple[str, ...]] = ("toggle",)
    budget: int = 10_000_000
    per_leefgebied: int = WHOLE
    minimum_percent: int | None = None

    # -- the ballot's acties --------------------------------------------------------------

    def for_ballot(self, acties: Mapping[str, object]) -> "Budget":
        bound = Budget(self.budget, self.per_leefgebied, self.minimum_percent)
        object.__setattr__(bound, "_acties", dict(acties))
        return bound

    def _cost(self, actie_id: str) -> int:
        acties = getattr(self, "_acties", None)
        if acties is None:
            raise RuntimeError("begroten needs the ballot's acties: use workshop.voting_method(catalogue)")
        return acties[actie_id].kosten

    def spent(self, choices: Mapping[str, int]) -> int:
        return sum(self._cost(a) for a in choices)

    @property
    def minimum(self) -> int:
        """The least a resident spends of a budget they use (0: no minimum)."""
        return math.ceil(self.budget * self.minimum_percent / 100) if self.minimum_percent else 0

    @property
    def whole_ballot(self) -> bool:
        return self.per_leefgebied == WHOLE

    # -- the ballot -----------------------------------------------------------------------

    def validate_leefgebied(self, leefgebied: str, choices: Mapping[str, int]) -> None:
        if any(v != 1 for v in choices.values()):
            raise BallotRejected("invalid_budget_choice")

    def validate_ballot(self, by_leefgebied: Mapping[str, Mapping[str, int]], catalogue) -> None:
        for lg, choices in by_leefgebied.items():
            self.validate_leefgebied(catalogue.leefgebieden[lg].naam, choices)
        if self.whole_ballot:
            parts = [(None, [a for choices in by_leefgebied.values() for a in choices])]
        else:
            parts = [(catalogue.leefgebieden[lg], list(choices)) for lg, choices in by_leefgebied.items()]
        for lg, chosen in parts:
            if not chosen:
                continue
            spent = sum(catalogue.acties[a].kosten for a in chosen)
            where = {} if lg is None else {"leefgebied": lg.naam, "leefgebied_en": lg.naam_en or lg.naam}
            suffix = "" if lg is None else "_in"
            if spent > self.budget:
                raise BallotRejected("over_budget" + suffix, **where, **_amounts(spent=spent, budget=self.budget))
            if spent < self.minimum:
                raise BallotRejected("under_minimum" + suffix, **where, **_amounts(spent=spent, minimum=self.minimum))

    def score(self, value: int) -> float:
        return 1.0

    def left(self, choices: Mapping[str, int]) -> int:
        """Euros left of the budget (of the whole ballot or of one leefgebied, see :attr:`whole_ballot`)."""
        return self.budget - self.spent(choices)

    def apply(self, choices: Mapping[str, int], actie_id: str, action: str) -> dict[str, int] | None:
        if action != "toggle":
            return None
        if actie_id in choices:
            return {a: v for a, v in choices.items() if a != actie_id}
        if self._cost(actie_id) > self.left(choices):
            return None
        return {**choices, actie_id: 1}

    def clean(self, choices: Mapping[str, int]) -> dict[str, int]:
        out: dict[str, int] = {}
        for actie_id in choices:
            out = self.apply(out, actie_id, "toggle") or out
        return out

    def fits(self, choices: Mapping[str, int], actie_id: str) -> bool:
        """Whether an actie not chosen yet still fits what is left."""
        return actie_id in choices or self._cost(actie_id) <= self.left(choices)

    # -- words ----------------------------------------------------------------------------

    def describe(self, lang: str = "nl") -> str:
        budget = amount_in_words(self.budget, lang)
        minimum = amount_in_words(self.minimum, lang)
        if lang == "en":
            text = (f"You have {budget} for all topics together. Choose the actions you want to pay for, "
                    "until the money runs out." if self.whole_ballot else
                    f"You have {budget} for each topic. Choose the actions you want to pay for.")
            return text + (f" Spend at least {minimum}." if self.minimum else "")
        text = (f"U heeft {budget} voor alle leefgebieden samen. Kies de acties die u wilt betalen, "
                "tot het geld op is." if self.whole_ballot else
                f"U heeft {budget} voor elk leefgebied. Kies per leefgebied de acties die u wilt betalen.")
        return text + (f" Geef minstens {minimum} uit." if self.minimum else "")

    def value_label(self, value: int, lang: str = "nl") -> str:
        return "✓"

    def choice_label(self, actie, value: int, lang: str = "nl") -> str:
        return euros_in_words(actie.kosten, lang)

    def review_note(self, choices: Mapping[str, int], lang: str = "nl") -> str:
        spent, left = amount_in_words(self.spent(choices), lang), amount_in_words(self.left(choices), lang)
        if lang == "en":
            return f"You spend {spent}. You have {left} left."
        return f"U geeft {spent} uit. U houdt {left} over."

    # -- paper ----------------------------------------------------------------------------

    paper_box: ClassVar[str] = "tick"

    def paper_instructions(self) -> list[str]:
        budget = amount_in_words(self.budget)
        lines = [f"U heeft {budget} voor alle leefgebieden samen." if self.whole_ballot else
                 f"U heeft {budget} voor elk leefgebied.",
                 "Zet een kruisje bij de acties die u wilt betalen. Bij elke actie staat wat hij kost.",
                 "Tel de kosten op. Samen niet meer dan " + budget +
                 ("." if self.whole_ballot else " per leefgebied.")]
        if self.minimum:
            lines.append(f"Geef minstens {amount_in_words(self.minimum)} uit.")
        return lines

    def paper_hint(self) -> str:
        return "" if self.whole_ballot else f"Hier {amount_in_words(self.budget)}."

    def read_paper(self, typed: str) -> int | None:
        """A cross: ``x``, ``v`` or ``1`` (what a volunteer types for a ticked box)."""
        text = (typed or "").strip().lower()
        if not text:
            return None
        if text in ("x", "v", "1", "+", "✓"):
            return 1
        raise ValueError("Typ x als het vak is aangekruist, of laat het vak leeg.")

    # -- results --------------------------------------------------------------------------

    def funded(self, support: Mapping[str, float], acties: list) -> list[tuple[str | None, list[str]]]:
        if self.whole_ballot:
            return [(None, greedy_by_support(support, {a.id: a.kosten for a in acties}, self.budget))]
        out = []
        for lg in dict.fromkeys(a.leefgebied for a in acties):
            costs = {a.id: a.kosten for a in acties if a.leefgebied == lg}
            out.append((lg, greedy_by_support(support, costs, self.budget)))
        return out

    # -- elsewhere ------------------------------------------------------------------------

    def pabulib_meta(self, leefgebieden: int) -> dict:
        budgets = 1 if self.whole_ballot else leefgebieden
        meta = {"max_sum_cost": self.budget * budgets}
        if self.minimum:
            meta["min_sum_cost"] = self.minimum  # every ballot that chose anything spent at least this
        return meta

    def pabulib_meta_per_category(self) -> dict:
        return {} if self.whole_ballot else {"max_sum_cost": self.budget}

    def pabulib_budget(self, leefgebieden: int) -> int:
        return self.budget * (1 if self.whole_ballot else leefgebieden)

    @classmethod
    def pabulib_claims(cls, meta: Mapping) -> bool:
        return str(meta.get("max_sum_cost", "")).strip().lower() not in ("", "none")

    def demo_choices(self, rng: random.Random, preferred: list[str]) -> dict[str, int]:
        """Most-liked acties that fit; with one budget for all, each leefgebied gets its share of it."""
        acties = getattr(self, "_acties", {})
        leefgebieden = {acties[a].leefgebied for a in acties} or {None}
        share = self.budget // len(leefgebieden) if self.whole_ballot else self.budget
        out: dict[str, int] = {}
        for actie_id in preferred[: rng.randint(1, 3)]:
            if self.spent(out) + self._cost(actie_id) <= share:
                out[actie_id] = 1
        if not self.whole_ballot and out and self.spent(out) < self.minimum:
            return {}  # (with one budget for all, the demo does not try to reach a minimum)
        return out


def _amounts(**amounts: int) -> dict[str, str]:
    """Amounts for a refusal's texts, in Dutch words and (``<name>_en``) English ones."""
    out = {}
    for name, value in amounts.items():
        out[name] = amount_in_words(value)
        out[f"{name}_en"] = amount_in_words(value, "en")
    return out
