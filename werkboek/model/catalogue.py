"""The catalogue: leefgebieden, partners of the Alliantie, acties and buurten.

Loaded from the files in the data directory (see :mod:`werkboek.settings`) and validated
strictly: every problem names file, row and field, all problems of a load are reported
together, and nothing is half-loaded.

Files:

``leefgebieden.yaml``  the five programme lines (colour, icon, B1 description)
``partners.csv``       the Alliantie (``voorbeeld`` marks invented entries)
``acties.csv``         candidate acties (example data, labelled so in the file)
``buurten.geojson``    CBS buurten of Heerlen with their wijk and Heerlen-Noord flag
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from werkboek import settings as config
from werkboek.errors import DataError, Problem, _display
from werkboek.formats.tabular import Row, read_csv, read_yaml, split_list
from werkboek.model.geo import Shape, bbox_of, shape_from_geojson

LEEFGEBIEDEN = ("leren", "werken", "gezondheid", "wonen", "veiligheid")
HORIZONS = ("versnelling", "structureel")
HEERLEN_NOORD = "heerlen-noord"  # in acties.csv: the actie applies to every buurt of Heerlen-Noord

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_BUURT = re.compile(r"^BU0917\d{4}$")
_WIJK = re.compile(r"^WK0917\d{2}$")


@dataclass(frozen=True)
class Leefgebied:
    id: str
    naam: str
    kleur: str
    icoon: str
    beschrijving: str
    naam_en: str = ""
    beschrijving_en: str = ""


@dataclass(frozen=True)
class Partner:
    id: str
    naam: str
    soort: str
    rol: str
    voorbeeld: bool


@dataclass(frozen=True)
class Buurt:
    statcode: str
    naam: str
    wijkcode: str
    wijknaam: str
    heerlen_noord: bool
    shape: Shape = field(repr=False, compare=False)


@dataclass(frozen=True)
class Actie:
    id: str
    titel: str
    beschrijving: str
    leefgebied: str
    leefgebieden_secundair: tuple[str, ...]
    kosten: int  # euros, over the whole duration
    looptijd: int  # years
    horizon: str
    buurten: frozenset[str] | None  # None: all of Heerlen-Noord
    investeerders: tuple[tuple[str, float], ...]  # (partner id, share in percent), shares add up to 100
    incasseerders: tuple[str, ...]
    titel_en: str = ""  # the ballot in English; empty: the Dutch text is shown
    beschrijving_en: str = ""

    def titel_in(self, lang: str) -> str:
        return self.titel_en if lang == "en" and self.titel_en else self.titel

    def beschrijving_in(self, lang: str) -> str:
        return self.beschrijving_en if lang == "en" and self.beschrijving_en else self.beschrijving

    @property
    def leefgebieden(self) -> tuple[str, ...]:
        return (self.leefgebied, *self.leefgebieden_secundair)

    def applies_to(self, buurt: str) -> bool:
        return self.buurten is None or buurt in self.buurten

    @property
    def kosten_per_jaar(self) -> float:
        return self.kosten / self.looptijd


@dataclass(frozen=True)
class Catalogue:
    leefgebieden: dict[str, Leefgebied]
    partners: dict[str, Partner]
    acties: dict[str, Actie]
    buurten: dict[str, Buurt]
    attribution: str

    @property
    def heerlen_noord(self) -> dict[str, Buurt]:
        return {code: b for code, b in self.buurten.items() if b.heerlen_noord}

    @property
    def heerlen_noord_bbox(self) -> tuple[float, float, float, float]:
        """The box around Heerlen-Noord's buurten: (min_lon, min_lat, max_lon, max_lat), for maps."""
        return bbox_of(b.shape for b in self.heerlen_noord.values())

    def acties_in(self, leefgebied: str) -> list[Actie]:
        return [a for a in self.acties.values() if a.leefgebied == leefgebied]

    def buurten_of(self, actie: Actie) -> list[str]:
        """The buurt codes an actie applies to (all of Heerlen-Noord when it says so)."""
        return sorted(self.heerlen_noord if actie.buurten is None else actie.buurten)

    def buurt_at(self, lat: float, lon: float, heerlen_noord_only: bool = True) -> Buurt | None:
        for buurt in self.buurten.values():
            if (buurt.heerlen_noord or not heerlen_noord_only) and buurt.shape.contains(lat, lon):
                return buurt
        return None


def load_catalogue(data_dir: Path | str | None = None) -> Catalogue:
    """Load and validate the whole catalogue; raises :class:`DataError` listing every problem."""
    root = Path(data_dir) if data_dir is not None else config.data_dir()
    problems: list[Problem] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except DataError as exc:
            problems.extend(exc.problems)
            return None

    leefgebieden = attempt(load_leefgebieden, root / "leefgebieden.yaml")
    buurten_and_attr = attempt(load_buurten, root / "buurten.geojson")
    partners = attempt(load_partners, root / "partners.csv")
    if problems:
        raise DataError(problems)
    buurten, attribution = buurten_and_attr
    acties = load_acties(root / "acties.csv", leefgebieden, partners, buurten)
    return Catalogue(leefgebieden, partners, acties, buurten, attribution)


@lru_cache(maxsize=4)
def _cached(root: str) -> Catalogue:
    return load_catalogue(root)


def catalogue(data_dir: Path | str | None = None) -> Catalogue:
    """The catalogue, loaded once per process (it is immutable)."""
    return _cached(str(Path(data_dir) if data_dir is not None else config.data_dir()))


# -- leefgebieden -------------------------------------------------------------------------

def yaml_cache_dir(home: Path | str | None = None) -> Path:
    """Where the catalogue's parsed YAML is kept as JSON (:func:`werkboek.formats.tabular.read_yaml`)."""
    return Path(home or config.home_dir()) / "cache" / "yaml"


def prepare_yaml_cache(data_dir: Path | str | None = None, home: Path | str | None = None) -> None:
    """Parse ``leefgebieden.yaml`` now, so that processes reading it later (every resident kernel)
    find it as JSON and never import PyYAML (issue 17). A broken file is left for them to report."""
    root = Path(data_dir) if data_dir is not None else config.data_dir()
    try:
        read_yaml(root / "leefgebieden.yaml", cache_dir=yaml_cache_dir(home))
    except DataError:
        pass


def load_leefgebieden(path: Path) -> dict[str, Leefgebied]:
    doc = read_yaml(path, cache_dir=yaml_cache_dir())  # once parsed, read as JSON (no PyYAML: issue 17)
    shown = _display(path)
    items = doc.get("leefgebieden") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise DataError.at(path, None, "leefgebieden", "verwacht een lijst onder 'leefgebieden:'")
    result: dict[str, Leefgebied] = {}
    problems: list[Problem] = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(shown, n, None, "verwacht velden id, naam, kleur, icoon, beschrijving"))
            continue
        lid = str(item.get("id", ""))
        for key in ("id", "naam", "kleur", "icoon", "beschrijving"):
            if not str(item.get(key, "")).strip():
                problems.append(Problem(shown, n, key, "ontbreekt of is leeg"))
        if lid and lid not in LEEFGEBIEDEN:
            problems.append(Problem(shown, n, "id", f"onbekend leefgebied '{lid}' (kies uit {', '.join(LEEFGEBIEDEN)})"))
        if lid in result:
            problems.append(Problem(shown, n, "id", f"'{lid}' staat er twee keer in"))
        if item.get("kleur") and not _COLOUR.match(str(item["kleur"])):
            problems.append(Problem(shown, n, "kleur", f"'{item['kleur']}' is geen kleur als #1a2b3c"))
        if not problems:
            result[lid] = Leefgebied(
                id=lid,
                naam=str(item["naam"]).strip(),
                kleur=str(item["kleur"]),
                icoon=str(item["icoon"]),
                beschrijving=" ".join(str(item["beschrijving"]).split()),
                naam_en=str(item.get("naam_en", "")).strip(),
                beschrijving_en=" ".join(str(item.get("beschrijving_en", "")).split()),
            )
    missing = [lid for lid in LEEFGEBIEDEN if lid not in result]
    if not problems and missing:
        problems.append(Problem(shown, None, "id", f"ontbrekende leefgebieden: {', '.join(missing)}"))
    if problems:
        raise DataError(problems)
    return {lid: result[lid] for lid in LEEFGEBIEDEN}


# -- partners -----------------------------------------------------------------------------

PARTNER_COLUMNS = ["id", "naam", "soort", "rol", "voorbeeld"]


def load_partners(path: Path) -> dict[str, Partner]:
    rows = read_csv(path, PARTNER_COLUMNS, optional=("bron",))
    result: dict[str, Partner] = {}
    problems: list[Problem] = []
    for row in rows:
        c = row.cells
        before = len(problems)
        _require_id(row, "id", problems)
        for key in ("naam", "soort", "rol"):
            if not c[key]:
                problems.append(row.problem(key, "mag niet leeg zijn"))
        voorbeeld = _parse_bool(row, "voorbeeld", problems)
        if c["id"] in result:
            problems.append(row.problem("id", f"'{c['id']}' staat er twee keer in"))
        if len(problems) == before:
            result[c["id"]] = Partner(c["id"], c["naam"], c["soort"], c["rol"], voorbeeld)
    if problems:
        raise DataError(problems)
    return result


# -- buurten ------------------------------------------------------------------------------

def load_buurten(path: Path) -> tuple[dict[str, Buurt], str]:
    shown = _display(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError.at(path, None, None, "bestand niet gevonden") from None
    except json.JSONDecodeError as exc:
        raise DataError.at(path, exc.lineno, None, f"geen geldige JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise DataError.at(path, None, "type", "verwacht een GeoJSON FeatureCollection")
    attribution = str(doc.get("attribution", "")).strip()
    problems: list[Problem] = []
    if not attribution:
        problems.append(Problem(shown, None, "attribution", "de bronvermelding ontbreekt"))
    result: dict[str, Buurt] = {}
    for n, feature in enumerate(doc.get("features", []), start=1):
        props = feature.get("properties") or {}
        code = str(props.get("statcode", ""))
        where = f"feature {n}"
        if not _BUURT.match(code):
            problems.append(Problem(shown, n, "statcode", f"{where}: '{code}' is geen buurtcode van Heerlen (BU0917....)"))
            continue
        if code in result:
            problems.append(Problem(shown, n, "statcode", f"'{code}' staat er twee keer in"))
            continue
        wijk = str(props.get("wijkcode", ""))
        if not _WIJK.match(wijk) or wijk[2:] != code[2:8]:
            problems.append(Problem(shown, n, "wijkcode", f"'{wijk}' past niet bij buurt {code}"))
            continue
        if not isinstance(props.get("heerlen_noord"), bool):
            problems.append(Problem(shown, n, "heerlen_noord", "verwacht true of false"))
            continue
        try:
            shape = shape_from_geojson(feature.get("geometry"))
        except ValueError as exc:
            problems.append(Problem(shown, n, "geometry", str(exc)))
            continue
        result[code] = Buurt(code, str(props.get("naam", code)), wijk, str(props.get("wijknaam", wijk)),
                             props["heerlen_noord"], shape)
    if not result and not problems:
        problems.append(Problem(shown, None, "features", "geen buurten gevonden"))
    if problems:
        raise DataError(problems)
    return result, attribution


# -- acties -------------------------------------------------------------------------------

ACTIE_COLUMNS = [
    "id", "titel", "beschrijving", "leefgebied", "leefgebieden_secundair", "kosten_eur",
    "looptijd_jaren", "horizon", "buurten", "investeerders", "incasseerders",
]
ACTIE_OPTIONAL = ("titel_en", "beschrijving_en")


def load_acties(path: Path, leefgebieden, partners, buurten) -> dict[str, Actie]:
    rows = read_csv(path, ACTIE_COLUMNS, ACTIE_OPTIONAL)
    result: dict[str, Actie] = {}
    problems: list[Problem] = []
    wijken = {b.wijkcode: [] for b in buurten.values()}
    for b in buurten.values():
        wijken[b.wijkcode].append(b.statcode)
    for row in rows:
        before = len(problems)
        actie = _parse_actie(row, leefgebieden, partners, buurten, wijken, problems)
        if actie is not None and actie.id in result:
            problems.append(row.problem("id", f"'{actie.id}' staat er twee keer in"))
        elif actie is not None and len(problems) == before:
            result[actie.id] = actie
    if problems:
        raise DataError(problems)
    return result


def _parse_actie(row: Row, leefgebieden, partners, buurten, wijken, problems) -> Actie | None:
    c = row.cells
    _require_id(row, "id", problems)
    for key in ("titel", "beschrijving"):
        if not c[key]:
            problems.append(row.problem(key, "mag niet leeg zijn"))
    if c["leefgebied"] not in leefgebieden:
        problems.append(row.problem("leefgebied", f"onbekend leefgebied '{c['leefgebied']}'"))
    secundair = split_list(c["leefgebieden_secundair"])
    for lg in secundair:
        if lg not in leefgebieden:
            problems.append(row.problem("leefgebieden_secundair", f"onbekend leefgebied '{lg}'"))
        elif lg == c["leefgebied"]:
            problems.append(row.problem("leefgebieden_secundair", f"'{lg}' is al het hoofd-leefgebied"))
    kosten = _parse_int(row, "kosten_eur", problems, minimum=1)
    looptijd = _parse_int(row, "looptijd_jaren", problems, minimum=1, maximum=25)
    if c["horizon"] not in HORIZONS:
        problems.append(row.problem("horizon", f"'{c['horizon']}' moet 'versnelling' of 'structureel' zijn"))

    scope: frozenset[str] | None = None
    if c["buurten"].lower() != HEERLEN_NOORD:
        codes: set[str] = set()
        parts = split_list(c["buurten"])
        if not parts:
            problems.append(row.problem("buurten", f"leeg: noem buurt- of wijkcodes, of '{HEERLEN_NOORD}'"))
        for code in parts:
            if code in buurten:
                codes.add(code)
            elif code in wijken:
                codes.update(wijken[code])
            else:
                problems.append(row.problem("buurten", f"buurt of wijk '{code}' bestaat niet"))
        scope = frozenset(codes)

    investeerders: list[tuple[str, float]] = []
    total = 0.0
    for part in split_list(c["investeerders"]):
        pid, sep, share = part.partition(":")
        pid = pid.strip()
        if pid not in partners:
            problems.append(row.problem("investeerders", f"onbekende partner '{pid}'"))
            continue
        try:
            pct = float(share.replace(",", ".")) if sep else float("nan")
        except ValueError:
            pct = float("nan")
        if not (pct > 0):
            problems.append(row.problem("investeerders", f"'{part}': schrijf partner:aandeel, bijvoorbeeld gemeente-heerlen:60"))
            continue
        investeerders.append((pid, pct))
        total += pct
    if not investeerders:
        problems.append(row.problem("investeerders", "minstens één investeerder nodig"))
    elif abs(total - 100) > 0.01:
        problems.append(row.problem("investeerders", f"de aandelen tellen op tot {total:g}%, niet tot 100%"))
    incasseerders = split_list(c["incasseerders"])
    for pid in incasseerders:
        if pid not in partners:
            problems.append(row.problem("incasseerders", f"onbekende partner '{pid}'"))
    if not incasseerders:
        problems.append(row.problem("incasseerders", "minstens één incasseerder nodig"))
    if kosten is None or looptijd is None:
        return None
    return Actie(
        id=c["id"], titel=c["titel"], beschrijving=c["beschrijving"], leefgebied=c["leefgebied"],
        leefgebieden_secundair=tuple(secundair), kosten=kosten, looptijd=looptijd, horizon=c["horizon"],
        buurten=scope, investeerders=tuple(investeerders), incasseerders=tuple(incasseerders),
        titel_en=c.get("titel_en", "") or "", beschrijving_en=c.get("beschrijving_en", "") or "",
    )


# -- small parsers ------------------------------------------------------------------------

def _require_id(row: Row, key: str, problems: list[Problem]) -> None:
    if not _ID.match(row.cells[key]):
        problems.append(row.problem(key, f"'{row.cells[key]}' is geen geldige id (kleine letters, cijfers en -)"))


def _parse_int(row: Row, key: str, problems: list[Problem], minimum: int, maximum: int | None = None) -> int | None:
    raw = row.cells[key].replace("_", "").replace(".", "").replace(" ", "")
    try:
        value = int(raw)
    except ValueError:
        problems.append(row.problem(key, f"'{row.cells[key]}' is geen geheel getal"))
        return None
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"tussen {minimum} en {maximum}" if maximum is not None else f"minstens {minimum}"
        problems.append(row.problem(key, f"{value} moet {bound} zijn"))
        return None
    return value


def _parse_bool(row: Row, key: str, problems: list[Problem]) -> bool:
    value = row.cells[key].lower()
    if value in ("ja", "true", "1", "yes"):
        return True
    if value in ("nee", "false", "0", "no"):
        return False
    problems.append(row.problem(key, f"'{row.cells[key]}' moet 'ja' of 'nee' zijn"))
    return False
