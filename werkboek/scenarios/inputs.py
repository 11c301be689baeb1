"""What a scenario decides between: candidates (acties or pabulib projects) and the ballots.

Two sources:

* the catalogue plus the ballots of some workshops in the store (or no ballots at all:
  "catalogue only", where every actie gets the same neutral support);
* a pabulib ``.pb`` file from elsewhere (see :mod:`werkboek.formats.pabulib`), whose projects become
  candidates without partners or buurten.

Ballots are kept as plain values here (the method's value per actie, the weight, the buurt);
:mod:`werkboek.scenarios.selection` turns them into pabutools profiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from werkboek.model.methods import make_method
from werkboek.scenarios.params import Scenario


@dataclass(frozen=True)
class Candidate:
    """An actie a scenario may fund (from the catalogue, or a project of a pabulib file)."""

    id: str
    titel: str
    leefgebied: str  # "" when unknown (a pabulib project without a matching category)
    kosten: int | Fraction  # euros over the whole duration (a pabulib file's decimal costs kept exactly)
    looptijd: int  # years
    horizon: str  # "versnelling" | "structureel"
    buurten: tuple[str, ...] = ()  # the buurten it reaches (empty: unknown)
    investeerders: tuple[tuple[str, float], ...] = ()
    incasseerders: tuple[str, ...] = ()

    @property
    def kosten_per_jaar(self) -> float:
        return self.kosten / self.looptijd

    def cost_within(self, years: int) -> int:
        """What the actie costs inside a horizon of ``years`` years, starting at once (whole euros when cut)."""
        if self.looptijd <= years:
            return self.kosten
        return round(self.kosten_per_jaar * years)


@dataclass(frozen=True)
class VoterBallot:
    """One ballot as a scenario sees it: scores per actie, and its weight (set by weighting)."""

    voter_id: str
    method: str  # a voting method's key (werkboek.model.methods)
    values: dict[str, int]  # actie id -> the method's value (points, 1, or rank)
    scores: dict[str, float]  # actie id -> score (points, 1, or Borda score)
    buurt: str = ""
    group_size: int = 1
    weight: float = 1.0

    def top_choices(self) -> set[str]:
        """The acties this ballot scored highest (ties: all of them)."""
        best = max(self.scores.values(), default=0.0)
        return {a for a, s in self.scores.items() if s > 0 and s == best}

    def funded_share(self, funded: set[str]) -> float | None:
        """The part of this ballot's support (its scores) that went to funded acties."""
        total = sum(self.scores.values())
        return sum(s for a, s in self.scores.items() if a in funded) / total if total else None


@dataclass
class ScenarioInput:
    candidates: dict[str, Candidate]
    ballots: list[VoterBallot]
    methods: tuple[str, ...]  # the voting methods present (empty: no ballots)
    source_label: str  # where the ballots come from, for the report
    budget_hint: float | None = None  # a pabulib file's own budget
    notes: list[str] = field(default_factory=list)
    forced_in: tuple[str, ...] = ()  # acties the input itself forces in (from_decisions: the gekozen ones)


def candidates_from_catalogue(catalogue) -> dict[str, Candidate]:
    return {
        a.id: Candidate(a.id, a.titel, a.leefgebied, a.kosten, a.looptijd, a.horizon,
                        tuple(catalogue.buurten_of(a)), a.investeerders, a.incasseerders)
        for a in catalogue.acties.values()
    }


def voter_ballots(stored, workshops) -> list[VoterBallot]:
    """Turn the store's ballots into scenario ballots (weight 1; see weighting)."""
    methods = {w.id: (w.method, make_method(w.method, w.method_params)) for w in workshops}
    result = []
    for b in stored:
        key, method = methods[b.workshop_id]
        result.append(VoterBallot(
            voter_id=str(b.id), method=key, values=dict(b.choices),
            scores={a: method.score(v) for a, v in b.choices.items()},
            buurt=b.buurt or "", group_size=b.group_size,
        ))
    return result


def load_input(scenario: Scenario, catalogue, store=None) -> ScenarioInput:
    """Gather candidates and ballots for a scenario (store: a werkboek Store, opened when needed)."""
    if scenario.pb_file:
        return input_from_pb(scenario.pb_file, catalogue)
    candidates = candidates_from_catalogue(catalogue)
    if not scenario.workshops and not scenario.from_decisions:
        return ScenarioInput(candidates, [], (), "Alleen de catalogus: geen stemmen gebruikt")
    from werkboek.errors import NotFound, ScenarioError

    own_store = store is None
    if own_store:
        from werkboek.store import Store

        store = Store(scenario.database_url, catalogue=catalogue)
    try:
        decided = _from_decisions(store, candidates) if scenario.from_decisions else None
        if not scenario.workshops:
            data = ScenarioInput(candidates, [], (), "Alleen de catalogus: geen stemmen gebruikt")
            return _with_decisions(data, decided)
        workshops = []
        for wid in scenario.workshops:
            try:
                workshops.append(store.workshop(wid))
            except NotFound:  # the store's answer for an unknown id
                raise ScenarioError(f"{scenario.source or 'parameters'}, parameter 'workshops': "
                                    f"workshop {wid} bestaat niet") from None
        stored = store.ballots([w.id for w in workshops])
    finally:
        if own_store:
            store.close()
    ballots = voter_ballots(stored, workshops)
    titles = ", ".join(f"{w.title} ({w.id})" for w in workshops)
    return _with_decisions(ScenarioInput(candidates, ballots, tuple(sorted({w.method for w in workshops})),
                                         f"Stemmen van {titles}: {len(ballots)} stembiljetten"), decided)


def _from_decisions(store, candidates: dict[str, Candidate]) -> tuple[dict[str, Candidate], tuple[str, ...], list[str]]:
    """from_decisions: the programme's current ``gekozen`` acties forced in at what is still to pay.

    An actie's cost becomes its decided budget minus the money already spent on it (the
    latest running total of its progress); one already paid in full leaves the candidates
    (it needs no more money). The notes say so, for the report.
    """
    from werkboek.store.programme import Programme

    programme = Programme(store)
    spent: dict[str, int] = {}
    for update in programme.timeline():  # by actie and date: the last one is the running total
        spent[update.actie_id] = update.uitgegeven
    candidates = dict(candidates)
    forced, paid, committed, already = [], [], 0, 0
    for actie_id, d in sorted(programme.decisions().items()):
        if d.besluit != "gekozen" or actie_id not in candidates:
            continue
        budget = d.budget if d.budget is not None else int(candidates[actie_id].kosten)
        left = max(0, budget - spent.get(actie_id, 0))
        committed += budget
        already += min(budget, spent.get(actie_id, 0))
        if left == 0:
            del candidates[actie_id]
            paid.append(actie_id)
        else:
            candidates[actie_id] = replace(candidates[actie_id], kosten=left)
            forced.append(actie_id)
    from werkboek.dutch import euros

    notes = [f"Dit scenario begint bij wat al besloten is: {len(forced) + len(paid)} gekozen acties, samen "
             f"{euros(committed)}, waarvan {euros(already)} al uitgegeven. De {len(forced)} acties die nog geld nodig "
             f"hebben staan vast, met wat er nog betaald moet worden ({euros(committed - already)}); dat gaat "
             "eerst van het budget af."]
    if paid:
        notes.append(f"Al helemaal betaald, dus niet meer in dit scenario: {', '.join(paid)}.")
    if not forced and not paid:
        notes = ["Dit scenario zou beginnen bij wat al besloten is, maar er zijn nog geen gekozen acties."]
    return candidates, tuple(forced), notes


def _with_decisions(data: ScenarioInput, decided) -> ScenarioInput:
    if decided is None:
        return data
    candidates, forced, notes = decided
    return replace(data, candidates=candidates, forced_in=forced, notes=[*data.notes, *notes])


def input_from_pb(path: str | Path, catalogue=None) -> ScenarioInput:
    """A pabulib ``.pb`` file (read by :mod:`werkboek.formats.pabulib`) as a scenario's input.

    Projects become candidates of one year (pabulib has no duration), in their category's
    leefgebied when it is one of ours; votes become ballots with the scores our methods give
    (cumulative: points, approval: 1, ordinal: Borda with the ballot's length as ``top`` — or,
    in our own exports, ranks and Borda per category with ``max_length_per_category`` as ``top``).
    """
    from pabutools.election import AbstractApprovalProfile, AbstractCardinalProfile, AbstractOrdinalProfile

    from werkboek.errors import DataError, ScenarioError, _display
    from werkboek.formats.pabulib import read_election
    from werkboek.model.catalogue import LEEFGEBIEDEN
    from werkboek.model.methods import for_vote_type

    try:
        instance, profile = read_election(path)
    except DataError as exc:
        raise ScenarioError(str(exc)) from None
    candidates = {}
    for p in sorted(instance, key=lambda p: p.name):
        meta = instance.project_meta.get(p, {})
        lg = next((c for c in sorted(p.categories or ()) if c in LEEFGEBIEDEN), "")
        # exactly as written (pabutools reads "12.50" as a gmpy2 fraction; ours is the standard one)
        cost = Fraction(int(p.cost.numerator), int(p.cost.denominator)) if hasattr(p.cost, "denominator") \
            else Fraction(p.cost)
        cost = int(cost) if cost.denominator == 1 else cost
        candidates[p.name] = Candidate(p.name, str(meta.get("name", p.name)), lg, cost, 1, "versnelling")
    raw_top = str(instance.meta.get("max_length_per_category", "")).strip()
    top_per_category = int(raw_top) if raw_top.isdigit() and all(p.categories for p in instance) else None
    ballots = []
    for i, ballot in enumerate(profile):
        voter = str(ballot.meta.get("voter_id", i))
        buurt = str(ballot.meta.get("neighborhood", ""))
        if isinstance(profile, AbstractOrdinalProfile) and top_per_category:
            # a top N per category (leefgebied), written as one ranking: ranks count per category
            values, seen = {}, {}
            for p in ballot:
                category = sorted(p.categories or {""})[0]
                seen[category] = seen.get(category, 0) + 1
                values[p.name] = seen[category]
            scores = {a: float(top_per_category - r + 1) for a, r in values.items()}
            method = for_vote_type("ordinal").key
        elif isinstance(profile, AbstractOrdinalProfile):
            ranked = [p.name for p in ballot]
            values = {a: r for r, a in enumerate(ranked, start=1)}
            scores = {a: float(len(ranked) - r + 1) for a, r in values.items()}
            method = for_vote_type("ordinal").key
        elif isinstance(profile, AbstractApprovalProfile):
            values = {p.name: 1 for p in ballot}
            scores = {a: 1.0 for a in values}
            method = for_vote_type("approval", instance.meta).key  # with max_sum_cost: begroten
        elif isinstance(profile, AbstractCardinalProfile):
            values = {p.name: ballot[p] for p in ballot}
            scores = {a: float(v) for a, v in values.items()}
            method = for_vote_type("cumulative").key
        else:
            raise ScenarioError(f"{_display(path)}: soort stemmen wordt niet ondersteund")
        ballots.append(VoterBallot(voter, method, values, scores, buurt=buurt))
    methods = tuple(sorted({b.method for b in ballots}))
    description = instance.meta.get("description", Path(path).name)
    return ScenarioInput(candidates, ballots, methods,
                         f"Pabulib-bestand {Path(path).name} ({description}): {len(ballots)} stemmen",
                         budget_hint=float(instance.budget_limit))
