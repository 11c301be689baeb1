"""Strict reading of the project's CSV and YAML files.

Written by hand on top of the ``csv`` module (not pandas) because the resident kernel
imports the catalogue and must stay lean (pandas alone costs ~50 MB per kernel), and
because every message must name the file's own line number, including comment lines.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from werkboek.errors import DataError, Problem, _display


@dataclass(frozen=True)
class Row:
    """One data row of a CSV file: its line number in the file and its cells by column."""

    file: str
    line: int
    cells: dict[str, str]

    def problem(self, field: str | None, message: str) -> Problem:
        return Problem(self.file, self.line, field, message)


def read_csv(path: Path, required: list[str], optional: tuple[str, ...] = (), delimiter: str = ",") -> list[Row]:
    """Read a UTF-8 CSV file with a header row; lines starting with ``#`` are comments.

    Raises :class:`DataError` naming the file (and line) when the file is missing, not
    UTF-8, lacks a required column, has an unknown column or a row of the wrong width — and
    when its quotes are off: a quote that is never closed (the csv module would silently
    read the next lines into one field, so an actie disappeared and another got a garbage
    title), text after a closing quote, or a quote inside a field that is not itself quoted.
    A row must be on one line of the file.
    """
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError.at(path, None, None, "bestand niet gevonden") from None
    except UnicodeDecodeError as exc:
        raise DataError.at(path, None, None, f"geen geldige UTF-8-tekst ({exc.reason})") from None

    rows: list[Row] = []
    problems: list[Problem] = []
    header: list[str] | None = None
    physical = text.splitlines()
    reader = csv.reader(_lines(text), strict=True, delimiter=delimiter)
    previous = 0
    try:
        for cells in reader:
            first, line, previous = previous + 1, reader.line_num, reader.line_num
            if not cells or (cells[0].lstrip().startswith("#")) or not any(c.strip() for c in cells):
                continue
            if line > first:  # one record over several lines: a quote was opened and not closed on its line
                problems.append(Problem(shown, first, None, "een aanhalingsteken (\") wordt op deze regel niet "
                                                            "gesloten; de regels erna lopen er nu in door"))
                continue
            raw = physical[first - 1] if first - 1 < len(physical) else ""
            loose = [i for i, c in enumerate(cells) if '"' in c and '""' not in raw]
            if loose:
                column = header[loose[0]] if header and loose[0] < len(header) else None
                problems.append(Problem(shown, first, column, "los aanhalingsteken in een veld: zet de hele tekst "
                                                              "tussen aanhalingstekens en schrijf \"\" voor één \""))
                continue
            if header is None:
                header = [c.strip() for c in cells]
                missing = [c for c in required if c not in header]
                unknown = [c for c in header if c not in required and c not in optional]
                for col in missing:
                    problems.append(Problem(shown, line, col, "kolom ontbreekt in de kopregel"))
                for col in unknown:
                    problems.append(Problem(shown, line, col, "onbekende kolom in de kopregel"))
                dupes = {c for c in header if header.count(c) > 1}
                for col in sorted(dupes):
                    problems.append(Problem(shown, line, col, "kolom staat twee keer in de kopregel"))
                if problems:
                    raise DataError(problems)
                continue
            if len(cells) != len(header):
                problems.append(
                    Problem(shown, line, None, f"{len(cells)} velden, maar de kopregel heeft er {len(header)}")
                )
                continue
            rows.append(Row(shown, line, {h: c.strip() for h, c in zip(header, cells)}))
    except csv.Error as exc:
        problems.append(Problem(shown, previous + 1, None, _csv_error(str(exc))))
        raise DataError(problems) from None
    if header is None:
        problems.append(Problem(shown, None, None, "het bestand heeft geen kopregel"))
    if problems:
        raise DataError(problems)
    return rows


def read_table(path: Path, required: list[str], optional: tuple[str, ...] = ()) -> list[Row]:
    """A CSV file (``,`` or Dutch Excel's ``;``, whichever the header uses) or an XLSX file's first sheet.

    Same promises as :func:`read_csv`; an XLSX row's number is the spreadsheet's own row
    number, and its cells keep what openpyxl read (a date stays a date, a number a number).
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, required, optional)
    delimiter = ","
    try:
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                delimiter = ";" if line.count(";") > line.count(",") else ","
                break
    except (FileNotFoundError, UnicodeDecodeError):
        pass  # read_csv says so
    return read_csv(path, required, optional, delimiter=delimiter)


def _read_xlsx(path: Path, required: list[str], optional: tuple[str, ...]) -> list[Row]:
    import zipfile

    from openpyxl import load_workbook  # only the programme office's imports need it

    shown = _display(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise DataError.at(path, None, None, "bestand niet gevonden") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataError.at(path, None, None, f"geen Excel-bestand (.xlsx) dat gelezen kan worden ({exc})") from None
    try:
        sheet = wb.worksheets[0]
        header: list[str] | None = None
        rows: list[Row] = []
        problems: list[Problem] = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else v for v in values]
            if not any(str(c).strip() for c in cells):
                continue
            if header is None:
                while cells and str(cells[-1]).strip() == "":
                    cells.pop()
                header = [str(c).strip() for c in cells]
                for col in (c for c in required if c not in header):
                    problems.append(Problem(shown, line, col, "kolom ontbreekt in de kopregel"))
                for col in (c for c in header if c not in required and c not in optional):
                    problems.append(Problem(shown, line, col or None, "onbekende kolom in de kopregel"))
                for col in sorted({c for c in header if header.count(c) > 1}):
                    problems.append(Problem(shown, line, col, "kolom staat twee keer in de kopregel"))
                if problems:
                    raise DataError(problems)
                continue
            extra = [c for c in cells[len(header):] if str(c).strip()]
            if extra:
                problems.append(Problem(shown, line, None, f"er staat iets rechts van de laatste kolom "
                                                           f"('{header[-1]}')"))
                continue
            cells = cells + [""] * (len(header) - len(cells))
            rows.append(Row(shown, line, {h: (c.strip() if isinstance(c, str) else c)
                                          for h, c in zip(header, cells)}))
    finally:
        wb.close()
    if header is None:
        problems.append(Problem(shown, None, None, "het bestand heeft geen kopregel"))
    if problems:
        raise DataError(problems)
    return rows


def _csv_error(message: str) -> str:
    if "unexpected end of data" in message:
        return "een aanhalingsteken (\") wordt niet gesloten voor het einde van het bestand"
    if "expected after" in message:
        return "na een sluitend aanhalingsteken staat nog tekst in hetzelfde veld"
    return f"deze regel kan niet gelezen worden ({message}); kijk naar de aanhalingstekens"


def _lines(text: str) -> Iterator[str]:
    yield from text.splitlines(keepends=True)


def read_yaml(path: Path, cache_dir: Path | None = None):
    """Load a YAML file; syntax errors name the file and line.

    ``cache_dir``: keep the parsed document there as JSON, named by the SHA-256 of the file's
    text, and read it from there the next time the text is the same. Every resident kernel
    loads the catalogue's ``leefgebieden.yaml``; importing PyYAML costs each of them ~0.9 MB
    RSS (issue 17), the cached JSON nothing. A changed file has another hash, so it is parsed
    again; a document JSON cannot hold exactly (dates, non-string keys) is never cached; a
    cache that cannot be read or written is skipped.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError.at(path, None, None, "bestand niet gevonden") from None
    cached = None
    if cache_dir is not None:
        import hashlib

        cached = Path(cache_dir) / f"{hashlib.sha256(text.encode('utf-8')).hexdigest()}.json"
        try:
            return json.loads(cached.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    doc = _parse_yaml(path, text)
    if cached is not None:
        _write_json_cache(cached, doc)
    return doc


def _parse_yaml(path: Path, text: str):
    import yaml  # only the catalogue's YAML files need it

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataError.at(path, line, None, f"geen geldige YAML: {getattr(exc, 'problem', exc)}") from None


def _write_json_cache(cached: Path, doc) -> None:
    from werkboek.settings import private_directory

    try:
        encoded = json.dumps(doc, ensure_ascii=False)
    except (TypeError, ValueError):
        return  # e.g. a date: JSON cannot hold it
    if json.loads(encoded) != doc:
        return  # e.g. an integer key, which JSON turns into a string
    try:
        private_directory(cached.parent)
        partial = cached.with_name(f".{cached.name}.{os.getpid()}")
        partial.write_text(encoded, encoding="utf-8")
        os.replace(partial, cached)  # kernels starting at once each write whole files
    except OSError:
        pass


def split_list(value: str) -> list[str]:
    """Split a ``;``-separated cell into its trimmed, non-empty parts."""
    return [part.strip() for part in value.split(";") if part.strip()]
