"""Ballots in the pabulib ``.pb`` format (http://pabulib.org), the public library of real
participatory-budgeting elections: export a workshop's ballots, and read a ``.pb`` file as
a scenario's input.

Export: projects are the acties on the ballot (cost = the actie's cost, category = its
leefgebied, name = its title); votes follow the workshop's method: ``punten`` → cumulative
(points), ``goedkeuren`` → approval, ``top3`` → ordinal (first choice first). A group ballot
is written once per person (voter ids ``<ballot>-1``, ``<ballot>-2``, ...) so a tafel of 6
counts 6 times, as in the results. As in the other exports (:mod:`werkboek.outputs.exports`), the
voter ids are the ballots' pseudonyms (not the store's numbers, which follow the order of
arrival), the voters are sorted by them, and a buurt with fewer than ``privacy_k`` voters
is written as ``overig`` — unless ``exact=True``. The file is written here rather than with pabutools'
``write_pabulib``, which copies ballot metadata keys into the project columns and writes
"Auto-filled" placeholders its own parser cannot read back; reading uses pabutools'
``parse_pabulib``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from werkboek.errors import DataError


def _clean(text: str) -> str:
    """Field text without the separators of the format (; and newlines)."""
    return " ".join(str(text).replace(";", ",").split())


def workshop_pb(store, workshop_id: int, catalogue, budget: int | None = None, *, exact: bool = False) -> str:
    """The ballots of one workshop as pabulib text (``exact``: real ballot numbers and every buurt)."""
    from werkboek.model.privacy import OTHER, shown_groups
    from werkboek.model.results import per_person

    workshop = store.workshop(workshop_id)
    method = workshop.voting_method()
    vote_type = method.pabulib_vote_type
    acties = [catalogue.acties[a] for a in workshop.acties if a in catalogue.acties]
    ballots = store.ballots([workshop_id])
    meta = {
        "description": _clean(f"Werkboek Heerlen-Noord: {workshop.title}"),
        "country": "Netherlands", "unit": "Heerlen", "subunit": "Heerlen-Noord",
        "instance": str(workshop.date or workshop.id),
        "num_projects": len(acties), "num_votes": sum(b.group_size for b in ballots),
        "budget": budget if budget is not None else sum(a.kosten for a in acties),
        "vote_type": vote_type, "rule": "greedy",
        "language": "dutch", "comment": "Werkboek Heerlen-Noord export; acties are example data",
    }
    meta.update(method.pabulib_meta(len(workshop.acties_per_leefgebied(catalogue))))  # limits hold per leefgebied
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, _clean(value)])
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", "name", "category"])
    for a in acties:
        writer.writerow([a.id, a.kosten, _clean(a.titel), a.leefgebied])
    writer.writerow(["VOTES"])
    header = ["voter_id", "vote"] + (["points"] if vote_type == "cumulative" else []) + ["neighborhood"]
    writer.writerow(header)
    on_ballot = {a.id for a in acties}
    if exact:
        named = None
    else:
        people: dict[str, float] = {}
        for b in ballots:
            people[b.buurt or ""] = people.get(b.buurt or "", 0.0) + per_person(b)
        named = shown_groups(people, workshop.privacy_k)
        ballots = sorted(ballots, key=lambda b: (b.pseudonym, b.id))
    for b in ballots:
        choices = {a: v for a, v in b.choices.items() if a in on_ballot}
        if vote_type == "ordinal":
            # one ranking across leefgebieden: by rank, then in ballot order of the leefgebieden
            order = [a.id for a in acties]
            ids = sorted(choices, key=lambda a: (choices[a], order.index(a)))
        else:
            ids = [a.id for a in acties if a.id in choices]
        vote = ",".join(ids)
        row_tail = [",".join(str(choices[a]) for a in ids) or "None"] if vote_type == "cumulative" else []
        if vote_type == "cumulative" and not vote:
            vote = "None"  # pabutools reads an empty cumulative ballot only this way
        name = b.id if exact else (b.pseudonym or b.id)
        buurt = b.buurt or "None"
        if named is not None and (b.buurt or "") not in named:
            buurt = OTHER
        for n in range(1, b.group_size + 1):
            voter = f"{name}" if b.group_size == 1 else f"{name}-{n}"
            writer.writerow([voter, vote, *row_tail, buurt])
    return out.getvalue()


def export_workshop(store, workshop_id: int, path: str | Path, catalogue, budget: int | None = None, *,
                    exact: bool = False) -> Path:
    path = Path(path)
    path.write_text(workshop_pb(store, workshop_id, catalogue, budget, exact=exact), encoding="utf-8")
    return path


def read_election(path: str | Path):
    """pabutools' (Instance, Profile) for a .pb file; DataError naming the file when unreadable."""
    from pabutools.election import parse_pabulib

    try:
        return parse_pabulib(str(path))
    except FileNotFoundError:
        raise DataError.at(path, None, None, "bestand niet gevonden") from None
    except (KeyError, ValueError, IndexError, NotImplementedError) as exc:
        raise DataError.at(path, None, None, f"geen geldig pabulib-bestand ({type(exc).__name__}: {exc})") from None
