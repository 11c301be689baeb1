"""p50/p95/p99 of a list of durations (numpy's linear interpolation; None when empty)."""

from __future__ import annotations

import numpy as np


def percentiles(values) -> dict[str, float | None]:
    values = [v for v in values if v is not None]
    if not values:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return {"n": len(values), "p50": round(float(p50), 4), "p95": round(float(p95), 4),
            "p99": round(float(p99), 4), "max": round(float(max(values)), 4)}
