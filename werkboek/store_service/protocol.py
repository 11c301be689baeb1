"""The store service protocol: ``POST /<operation>`` with a JSON object, answered with a JSON object.

=================  ==============================  =========================================
operation          request                         answer
=================  ==============================  =========================================
``check_code``     ``{"code", "clients"}``         ``{"code": Code, "workshop": Workshop}``
``load_draft``     ``{"code"}``                    ``{"payload": dict | null}``
``save_draft``     ``{"code", "payload"}``         ``{}``
``has_ballot``     ``{"code"}``                    ``{"has_ballot": bool}``
``submit``         ``{"submission"}``              ``{"receipt": Receipt}``
``workshop``       ``{"workshop_id"}``             ``{"workshop": Workshop}`` (a closing time)
``GET /health``                                    ``{"ok": true, "database": "sqlite"}``
=================  ==============================  =========================================

A refusal meant for the resident (:class:`werkboek.errors.BallotRejected`) comes back as
HTTP 422 with ``{"rejected": {"reason", "message", "values"}}`` (see :data:`werkboek.errors.REFUSALS`); a malformed request as 400; an
unexpected failure as 500 (logged by the store service, never shown to a resident as is).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from werkboek.model.ballot import BallotSubmission, Pin
from werkboek.model.records import Code, Receipt
from werkboek.model.workshop import DEFAULT_PRIVACY_K, Workshop

OPERATIONS = ("check_code", "load_draft", "save_draft", "has_ballot", "submit", "workshop")
MAX_REQUEST_BYTES = 64_000  # a full ballot with ten pins is ~3 kB; a draft at most 16 kB


def _iso(value):
    return value.isoformat() if value is not None else None


def workshop_to_json(w: Workshop) -> dict:
    return {"id": w.id, "title": w.title, "date": _iso(w.date), "location": w.location, "status": w.status,
            "method": w.method, "method_params": dict(w.method_params), "acties": list(w.acties), "kind": w.kind,
            "basemap": w.basemap, "created_at": _iso(w.created_at), "privacy_k": w.privacy_k,
            "remarks_direct": w.remarks_direct, "closes_at": _iso(w.closes_at), "wifi_name": w.wifi_name,
            "hide_results": w.hide_results, "voting_round": w.voting_round}


def workshop_from_json(d: dict) -> Workshop:
    return Workshop(
        id=d["id"], title=d["title"], date=dt.date.fromisoformat(d["date"]) if d.get("date") else None,
        location=d["location"], status=d["status"], method=d["method"], method_params=dict(d["method_params"]),
        acties=tuple(d["acties"]), kind=d["kind"], basemap=bool(d["basemap"]),
        created_at=dt.datetime.fromisoformat(d["created_at"]) if d.get("created_at") else None,
        # absent when the other side predates migration 0003
        privacy_k=int(d.get("privacy_k", DEFAULT_PRIVACY_K)), remarks_direct=bool(d.get("remarks_direct", False)),
        # absent when the other side predates migration 0004
        closes_at=dt.datetime.fromisoformat(d["closes_at"]) if d.get("closes_at") else None,
        wifi_name=str(d.get("wifi_name", "")), hide_results=bool(d.get("hide_results", False)),
        voting_round=int(d.get("voting_round", 1)),  # absent when the other side predates migration 0007
    )


def code_to_json(c: Code) -> dict:
    return dataclasses.asdict(c)


def code_from_json(d: dict) -> Code:
    return Code(d["code"], d["workshop_id"], d["kind"], d.get("label", ""))


def receipt_to_json(r: Receipt) -> dict:
    return {"ballot_id": r.ballot_id, "code": r.code, "replaced": r.replaced, "submitted_at": _iso(r.submitted_at)}


def receipt_from_json(d: dict) -> Receipt:
    return Receipt(d["ballot_id"], d["code"], bool(d["replaced"]), dt.datetime.fromisoformat(d["submitted_at"]))


def submission_to_json(s: BallotSubmission) -> dict:
    return {
        "code": s.code, "choices": s.choices, "buurt": s.buurt, "age_group": s.age_group, "remark": s.remark,
        "pins": [dataclasses.asdict(p) if isinstance(p, Pin) else p for p in s.pins],
        "group_size": s.group_size,
    }


def submission_from_json(d) -> BallotSubmission:
    """An untrusted submission: only its shape is fixed here, every value is checked by the store."""
    if not isinstance(d, dict):
        raise ValueError("submission must be an object")
    return BallotSubmission(
        code=d.get("code"), choices=d.get("choices", {}), buurt=d.get("buurt"), age_group=d.get("age_group"),
        remark=d.get("remark", ""), pins=d.get("pins", []), group_size=d.get("group_size"),
    )
