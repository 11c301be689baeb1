"""Imported indicator tables on disk: ``<WERKBOEK_HOME>/indicators/kerncijfers-<year>.csv`` plus a
JSON sidecar with the source and a checksum; written atomically, read back checked."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from werkboek import settings as config
from werkboek.errors import DataError, Problem, _display
from werkboek.formats.atomic import fsync_directory
from werkboek.model.indicators import INDICATORS, NEDERLAND, IndicatorTable, is_nederland

_STORED = re.compile(r"^kerncijfers-(\d{4})\.json$")


# -- storage ------------------------------------------------------------------------------

def default_dir() -> Path:
    """Where imported tables are kept: ``<WERKBOEK_HOME>/indicators``."""
    return config.home_dir() / "indicators"


def _paths(directory: Path, year: int) -> tuple[Path, Path]:
    return directory / f"kerncijfers-{year}.csv", directory / f"kerncijfers-{year}.json"


def save(table: IndicatorTable, directory: Path | str | None = None) -> Path:
    """Store ``table`` as ``kerncijfers-<year>.csv`` plus a JSON sidecar; returns the CSV path.

    Both files are written to temporary files first and then moved into place, so a failure
    leaves the directory as it was; the sidecar holds the CSV's SHA-256, so :func:`load`
    notices a pair that does not belong together. An example table never replaces real figures.
    """
    directory = Path(directory) if directory is not None else default_dir()
    csv_path, meta_path = _paths(directory, table.year)
    if table.example and meta_path.exists():
        try:
            existing = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            existing = {}
        if existing.get("example") is not True:
            raise DataError.at(meta_path, None, "example",
                               "hier staan echte kerncijfers; voorbeeldgegevens overschrijven die niet")

    out = io.StringIO(newline="")
    out.write(f"# Kerncijfers {table.year}; bron, jaar en controlegetal staan in {meta_path.name}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["statcode", *INDICATORS])
    for code, row in zip(table.data.index, table.data.itertuples(index=False)):
        writer.writerow([code, *(_format(v) for v in row)])
    if table.nederland is not None:  # the national reference, last (older files have none)
        writer.writerow([NEDERLAND, *(_format(table.nederland[key]) for key in INDICATORS)])
    csv_bytes = out.getvalue().encode("utf-8")
    meta = {
        "year": table.year,
        "source": table.source,
        "example": table.example,
        "label": table.label(),
        "origin": table.origin,
        "csv": csv_path.name,
        "sha256": hashlib.sha256(csv_bytes).hexdigest(),
        "rows": len(table.data),
        "nederland": table.nederland is not None,
        "indicators": {ind.id: {"label": ind.label, "unit": ind.unit} for ind in INDICATORS.values()},
    }
    meta_bytes = (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    directory.mkdir(parents=True, exist_ok=True)
    temps: list[str] = []
    try:
        for data in (csv_bytes, meta_bytes, csv_path.read_bytes() if csv_path.exists() else None):
            if data is None:
                break
            fd, name = tempfile.mkstemp(dir=directory, prefix=".kerncijfers-", suffix=".tmp")
            temps.append(name)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(temps[0], csv_path)
        try:
            os.replace(temps[1], meta_path)  # last: a table counts as saved once its sidecar is there
        except BaseException:
            # put the previous CSV back (temps[2]), or remove the new one; should even this
            # fail, load() still refuses the pair because the checksum does not match
            if len(temps) > 2:
                os.replace(temps[2], csv_path)
            else:
                os.unlink(csv_path)
            raise
        fsync_directory(directory)
    finally:
        for name in temps:
            if os.path.exists(name):
                os.unlink(name)
    return csv_path


def _format(value) -> str:
    value = float(value)
    if math.isnan(value):
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def available(directory: Path | str | None = None) -> list[int]:
    """The years stored in ``directory``, oldest first."""
    directory = Path(directory) if directory is not None else default_dir()
    if not directory.is_dir():
        return []
    years = []
    for entry in directory.iterdir():
        match = _STORED.match(entry.name)
        if match and (directory / f"kerncijfers-{match.group(1)}.csv").is_file():
            years.append(int(match.group(1)))
    return sorted(years)


def latest(directory: Path | str | None = None) -> int | None:
    """The newest stored year, or None when nothing has been imported."""
    years = available(directory)
    return years[-1] if years else None


def load(directory: Path | str | None = None, year: int | None = None) -> IndicatorTable:
    """Load a stored table (the newest when ``year`` is None); DataError when absent or damaged."""
    directory = Path(directory) if directory is not None else default_dir()
    if year is None:
        year = latest(directory)
        if year is None:
            raise DataError.at(directory, None, None,
                               "nog geen kerncijfers ingelezen; importeer eerst een kwb-bestand van CBS")
    csv_path, meta_path = _paths(directory, year)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = csv_path.read_bytes()
    except FileNotFoundError as exc:
        raise DataError.at(exc.filename or meta_path, None, None, f"kerncijfers {year} niet gevonden") from None
    except json.JSONDecodeError as exc:
        raise DataError.at(meta_path, exc.lineno, None, f"geen geldige JSON: {exc.msg}") from None
    problems: list[Problem] = []
    shown_meta, shown_csv = _display(meta_path), _display(csv_path)
    for key, kind in (("year", int), ("source", str), ("example", bool), ("sha256", str)):
        if not isinstance(meta.get(key), kind) or (kind is int and isinstance(meta.get(key), bool)):
            problems.append(Problem(shown_meta, None, key, f"ontbreekt of is geen {kind.__name__}"))
    if not problems and meta["year"] != year:
        problems.append(Problem(shown_meta, None, "year", f"zegt {meta['year']}, maar het bestand is van {year}"))
    if not problems and hashlib.sha256(data).hexdigest() != meta["sha256"]:
        problems.append(Problem(shown_csv, None, None,
                                f"past niet bij {meta_path.name} (gewijzigd of half opgeslagen); importeer opnieuw"))
    if problems:
        raise DataError(problems)

    from werkboek.formats.tabular import read_csv

    rows = read_csv(csv_path, ["statcode"], optional=tuple(INDICATORS))
    codes: list[str] = []
    records: list[list[float]] = []
    nederland: list[float] | None = None
    seen: set[str] = set()
    for row in rows:
        code = row.cells["statcode"]
        if code in seen:
            problems.append(row.problem("statcode", f"'{code}' staat er twee keer in"))
            continue
        seen.add(code)
        values = []
        for key in INDICATORS:
            raw = row.cells.get(key, "")
            try:
                values.append(float(raw) if raw else math.nan)
            except ValueError:
                problems.append(row.problem(key, f"'{raw}' is geen getal"))
                values.append(math.nan)
        if is_nederland(code):
            nederland = values
        else:
            codes.append(code)
            records.append(values)
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame(records, index=pd.Index(codes, name="statcode"), columns=list(INDICATORS), dtype=float)
    national = None if nederland is None else pd.Series(nederland, index=list(INDICATORS), dtype=float)
    return IndicatorTable(year=meta["year"], source=meta["source"], data=frame, example=meta["example"],
                          origin=str(meta.get("origin", "")), nederland=national)
