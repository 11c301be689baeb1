"""The scenario the programme adopted ("neem dit scenario over"): its saved outcome and its phasing per year."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from werkboek.model.monitor import adopted_scenario, planned_per_year


def adopted_outcome(decisions: Mapping[str, object], results_dir: Path | str | None = None) -> dict | None:
    """The ``outcome.json`` (as a dict) under ``results_dir`` (default ``$WERKBOEK_HOME/results``) of the
    scenario most current ``gekozen`` decisions came from; None when there is none or it is not found."""
    from werkboek import settings

    name = adopted_scenario(decisions)
    results = Path(results_dir) if results_dir is not None else settings.home_dir() / "results"
    if not name or not results.is_dir():
        return None
    for path in sorted(results.glob("*/outcome.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and isinstance(doc.get("scenario"), dict) and \
                str(doc["scenario"].get("name", "")) == name:
            return doc
    return None


def adopted_phasing(decisions: Mapping[str, object], results_dir: Path | str | None = None) -> dict[int, float] | None:
    """Year -> euros of the adopted scenario's phasing, or None."""
    doc = adopted_outcome(decisions, results_dir)
    return None if doc is None else planned_per_year(doc)
