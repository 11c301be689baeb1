"""A workshop (bijeenkomst): its ballot of acties, its voting method, and its status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from werkboek.errors import DataError, Problem
from werkboek.model.methods import Method, make_method

STATUSES = ("concept", "open", "gesloten")
KINDS = ("workshop", "conference")
DEFAULT_PRIVACY_K = 5
PRIVACY_K_RANGE = (1, 50)
STATUS_LABELS = {"concept": "in voorbereiding", "open": "stemmen is open", "gesloten": "stemmen is gesloten"}


@dataclass(frozen=True)
class Workshop:
    id: int
    title: str
    date: dt.date | None
    location: str
    status: str
    method: str
    method_params: dict = field(default_factory=dict)
    acties: tuple[str, ...] = ()
    kind: str = "workshop"
    basemap: bool = False
    created_at: dt.datetime | None = None
    privacy_k: int = DEFAULT_PRIVACY_K  # no group of fewer people shown (see werkboek.model.privacy)
    remarks_direct: bool = False  # remarks on the projector without approval (small rooms)
    closes_at: dt.datetime | None = None  # voting closes by itself then (a grace period); status says "gesloten" after
    wifi_name: str = ""  # the network residents join (slips, projector)
    hide_results: bool = False  # no results on the projector until voting is closed
    voting_round: int = 1  # 2 after "tweede ronde openen": the same codes vote again (see Store.open_next_round)

    def seconds_to_close(self, now: dt.datetime | None = None) -> float | None:
        """Seconds until voting closes by itself, while it is open with a closing time; else None."""
        if self.status != "open" or self.closes_at is None:
            return None
        now = now or utcnow()
        return max(0.0, (self.closes_at - now).total_seconds())

    @property
    def results_visible(self) -> bool:
        """May the projector show results ("uitslag verbergen tot sluiten" keeps them back while open)?"""
        return not self.hide_results or self.status == "gesloten"

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def voting_method(self) -> Method:
        return make_method(self.method, self.method_params)

    def acties_per_leefgebied(self, catalogue) -> dict[str, list]:
        """The acties on this ballot grouped by primary leefgebied, in programme order."""
        grouped: dict[str, list] = {lg: [] for lg in catalogue.leefgebieden}
        for actie_id in self.acties:
            actie = catalogue.acties.get(actie_id)
            if actie is not None:
                grouped[actie.leefgebied].append(actie)
        return {lg: acties for lg, acties in grouped.items() if acties}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


WIFI_NAME_MAX = 64
GRACE_MINUTES_RANGE = (1, 30)


def effective_status(status: str, closes_at: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """The status as residents meet it: an open workshop whose closing time has passed is closed."""
    if status == "open" and closes_at is not None:
        now = now or utcnow()
        if closes_at <= now:
            return "gesloten"
    return status


def check_wifi_name(name) -> str:
    """The wifi name, stripped; DataError naming the field when it cannot go on a slip."""
    if not isinstance(name, str):
        raise DataError([Problem("workshop", None, "wifi", "de naam van de wifi is geen tekst")])
    name = name.strip()
    if len(name) > WIFI_NAME_MAX:
        raise DataError([Problem("workshop", None, "wifi", f"hoogstens {WIFI_NAME_MAX} tekens")])
    if any(ord(ch) < 32 for ch in name):
        raise DataError([Problem("workshop", None, "wifi", "gebruik alleen letters, cijfers en leestekens")])
    return name


def check_workshop_fields(catalogue, *, title: str, method: str, method_params: dict, acties, kind: str,
                          location: str = "", privacy_k: int = DEFAULT_PRIVACY_K) -> None:
    """Validate a workshop's settings before they are stored; raises DataError naming the field."""
    problems: list[Problem] = []
    if not title or not title.strip():
        problems.append(Problem("workshop", None, "titel", "een titel is nodig"))
    elif len(title) > 120:
        problems.append(Problem("workshop", None, "titel", "hoogstens 120 tekens"))
    if len(location or "") > 120:
        problems.append(Problem("workshop", None, "locatie", "hoogstens 120 tekens"))
    if kind not in KINDS:
        problems.append(Problem("workshop", None, "soort", f"'{kind}' is geen soort bijeenkomst"))
    low, high = PRIVACY_K_RANGE
    if not isinstance(privacy_k, int) or isinstance(privacy_k, bool) or not low <= privacy_k <= high:
        problems.append(Problem("workshop", None, "kleinste groep",
                                f"kies een heel getal van {low} tot en met {high} (hoeveel mensen een groep "
                                "minstens moet hebben om apart te tonen)"))
    try:
        make_method(method, method_params)
    except DataError as exc:
        problems.extend(exc.problems)
    seen = set()
    for actie_id in acties:
        if actie_id not in catalogue.acties:
            problems.append(Problem("workshop", None, "acties", f"actie '{actie_id}' staat niet in de catalogus"))
        if actie_id in seen:
            problems.append(Problem("workshop", None, "acties", f"actie '{actie_id}' staat er twee keer op"))
        seen.add(actie_id)
    if problems:
        raise DataError(problems)
