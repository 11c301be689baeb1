"""Ballots in the pabulib ``.pb`` format (http://pabulib.org), the public library of real
participatory-budgeting elections: export a workshop's ballots, and read a ``.pb`` file as
a scenario's input.

Export: projects are the acties on the ballot (cost = the actie's cost, category = its
leefgebied, name = its title); votes follow the workshop's method: ``punten`` → cumulative
(points), ``goedkeuren`` → approval, ``top3`` → ordinal (first choice first), ``begroten`` →
approval with the budget and ``max_sum_cost`` (as Decidim's exporter writes it; a file read
back with ``max_sum_cost`` is begroten again, see ``for_vote_type``). The method's
limits hold per leefgebied; besides pabulib's limits of the whole ballot (``max_length``,
``max_sum_points``, ``max_sum_cost``) the file says so in ``max_length_per_category`` /
``max_sum_points_per_category`` / ``max_sum_cost_per_category`` (our extension, ignored by other tools), and our reader
ranks an ordinal ballot per category with it, so a top 3 per leefgebied reads back as the
same top 3s (and the same support). A group ballot
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
        "budget": budget if budget is not None else (
            method.pabulib_budget(len(workshop.acties_per_leefgebied(catalogue))) or sum(a.kosten for a in acties)),
        "vote_type": vote_type, "rule": "greedy",
        "language": "dutch", "comment": "Werkboek Heerlen-Noord export; acties are example data",
    }
    meta.update(method.pabulib_meta(len(workshop.acties_per_leefgebied(catalogue))))  # limits of the whole ballot
    # ... which hold per leefgebied (= category): our extension, so the file reads back the same
    meta.update({f"{key}_per_category": value for key, value in method.pabulib_meta_per_category().items()
                 if key in PER_CATEGORY})
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


VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")  # what pabutools reads
# META limits on one ballot that a vote must keep: key -> (what is counted, upper bound?)
LIMITS = {
    "max_length": ("length", True), "min_length": ("length", False),
    "max_sum_points": ("sum_points", True), "min_sum_points": ("sum_points", False),
    "max_points": ("points", True), "min_points": ("points", False),
    "max_sum_cost": ("sum_cost", True), "min_sum_cost": ("sum_cost", False),
}
# Limits that hold per category (leefgebied), written as "<key>_per_category" — a werkboek
# extension of the format that pabutools and other tools ignore; our reader checks them and
# reads an ordinal ballot's ranks per category (a top 3 per leefgebied stays one).
PER_CATEGORY = ("max_length", "max_sum_points", "max_sum_cost")
MAX_PROBLEMS = 50  # a file with thousands of bad votes: the first ones, and how many more


def _number(text: str):
    """A number as pabulib writes it (a decimal comma allowed), exactly (Fraction), or None."""
    from fractions import Fraction

    try:
        return Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        return None


def _amount(value) -> str:
    return str(int(value)) if value == int(value) else str(float(value)).replace(".", ",")


def check_pb(text: str, shown: str) -> list:
    """Every problem of a .pb file's text, each with its line and field (Dutch); [] when it reads well.

    Our own checks, on top of pabutools' ``parse_pabulib`` (which stops at the first problem
    with a raw Python error, and lets through a file without votes, a budget of 0, negative
    costs and points beyond the file's own limits).
    """
    from werkboek.errors import Problem

    problems: list[Problem] = []

    def bad(line, field, message):
        problems.append(Problem(shown, line, field, message))

    sections: dict[str, tuple[int, list[str]]] = {}  # name -> (line of its header, header)
    meta: dict[str, tuple[int, str]] = {}
    projects: dict[str, object] = {}  # id -> cost (None when unreadable)
    categories: dict[str, str] = {}  # id -> its (first) category
    votes: list[tuple[int, dict[str, str]]] = []
    section, header = "", None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cells = [c.strip() for c in next(csv.reader([line], delimiter=";", strict=True))]
        except (csv.Error, StopIteration):
            bad(number, None, "deze regel kan niet gelezen worden; kijk naar de aanhalingstekens")
            continue
        name = cells[0].lower()
        if name in ("meta", "projects", "votes") and len([c for c in cells if c]) == 1:
            if name in sections:
                bad(number, None, f"de sectie {name.upper()} staat twee keer in het bestand")
            section, header = name, None
            sections[name] = (number, [])
            continue
        if not section:
            bad(number, None, "het bestand moet beginnen met META")
            section = "?"
            continue
        if section == "?":
            continue
        if header is None:
            header = cells
            sections[section] = (number, header)
            needed = {"meta": ["key", "value"], "projects": ["project_id", "cost"], "votes": ["voter_id", "vote"]}
            for column in needed[section]:
                if column not in header:
                    bad(number, column, f"kolom ontbreekt in de kopregel van {section.upper()}")
            for column in sorted({c for c in header if header.count(c) > 1}):
                bad(number, column, "kolom staat twee keer in de kopregel")
            continue
        if section != "meta" and len(cells) != len(header):
            bad(number, None, f"{len(cells)} velden, maar de kopregel heeft er {len(header)}")
            continue
        row = dict(zip(header, cells))
        if section == "meta":
            if len(cells) < 2:
                bad(number, cells[0], "verwacht 'sleutel;waarde'")
                continue
            key = cells[0]
            if key in meta:
                bad(number, key, f"staat al op regel {meta[key][0]}")
            meta[key] = (number, cells[1])
        elif section == "projects":
            pid = row.get("project_id", "")
            if not pid:
                bad(number, "project_id", "een project zonder nummer")
                continue
            if pid in projects:
                bad(number, "project_id", f"project '{pid}' staat twee keer in PROJECTS")
                continue
            raw = row.get("cost", "")
            cost = _number(raw) if raw and raw.lower() != "none" else None
            if not raw or raw.lower() == "none":
                bad(number, "cost", f"project '{pid}' heeft geen kosten")
            elif cost is None:
                bad(number, "cost", f"'{raw}' is geen bedrag")
            elif cost < 0:
                bad(number, "cost", f"de kosten van project '{pid}' zijn negatief ({raw})")
                cost = None
            projects[pid] = cost
            categories[pid] = sorted(c.strip() for c in (row.get("category") or row.get("categories") or "").split(","))[0]
        else:
            votes.append((number, row))

    for name in ("meta", "projects", "votes"):
        if name not in sections:
            bad(None, None, f"de sectie {name.upper()} ontbreekt")
    for key in ("budget", "vote_type"):
        if "meta" in sections and key not in meta:
            bad(sections["meta"][0], key, "ontbreekt in META")
    budget = None
    if "budget" in meta:
        line, raw = meta["budget"]
        budget = _number(raw)
        if budget is None:
            bad(line, "budget", f"'{raw}' is geen bedrag")
        elif budget <= 0:
            bad(line, "budget", f"het budget moet groter dan 0 zijn, niet {raw}")
    vote_type = meta.get("vote_type", (None, None))[1]
    if vote_type is not None and vote_type not in VOTE_TYPES:
        bad(meta["vote_type"][0], "vote_type", f"'{vote_type}' is onbekend (kies uit {', '.join(VOTE_TYPES)})")
        vote_type = None
    limits = {}
    for key in LIMITS:
        if key in meta and meta[key][1].lower() not in ("", "none"):
            value = _number(meta[key][1])
            if value is None:
                bad(meta[key][0], key, f"'{meta[key][1]}' is geen getal")
            else:
                limits[key] = value
    per_category = {}
    for key in (f"{k}_per_category" for k in PER_CATEGORY):
        if key in meta:
            value = _number(meta[key][1])
            if value is None:
                bad(meta[key][0], key, f"'{meta[key][1]}' is geen getal")
            else:
                per_category[key] = value
    if "projects" in sections and not projects:
        bad(sections["projects"][0], None, "PROJECTS heeft geen projecten")
    if "votes" in sections and not votes:
        bad(sections["votes"][0], None, "VOTES heeft geen stemmen")
    with_points = vote_type in ("cumulative", "scoring")
    if with_points and "votes" in sections and sections["votes"][1] and "points" not in sections["votes"][1]:
        bad(sections["votes"][0], "points", f"kolom ontbreekt in de kopregel van VOTES (vote_type {vote_type})")
    voters: dict[str, int] = {}
    for line, row in votes:
        voter = row.get("voter_id", "")
        if not voter:
            bad(line, "voter_id", "een stem zonder kiezer")
        elif voter in voters:
            bad(line, "voter_id", f"kiezer '{voter}' staat al op regel {voters[voter]}")
        else:
            voters[voter] = line
        raw = row.get("vote", "")
        ids = [] if raw.lower() in ("", "none") else [v.strip() for v in raw.split(",")]
        unknown = [v for v in ids if v not in projects]
        if unknown:
            bad(line, "vote", "onbekend project " + ", ".join(f"'{v}'" for v in unknown))
        if len(set(ids)) != len(ids):
            bad(line, "vote", "een project staat twee keer in deze stem")
        if vote_type == "choose-1" and len(ids) > 1:
            bad(line, "vote", f"bij choose-1 één project per stem, niet {len(ids)}")
        counted = {"length": len(ids)}
        values = []
        if ids and not unknown and all(projects[v] is not None for v in ids):
            counted["sum_cost"] = sum(projects[v] for v in ids)
        if with_points:
            raw_points = row.get("points", "")
            points = [] if raw_points.lower() in ("", "none") else [p.strip() for p in raw_points.split(",")]
            values = [_number(p) for p in points]
            if len(points) != len(ids):
                bad(line, "points", f"{len(points)} punten voor {len(ids)} projecten")
            elif any(v is None for v in values):
                bad(line, "points", f"'{raw_points}' zijn geen getallen")
            elif any(v < 0 for v in values):
                bad(line, "points", "punten mogen niet negatief zijn")
            elif values:
                counted["sum_points"] = sum(values)
                counted["points"] = (min(values), max(values))
        for key, limit in per_category.items():
            if unknown:
                break
            counts: dict[str, list] = {}
            if key == "max_sum_cost_per_category" and "sum_cost" not in counted:
                continue
            for i, v in enumerate(ids):
                cell = counts.setdefault(categories.get(v, ""), [0, 0])
                cell[0] += 1
                if key == "max_sum_points_per_category" and "sum_points" in counted:
                    cell[1] += values[i]
                if key == "max_sum_cost_per_category":
                    cell[1] += projects[v]
            for category, (n, total) in sorted(counts.items()):
                value = n if key == "max_length_per_category" else total
                if value > limit:
                    words = {"max_length_per_category": "projecten", "max_sum_points_per_category": "punten",
                             "max_sum_cost_per_category": "euro aan projecten"}[key]
                    bad(line, "points" if key == "max_sum_points_per_category" else "vote",
                        f"{_amount(value)} {words} in categorie '{category}', maar {key} in META is "
                        f"{_amount(limit)} (hoogstens)")
        for key, limit in limits.items():
            what, upper = LIMITS[key]
            if what not in counted or (what == "length" and not ids):
                continue
            value = counted[what]
            if what == "points":
                value = value[1] if upper else value[0]
            if (value > limit) if upper else (value < limit):
                words = {"length": "projecten", "sum_points": "punten in totaal", "points": "punten op één project",
                         "sum_cost": "euro aan projecten"}[what]
                bound = "hoogstens" if upper else "minstens"
                bad(line, "points" if "points" in what else "vote",
                    f"{_amount(value)} {words}, maar {key} in META is {_amount(limit)} ({bound})")
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = problems[:MAX_PROBLEMS] + [Problem(shown, None, None, f"en nog {more} fouten")]
    return problems


def read_election(path: str | Path):
    """pabutools' (Instance, Profile) for a .pb file, read strictly.

    DataError naming the file, line and field of every problem found (:func:`check_pb`),
    all together; pabutools' ``parse_pabulib_from_string`` reads a file that passed.
    """
    from pabutools.election.pabulib import parse_pabulib_from_string

    from werkboek.errors import _display

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (FileNotFoundError, IsADirectoryError):
        raise DataError.at(path, None, None, "bestand niet gevonden") from None
    except UnicodeDecodeError as exc:
        raise DataError.at(path, None, None, f"geen geldige UTF-8-tekst ({exc.reason})") from None
    problems = check_pb(text, _display(path))
    if problems:
        raise DataError(problems)
    try:
        return parse_pabulib_from_string(text)
    except (KeyError, ValueError, IndexError, NotImplementedError, TypeError) as exc:
        raise DataError.at(path, None, None, f"geen geldig pabulib-bestand ({type(exc).__name__}: {exc})") from None
