"""The vote store: workshops, codes and ballots, in SQLite or PostgreSQL through one code path.

Guarantees:

* Submitting a ballot is one transaction; :meth:`Store.submit` returns only after commit,
  so an acknowledged ballot is on disk (SQLite: WAL + ``synchronous=FULL``).
* Re-submitting with the same code while the workshop is open replaces the previous
  ballot; the old one is kept with ``superseded_at`` set (audit history).
* Submissions with the same code are serialised (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL:
  ``SELECT … FOR UPDATE`` on the code row), and a partial unique index allows one current
  ballot per code whatever happens.
* Every value is validated (:func:`werkboek.model.ballot.validate_ballot`) inside the same
  transaction that checks the workshop is open.
* Remarks (and pin texts) wait for a facilitator's approval before the projector shows
  them (:meth:`Store.set_remark_status`); the remark as received is kept when cleaning
  changed it (``remark_original``, for audit).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Sequence

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from werkboek.errors import BallotRejected, DataError, ModerationError, NotFound, Problem, WorkshopStateError
from werkboek.model import codes as codegen
from werkboek.model.ballot import Ballot, BallotSubmission, Pin, validate_ballot
from werkboek.model.methods import DEFAULT_METHOD
from werkboek.model.records import (
    CHANNELS,
    PAPER,
    PHONE,
    REMARK_STATUSES,
    Code,
    CodeState,
    Receipt,
    Remark,
    StoredBallot,
)
from werkboek.model.rounds import MAX_ROUNDS
from werkboek.model.throttle import CodeThrottle
from werkboek.model.workshop import (
    DEFAULT_PRIVACY_K,
    GRACE_MINUTES_RANGE,
    STATUSES,
    Workshop,
    check_wifi_name,
    check_workshop_fields,
    effective_status,
)
from werkboek.store import migrate
from werkboek.store.engine import make_engine
from werkboek.store.schema import ballot_choices, ballots, codes, drafts, pins, workshop_acties, workshops

# A ballot "of the current round": cast in the round its workshop is in now (0007). Every
# count, result and check reads the current round unless it asks for another.
CURRENT_ROUND = ballots.c.voting_round == (select(workshops.c.voting_round)
                                          .where(workshops.c.id == ballots.c.workshop_id).scalar_subquery())
MAX_DRAFT_BYTES = 16_000  # a full ballot is ~2 kB; anything larger is not ours



def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Store:
    """All reads and writes of workshop data. One instance per process is enough."""

    def __init__(self, url: str | None = None, *, upgrade: bool = True, catalogue=None):
        from werkboek import settings as config

        self.url = url or config.database_url()
        self.engine = make_engine(self.url)
        self._writer = self.engine.execution_options(write=True)
        self._catalogue = catalogue
        self.code_throttle = CodeThrottle()  # wrong codes per client (werkboek.model.throttle)
        if upgrade:
            migrate.ensure_current(self.engine)

    @property
    def catalogue(self):
        if self._catalogue is None:
            from werkboek.model.catalogue import catalogue

            self._catalogue = catalogue()
        return self._catalogue

    def close(self) -> None:
        self.engine.dispose()

    # -- copies (werkboek.store.backup) ----------------------------------------------------

    def backup(self, label: str = "handmatig", directory=None):
        """A checked copy of the whole store now (in ``var/backups`` unless ``directory``); its BackupInfo."""
        from werkboek import settings
        from werkboek.store.backup import make_backup

        return make_backup(self.url, directory or settings.backups_dir(), label=label)

    def latest_backup(self, directory=None):
        from werkboek import settings
        from werkboek.store.backup import latest_backup

        return latest_backup(directory or settings.backups_dir())

    def count_all_ballots(self) -> int:
        """Current ballots of every workshop (what a copy must hold to be up to date)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(ballots)
                                .where(ballots.c.superseded_at.is_(None))).scalar_one()

    # -- workshops ------------------------------------------------------------------------

    def create_workshop(self, title: str, *, method: str = DEFAULT_METHOD, method_params: dict | None = None,
                        acties=(), date: dt.date | None = None, location: str = "", kind: str = "workshop",
                        basemap: bool = False, privacy_k: int = DEFAULT_PRIVACY_K,
                        remarks_direct: bool = False) -> Workshop:
        params = dict(method_params or {})
        acties = list(acties)
        check_workshop_fields(self.catalogue, title=title, method=method, method_params=params, acties=acties,
                              kind=kind, location=location, privacy_k=privacy_k)
        now = _now()
        with self._writer.begin() as conn:
            wid = conn.execute(insert(workshops).values(
                title=title.strip(), date=date, location=location.strip(), status="concept", kind=kind,
                method=method, method_params=params, basemap=basemap, created_at=now, updated_at=now,
                privacy_k=privacy_k, remarks_direct=bool(remarks_direct), pseudonym_key=secrets.token_hex(32),
            )).inserted_primary_key[0]
            self._set_acties(conn, wid, acties)
        return self.workshop(wid)

    def update_workshop(self, workshop_id: int, **changes) -> Workshop:
        """Change a workshop's settings. The ballot (acties, method) and ``privacy_k`` are fixed once votes exist.

        ``privacy_k`` decides where the projector's batches of ballots begin and end;
        changing it during voting would move those edges, and the change between two
        screens could then show fewer than k ballots.
        """
        current = self.workshop(workshop_id)
        merged = {
            "title": changes.get("title", current.title),
            "method": changes.get("method", current.method),
            "method_params": changes.get("method_params", current.method_params),
            "acties": list(changes.get("acties", current.acties)),
            "kind": changes.get("kind", current.kind),
            "location": changes.get("location", current.location),
            "privacy_k": changes.get("privacy_k", current.privacy_k),
        }
        unknown = set(changes) - set(merged) - {"date", "basemap", "remarks_direct", "wifi_name", "hide_results"}
        if unknown:
            raise DataError([Problem("workshop", None, name, "dit veld bestaat niet") for name in sorted(unknown)])
        check_workshop_fields(self.catalogue, **merged)
        wifi_name = check_wifi_name(changes["wifi_name"]) if "wifi_name" in changes else None
        ballot_changed = any(k in changes and changes[k] != getattr(current, k)
                             for k in ("method", "method_params")) or (
            "acties" in changes and tuple(changes["acties"]) != current.acties)
        k_changed = merged["privacy_k"] != current.privacy_k
        with self._writer.begin() as conn:
            if ballot_changed and self._count_ballots(conn, workshop_id):
                raise WorkshopStateError(
                    "Er is al gestemd: de acties en de stemmethode kunnen niet meer veranderen. "
                    "Maak een nieuwe bijeenkomst als dat toch nodig is."
                )
            if k_changed and self._count_ballots(conn, workshop_id, include_superseded=True):
                raise WorkshopStateError(
                    "Er is al gestemd: de kleinste groep kan niet meer veranderen. "
                    "Anders kan iemand op het scherm zien wat één persoon stemde."
                )
            values = {k: v for k, v in merged.items() if k != "acties"}
            values["title"] = values["title"].strip()
            if "date" in changes:
                values["date"] = changes["date"]
            if "basemap" in changes:
                values["basemap"] = bool(changes["basemap"])
            if "remarks_direct" in changes:
                values["remarks_direct"] = bool(changes["remarks_direct"])
            if wifi_name is not None:
                values["wifi_name"] = wifi_name
            if "hide_results" in changes:
                values["hide_results"] = bool(changes["hide_results"])
            conn.execute(update(workshops).where(workshops.c.id == workshop_id).values(**values, updated_at=_now()))
            if "acties" in changes:
                self._set_acties(conn, workshop_id, merged["acties"])
        return self.workshop(workshop_id)

    def set_status(self, workshop_id: int, status: str) -> Workshop:
        if status not in STATUSES:
            raise DataError.at("workshop", None, "status", f"'{status}' is geen status (kies uit {', '.join(STATUSES)})")
        with self._writer.begin() as conn:
            found = conn.execute(
                update(workshops).where(workshops.c.id == workshop_id)
                .values(status=status, closes_at=None, updated_at=_now())
            ).rowcount
        if not found:
            raise _no_workshop(workshop_id)
        return self.workshop(workshop_id)

    def open_voting(self, workshop_id: int) -> Workshop:
        if not self.workshop(workshop_id).acties:
            raise WorkshopStateError("Zet eerst acties op het stembiljet voordat het stemmen opengaat.")
        return self.set_status(workshop_id, "open")

    def close_voting(self, workshop_id: int, *, in_minutes: int | None = None) -> Workshop:
        """Close now, or (``in_minutes``) let voting close by itself then: a grace period.

        Until then ballots are accepted; from ``closes_at`` on every read of the workshop says
        "gesloten" and a ballot is refused (``closed_late``), whether or not anyone called
        :meth:`settle_closing` yet.
        """
        if in_minutes is None:
            return self.set_status(workshop_id, "gesloten")
        low, high = GRACE_MINUTES_RANGE
        if not isinstance(in_minutes, int) or isinstance(in_minutes, bool) or not low <= in_minutes <= high:
            raise DataError.at("workshop", None, "sluiten over",
                               f"kies een heel aantal minuten van {low} tot en met {high}")
        if self.workshop(workshop_id).status != "open":
            raise WorkshopStateError("Het stemmen is niet open: er valt niets te sluiten.")
        closes_at = _now() + dt.timedelta(minutes=in_minutes)
        with self._writer.begin() as conn:
            conn.execute(update(workshops).where(and_(workshops.c.id == workshop_id, workshops.c.status == "open"))
                         .values(closes_at=closes_at, updated_at=_now()))
        return self.workshop(workshop_id)

    def settle_closing(self, workshop_id: int) -> bool:
        """Record a closing time that has passed as the status "gesloten"; True when this call did so."""
        now = _now()
        with self._writer.begin() as conn:
            done = conn.execute(
                update(workshops).where(and_(workshops.c.id == workshop_id, workshops.c.status == "open",
                                             workshops.c.closes_at.is_not(None), workshops.c.closes_at <= now))
                .values(status="gesloten", updated_at=now)
            ).rowcount
        return bool(done)

    def reveal_results(self, workshop_id: int) -> Workshop:
        """"Nu onthullen": the projector shows the results from now on, also while voting is open."""
        return self.update_workshop(workshop_id, hide_results=False)

    def open_next_round(self, workshop_id: int) -> Workshop:
        """"Tweede ronde openen": after the table discussion the same codes vote again (deliberative polling).

        Only once voting is closed and the round has ballots. The ballots of the earlier round
        stay as they are (``Store.ballots(..., voting_round=1)``); results, the projector and
        every count now read the new round, which starts empty and open. A paper ballot of the
        first round does not stop the same code voting on a phone in the second.
        """
        self.settle_closing(workshop_id)  # a closing time that has passed counts as closed
        workshop = self.workshop(workshop_id)
        if workshop.status != "gesloten":
            raise WorkshopStateError("Sluit eerst het stemmen van deze ronde; daarna kan een nieuwe ronde open.")
        if workshop.voting_round >= MAX_ROUNDS:
            raise WorkshopStateError(f"Er zijn al {MAX_ROUNDS} rondes geweest; meer rondes kan niet.")
        if not self.count_ballots(workshop_id):
            raise WorkshopStateError("In deze ronde is nog niet gestemd: een nieuwe ronde heeft dan geen zin.")
        with self._writer.begin() as conn:
            done = conn.execute(
                update(workshops).where(and_(workshops.c.id == workshop_id, workshops.c.status == "gesloten",
                                             workshops.c.voting_round == workshop.voting_round))
                .values(voting_round=workshop.voting_round + 1, status="open", closes_at=None, updated_at=_now())
            ).rowcount
        if not done:  # someone else opened it (or reopened voting) in between
            raise WorkshopStateError("De bijeenkomst is intussen veranderd. Kijk opnieuw.")
        return self.workshop(workshop_id)

    def workshop(self, workshop_id: int) -> Workshop:
        with self.engine.connect() as conn:
            row = conn.execute(select(workshops).where(workshops.c.id == workshop_id)).mappings().first()
            if row is None:
                raise _no_workshop(workshop_id)
            acties = conn.execute(
                select(workshop_acties.c.actie_id).where(workshop_acties.c.workshop_id == workshop_id)
                .order_by(workshop_acties.c.position)
            ).scalars().all()
        return _workshop_from(row, acties)

    def workshops(self) -> list[Workshop]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(workshops).order_by(workshops.c.id)).mappings().all()
            links = conn.execute(select(workshop_acties).order_by(workshop_acties.c.position)).all()
        per: dict[int, list[str]] = {}
        for wid, actie_id, _pos in links:
            per.setdefault(wid, []).append(actie_id)
        return [_workshop_from(r, per.get(r["id"], [])) for r in rows]

    @staticmethod
    def _set_acties(conn, workshop_id: int, acties) -> None:
        conn.execute(delete(workshop_acties).where(workshop_acties.c.workshop_id == workshop_id))
        if acties:
            conn.execute(insert(workshop_acties), [
                {"workshop_id": workshop_id, "actie_id": a, "position": i} for i, a in enumerate(acties)
            ])

    # -- codes ----------------------------------------------------------------------------

    def create_codes(self, workshop_id: int, count: int, kind: str = "individual",
                     label: str = "") -> list[Code]:
        """Make ``count`` new codes for a workshop (group codes get labels "Tafel 1", "Tafel 2", …)."""
        if kind not in ("individual", "group"):
            raise DataError.at("codes", None, "soort", f"'{kind}' is geen soort code (individual of group)")
        if not isinstance(count, int) or not 1 <= count <= 5000:
            raise DataError.at("codes", None, "aantal", "kies een aantal van 1 tot 5000")
        self.workshop(workshop_id)  # NotFound when it does not exist
        now = _now()
        made: list[Code] = []
        with self._writer.begin() as conn:
            existing_groups = conn.execute(
                select(func.count()).select_from(codes)
                .where(and_(codes.c.workshop_id == workshop_id, codes.c.kind == "group"))
            ).scalar_one()
            taken = set()
            while len(made) < count:
                code = codegen.new_code()
                if code in taken or conn.execute(select(codes.c.code).where(codes.c.code == code)).first():
                    continue
                taken.add(code)
                lab = label or (f"Tafel {existing_groups + len(made) + 1}" if kind == "group" else "")
                made.append(Code(code, workshop_id, kind, lab))
            conn.execute(insert(codes), [
                {"code": c.code, "workshop_id": c.workshop_id, "kind": c.kind, "label": c.label, "created_at": now}
                for c in made
            ])
        return made

    def codes(self, workshop_id: int) -> list[Code]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(codes.c.code, codes.c.workshop_id, codes.c.kind, codes.c.label)
                .where(codes.c.workshop_id == workshop_id).order_by(codes.c.created_at, codes.c.code)
            ).all()
        return [Code(*r) for r in rows]

    def code_states(self, workshop_id: int) -> list[CodeState]:
        """Every code of a workshop with its status (ongebruikt / bezig / gestemd / ongeldig), in making order.

        "bezig" is a code with a draft (a ballot started, see :meth:`save_draft`) and no
        current ballot; a code with a ballot is "gestemd" even when a new draft exists.
        """
        current = (select(ballots.c.code).where(and_(ballots.c.workshop_id == workshop_id,
                                                     ballots.c.superseded_at.is_(None), CURRENT_ROUND)))
        query = (select(codes.c.code, codes.c.workshop_id, codes.c.kind, codes.c.label, codes.c.printed_at,
                        codes.c.voided_at, codes.c.excluded_at,
                        codes.c.code.in_(current).label("voted"),
                        codes.c.code.in_(select(drafts.c.code)).label("drafting"))
                 .where(codes.c.workshop_id == workshop_id).order_by(codes.c.created_at, codes.c.code))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [CodeState(r.code, r.workshop_id, r.kind, r.label,
                          codegen.code_status(voided=r.voided_at is not None, has_ballot=bool(r.voted),
                                              has_draft=bool(r.drafting)),
                          printed_at=_aware(r.printed_at), voided_at=_aware(r.voided_at),
                          has_ballot=bool(r.voted), excluded=r.excluded_at is not None)
                for r in rows]

    def count_busy(self, workshop_id: int) -> int:
        """Codes with a ballot in progress (a draft) and no ballot sent: "n mensen zijn nog bezig"."""
        return sum(c.status == codegen.BUSY for c in self.code_states(workshop_id))

    def unprinted_codes(self, workshop_id: int) -> list[Code]:
        """Codes never put on a printed sheet, voided ones left out."""
        return [Code(c.code, c.workshop_id, c.kind, c.label) for c in self.code_states(workshop_id)
                if not c.printed and c.status != codegen.VOID]

    def mark_printed(self, codes_printed) -> int:
        """Record that these codes went on a sheet (the first time only); how many were new."""
        values = [c.code if isinstance(c, Code) else codegen.normalise(c) for c in codes_printed]
        values = [v for v in values if v]
        now, done = _now(), 0
        with self._writer.begin() as conn:
            for start in range(0, len(values), 500):
                done += conn.execute(update(codes).where(and_(codes.c.code.in_(values[start:start + 500]),
                                                               codes.c.printed_at.is_(None)))
                                     .values(printed_at=now)).rowcount
        return done

    def void_code(self, typed: str) -> CodeState:
        """A lost slip: the code can no longer vote or keep a draft. A ballot it sent still counts until
        :meth:`stop_counting` (the facilitator decides); it is never deleted."""
        value = self._known_code(typed)
        with self._writer.begin() as conn:
            conn.execute(update(codes).where(and_(codes.c.code == value, codes.c.voided_at.is_(None)))
                         .values(voided_at=_now()))
            conn.execute(delete(drafts).where(drafts.c.code == value))
        return self.code_state(value)

    def stop_counting(self, typed: str) -> CodeState:
        """"Telt niet meer mee": the ballot of a voided code leaves results and exports (it stays stored)."""
        value = self._known_code(typed)
        state = self.code_state(value)
        if state.voided_at is None:
            raise WorkshopStateError("Maak de code eerst ongeldig. Alleen de stem van een ongeldige code "
                                     "kan uit de uitslag.")
        with self._writer.begin() as conn:
            conn.execute(update(codes).where(and_(codes.c.code == value, codes.c.excluded_at.is_(None)))
                         .values(excluded_at=_now()))
        return self.code_state(value)

    def code_state(self, typed: str) -> CodeState:
        value = self._known_code(typed)
        workshop_id = self.lookup_code(value).workshop_id
        return next(c for c in self.code_states(workshop_id) if c.code == value)

    def _known_code(self, typed: str) -> str:
        value = codegen.normalise(typed) if isinstance(typed, str) else None
        if value is None or self.lookup_code(value) is None:
            raise NotFound(f"De code {typed!r} bestaat niet.")
        return value

    def lookup_code(self, typed: str) -> Code | None:
        code = codegen.normalise(typed)
        if code is None:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(codes.c.code, codes.c.workshop_id, codes.c.kind, codes.c.label).where(codes.c.code == code)
            ).first()
        return Code(*row) if row else None

    def check_code(self, typed: str, *, clients: Sequence[str] = ()) -> tuple[Code, Workshop]:
        """The code and its workshop, if a resident may vote with it now; else BallotRejected.

        A code whose ballot came on paper cannot be used on a phone either.

        ``clients``: who is asking (the resident kernel passes its client's address and its
        page): wrong codes are throttled per key (:mod:`werkboek.model.throttle`), and every code
        that cannot be used now gets the same answer (``code_not_usable``).
        """
        keys = [str(k)[:100] for k in clients if k][:4]
        if self.code_throttle.blocked_for(keys) > 0:
            raise BallotRejected("too_many_tries")
        code = self.lookup_code(typed)
        workshop = self.workshop(code.workshop_id) if code is not None else None
        if workshop is None or not workshop.is_open or self._is_void(code.code) or self._on_paper(code.code):
            self.code_throttle.failed(keys)
            time.sleep(self.code_throttle.delay(keys))
            raise BallotRejected("code_not_usable")  # the same answer for every code that cannot vote now
        return code, workshop

    def _on_paper(self, code: str) -> bool:
        """Whether this code's current ballot came on paper (a phone cannot replace it: :meth:`submit`)."""
        with self.engine.connect() as conn:
            return conn.execute(select(ballots.c.id).where(and_(
                ballots.c.code == code, ballots.c.superseded_at.is_(None), ballots.c.channel == PAPER, CURRENT_ROUND))
            ).first() is not None

    def _is_void(self, code: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(codes.c.voided_at).where(codes.c.code == code)).scalar() is not None

    # -- drafts ---------------------------------------------------------------------------

    def save_draft(self, code: str, payload: dict) -> None:
        """Keep a ballot in progress against its code (replacing the previous draft).

        The payload is untrusted and opaque here: only its size is limited; whoever restores
        it re-checks every value, and :meth:`submit` validates everything again anyway.
        """
        import json

        value = codegen.normalise(code)
        if value is None:
            raise BallotRejected("code_unknown")
        if not isinstance(payload, dict) or len(json.dumps(payload)) > MAX_DRAFT_BYTES:
            raise BallotRejected("draft_too_large")
        with self._writer.begin() as conn:
            found = conn.execute(select(codes.c.voided_at).where(codes.c.code == value)).first()
            if found is None:
                raise BallotRejected("code_unknown")
            if found.voided_at is not None:
                raise BallotRejected("code_void")
            found = conn.execute(update(drafts).where(drafts.c.code == value)
                                 .values(payload=payload, updated_at=_now())).rowcount
            if not found:
                conn.execute(insert(drafts).values(code=value, payload=payload, updated_at=_now()))

    def load_draft(self, code: str) -> dict | None:
        value = codegen.normalise(code)
        if value is None:
            return None
        with self.engine.connect() as conn:
            return conn.execute(select(drafts.c.payload).where(drafts.c.code == value)).scalar()

    def delete_draft(self, code: str) -> None:
        value = codegen.normalise(code)
        if value is not None:
            with self._writer.begin() as conn:
                conn.execute(delete(drafts).where(drafts.c.code == value))

    # -- ballots --------------------------------------------------------------------------

    def submit(self, submission: BallotSubmission, *, channel: str = PHONE) -> Receipt:
        """Validate and store a ballot in one transaction; returns after commit.

        ``channel``: ``telefoon`` (a resident's phone; what the store service always passes)
        or ``papier`` (a paper ballot typed in in the console). A paper counts once: a code
        that already has a ballot is refused on paper (``code_used``), and a phone cannot
        replace a paper ballot (``code_used_on_paper``). A phone may still replace its own
        ballot while voting is open.
        """
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        code_value = codegen.normalise(submission.code)
        if code_value is None:
            raise BallotRejected("code_unknown")
        submission.code = code_value
        with self._writer.begin() as conn:
            lock = select(codes.c.workshop_id, codes.c.kind, codes.c.voided_at).where(codes.c.code == code_value)
            if conn.dialect.name == "postgresql":
                lock = lock.with_for_update()
            row = conn.execute(lock).first()
            # The time is read once the code is locked (SQLite: the write lock of BEGIN
            # IMMEDIATE; PostgreSQL: the code's row). Read before, a submission that waited for
            # the lock could carry an earlier time than the ballot it replaces, and the order
            # by time would then name the wrong one current (seen once in 900 test runs).
            now = _now()
            if row is None:
                raise BallotRejected("code_unknown")
            workshop_id, kind, voided_at = row
            if voided_at is not None:
                raise BallotRejected("code_void")
            wrow = conn.execute(select(workshops).where(workshops.c.id == workshop_id)).mappings().one()
            acties = conn.execute(
                select(workshop_acties.c.actie_id).where(workshop_acties.c.workshop_id == workshop_id)
                .order_by(workshop_acties.c.position)
            ).scalars().all()
            workshop = _workshop_from(wrow, acties, now)
            if wrow["status"] == "open" and workshop.status == "gesloten":
                raise BallotRejected("closed_late")  # after the grace period: closed, though nobody settled it
            _require_open(workshop)
            ballot = validate_ballot(submission, workshop, kind, self.catalogue)
            this_round = and_(ballots.c.code == code_value, ballots.c.superseded_at.is_(None),
                              ballots.c.voting_round == workshop.voting_round)
            previous = conn.execute(select(ballots.c.channel).where(this_round)).scalar()
            if previous is not None and channel == PAPER:
                raise BallotRejected("code_used")
            if previous == PAPER:
                raise BallotRejected("code_used_on_paper")
            status = self._inherited_status(conn, this_round, ballot)
            replaced = conn.execute(update(ballots).where(this_round).values(superseded_at=now)).rowcount > 0
            ballot_id = self._insert_ballot(conn, ballot, now, status, channel, workshop.voting_round)
            conn.execute(delete(drafts).where(drafts.c.code == code_value))  # the draft is done
        return Receipt(ballot_id, code_value, replaced, now)

    @staticmethod
    def _inherited_status(conn, current, ballot: Ballot) -> str:
        """A replacement with the same remark and pin texts keeps the facilitator's decision on them.

        ``current``: the condition for the ballot it replaces (this code, this round, current).
        """
        previous = conn.execute(
            select(ballots.c.id, ballots.c.remark, ballots.c.remark_status).where(current)
        ).first()
        if previous is None or previous.remark != ballot.remark:
            return "pending"
        texts = conn.execute(select(pins.c.text).where(pins.c.ballot_id == previous.id)).scalars().all()
        same = sorted(t for t in texts if t) == sorted(p.text for p in ballot.pins if p.text)
        return previous.remark_status if same else "pending"

    @staticmethod
    def _insert_ballot(conn, ballot: Ballot, now: dt.datetime, remark_status: str = "pending",
                       channel: str = PHONE, voting_round: int = 1) -> int:
        try:
            ballot_id = conn.execute(insert(ballots).values(
                workshop_id=ballot.workshop_id, code=ballot.code, group_size=ballot.group_size, buurt=ballot.buurt,
                age_group=ballot.age_group, remark=ballot.remark, submitted_at=now,
                remark_status=remark_status, remark_original=ballot.remark_original, channel=channel,
                voting_round=voting_round,
            )).inserted_primary_key[0]
        except IntegrityError:  # a concurrent submission with the same code won the race
            raise BallotRejected("busy") from None
        if ballot.choices:
            conn.execute(insert(ballot_choices), [
                {"ballot_id": ballot_id, "actie_id": a, "value": v} for a, v in ballot.choices.items()
            ])
        if ballot.pins:
            conn.execute(insert(pins), [
                {"ballot_id": ballot_id, "leefgebied": p.leefgebied, "lat": p.lat, "lon": p.lon, "text": p.text}
                for p in ballot.pins
            ])
        return ballot_id

    def ballots(self, workshop_ids=None, *, include_superseded: bool = False, code: str | None = None,
                include_excluded: bool = False, voting_round: int | str = "current") -> list[StoredBallot]:
        """Stored ballots (current ones unless ``include_superseded``), oldest first.

        ``voting_round``: ``"current"`` (each workshop's round now: what results and the
        projector count), a round number, or ``"all"`` (exports: every ballot carries its round).

        Ballots of a code the facilitator voided *and* took out of the count
        (:meth:`stop_counting`) are left out unless ``include_excluded`` (audit): results,
        the projector and the exports all read through here.
        """
        query = (select(ballots, codes.c.kind, workshops.c.pseudonym_key)
                 .join(codes, codes.c.code == ballots.c.code).join(workshops, workshops.c.id == ballots.c.workshop_id))
        if workshop_ids is not None:
            ids = [workshop_ids] if isinstance(workshop_ids, int) else list(workshop_ids)
            query = query.where(ballots.c.workshop_id.in_(ids))
        if code is not None:
            query = query.where(ballots.c.code == (codegen.normalise(code) or code))
        if not include_superseded:
            query = query.where(ballots.c.superseded_at.is_(None))
        if not include_excluded:
            query = query.where(codes.c.excluded_at.is_(None))
        if voting_round == "current":
            query = query.where(ballots.c.voting_round == workshops.c.voting_round)
        elif voting_round != "all":
            if not isinstance(voting_round, int) or isinstance(voting_round, bool):
                raise ValueError(f"voting_round must be 'current', 'all' or a round number, not {voting_round!r}")
            query = query.where(ballots.c.voting_round == voting_round)
        query = query.order_by(ballots.c.submitted_at, ballots.c.id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
            missing = any(not r["pseudonym_key"] for r in rows)  # a workshop made outside the store has no key
            ids = [] if missing else [r["id"] for r in rows]
            choice_rows, pin_rows = [], []
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                choice_rows += conn.execute(select(ballot_choices).where(ballot_choices.c.ballot_id.in_(chunk))).all()
                pin_rows += conn.execute(select(pins).where(pins.c.ballot_id.in_(chunk)).order_by(pins.c.id)).all()
        if missing:
            self._fill_pseudonym_keys()
            return self.ballots(workshop_ids, include_superseded=include_superseded, code=code,
                                include_excluded=include_excluded, voting_round=voting_round)
        choices: dict[int, dict[str, int]] = {}
        for bid, actie_id, value in choice_rows:
            choices.setdefault(bid, {})[actie_id] = value
        pin_map: dict[int, list[Pin]] = {}
        for _pid, bid, lg, lat, lon, txt in pin_rows:
            pin_map.setdefault(bid, []).append(Pin(lg, lat, lon, txt))
        return [
            StoredBallot(
                id=r["id"], workshop_id=r["workshop_id"], code=r["code"], code_kind=r["kind"],
                group_size=r["group_size"], buurt=r["buurt"], age_group=r["age_group"], remark=r["remark"],
                submitted_at=_aware(r["submitted_at"]), superseded_at=_aware(r["superseded_at"]),
                choices=choices.get(r["id"], {}), pins=tuple(pin_map.get(r["id"], ())),
                remark_status=r["remark_status"], remark_original=r["remark_original"],
                pseudonym=_pseudonym(r["pseudonym_key"], r["id"]), channel=r["channel"],
                voting_round=r["voting_round"],
            )
            for r in rows
        ]

    def _fill_pseudonym_keys(self) -> None:
        with self._writer.begin() as conn:
            for wid in conn.execute(select(workshops.c.id).where(workshops.c.pseudonym_key == "")).scalars().all():
                conn.execute(update(workshops).where(and_(workshops.c.id == wid, workshops.c.pseudonym_key == ""))
                             .values(pseudonym_key=secrets.token_hex(32)))

    # -- moderation -----------------------------------------------------------------------

    def remarks(self, workshop_ids, status: str | None = None) -> list[Remark]:
        """Current ballots with a remark or a pin text, oldest first (for the facilitator only)."""
        ids = [workshop_ids] if isinstance(workshop_ids, int) else list(workshop_ids)
        if status is not None and status not in REMARK_STATUSES:
            raise ModerationError(_unknown_status(status))
        with_text = select(pins.c.ballot_id).where(pins.c.text != "")
        query = (select(ballots.c.id, ballots.c.workshop_id, ballots.c.remark, ballots.c.remark_status,
                        ballots.c.remark_original, ballots.c.submitted_at)
                 .where(and_(ballots.c.workshop_id.in_(ids), ballots.c.superseded_at.is_(None)))
                 .where((ballots.c.remark != "") | ballots.c.id.in_(with_text))
                 .order_by(ballots.c.submitted_at, ballots.c.id))
        if status is not None:
            query = query.where(ballots.c.remark_status == status)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
            texts: dict[int, list[str]] = {}
            found = [r.id for r in rows]
            for start in range(0, len(found), 500):
                chunk = found[start:start + 500]
                for bid, text in conn.execute(select(pins.c.ballot_id, pins.c.text)
                                              .where(and_(pins.c.ballot_id.in_(chunk), pins.c.text != ""))
                                              .order_by(pins.c.id)).all():
                    texts.setdefault(bid, []).append(text)
        return [Remark(r.id, r.workshop_id, r.remark, tuple(texts.get(r.id, ())), r.remark_status,
                       r.remark_original, _aware(r.submitted_at)) for r in rows]

    def remark_statuses(self, workshop_ids) -> dict[int, str]:
        """{ballot id: status} of every ballot (replaced ones too) that is not pending; cheap, for polling."""
        ids = [workshop_ids] if isinstance(workshop_ids, int) else list(workshop_ids)
        with self.engine.connect() as conn:
            rows = conn.execute(select(ballots.c.id, ballots.c.remark_status)
                                .where(and_(ballots.c.workshop_id.in_(ids), ballots.c.remark_status != "pending"))
                                ).all()
        return {bid: status for bid, status in rows}

    def set_remark_status(self, ballot_id: int, status: str) -> None:
        """Approve (``approved``) or hide (``hidden``) a ballot's remark and pin texts, or undo (``pending``)."""
        if status not in REMARK_STATUSES:
            raise ModerationError(_unknown_status(status))
        if not isinstance(ballot_id, int) or isinstance(ballot_id, bool):
            raise ModerationError("Deze opmerking bestaat niet.")
        with self._writer.begin() as conn:
            row = conn.execute(select(ballots.c.superseded_at).where(ballots.c.id == ballot_id)).first()
            if row is None:
                raise ModerationError(f"Opmerking {ballot_id} bestaat niet.")
            if row.superseded_at is not None:
                raise ModerationError("Deze bewoner heeft intussen opnieuw gestemd. Kijk naar de nieuwe opmerking "
                                      "in de lijst.")
            conn.execute(update(ballots).where(ballots.c.id == ballot_id).values(remark_status=status))

    def has_ballot(self, code: str) -> bool:
        """Whether a ballot was already sent with this code (a resident may replace it while open)."""
        value = codegen.normalise(code)
        if value is None:
            return False
        with self.engine.connect() as conn:
            return conn.execute(
                select(ballots.c.id).where(and_(ballots.c.code == value, ballots.c.superseded_at.is_(None),
                                                CURRENT_ROUND))
            ).first() is not None

    def ballots_fingerprint(self, workshop_ids) -> tuple[int, int]:
        """(current ballots that count, highest ballot id): changes whenever a ballot arrives, is
        replaced, or stops counting (:meth:`stop_counting` lowers the first and cannot be undone).

        Cheap (one indexed aggregate), so a dashboard can poll it every few seconds.
        """
        ids = [workshop_ids] if isinstance(workshop_ids, int) else list(workshop_ids)
        with self.engine.connect() as conn:
            count, highest = conn.execute(
                select(func.count().filter(and_(ballots.c.superseded_at.is_(None), codes.c.excluded_at.is_(None),
                                                CURRENT_ROUND)),
                       func.coalesce(func.max(ballots.c.id), 0))
                .select_from(ballots).join(codes, codes.c.code == ballots.c.code)
                .where(ballots.c.workshop_id.in_(ids))
            ).one()
        return int(count), int(highest)

    def count_ballots(self, workshop_id: int) -> int:
        """Current ballots that count (those the facilitator took out of the count left out)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(ballots).join(codes, codes.c.code == ballots.c.code)
                                .where(and_(ballots.c.workshop_id == workshop_id, ballots.c.superseded_at.is_(None),
                                            codes.c.excluded_at.is_(None), CURRENT_ROUND))).scalar_one()

    def count_by_channel(self, workshop_ids) -> dict[str, int]:
        """Current ballots that count, per channel: ``{"telefoon": n, "papier": m}`` (both always there)."""
        ids = [workshop_ids] if isinstance(workshop_ids, int) else list(workshop_ids)
        with self.engine.connect() as conn:
            rows = conn.execute(select(ballots.c.channel, func.count()).select_from(ballots)
                                .join(codes, codes.c.code == ballots.c.code)
                                .where(and_(ballots.c.workshop_id.in_(ids), ballots.c.superseded_at.is_(None),
                                            codes.c.excluded_at.is_(None), CURRENT_ROUND))
                                .group_by(ballots.c.channel)).all()
        counts = dict.fromkeys(CHANNELS, 0)
        counts.update({channel: int(n) for channel, n in rows})
        return counts

    @staticmethod
    def _count_ballots(conn, workshop_id: int, include_superseded: bool = False) -> int:
        query = select(func.count()).select_from(ballots).where(ballots.c.workshop_id == workshop_id)
        if not include_superseded:
            query = query.where(ballots.c.superseded_at.is_(None))
        return conn.execute(query).scalar_one()


def _no_workshop(workshop_id) -> NotFound:
    return NotFound(f"Bijeenkomst {workshop_id} bestaat niet.")


def _require_open(workshop: Workshop) -> None:
    if workshop.status == "concept":
        raise BallotRejected("not_open_yet")
    if workshop.status == "gesloten":
        raise BallotRejected("closed")


def _unknown_status(status) -> str:
    return f"'{status}' is geen keuze voor een opmerking: kies tonen, niet tonen of terugzetten."


def _pseudonym(key: str, ballot_id: int) -> str:
    """A ballot's number for exports: stable, unique in practice (48 bits), no order, not reversible without the key."""
    digest = hmac.new(key.encode("ascii"), str(ballot_id).encode("ascii"), hashlib.sha256).hexdigest()
    return "S" + digest[:12].upper()


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes for values that were stored in UTC
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def _workshop_from(row, acties, now: dt.datetime | None = None) -> Workshop:
    closes_at = _aware(row["closes_at"])
    return Workshop(
        id=row["id"], title=row["title"], date=row["date"], location=row["location"],
        status=effective_status(row["status"], closes_at, now or _now()), closes_at=closes_at,
        wifi_name=row["wifi_name"] or "", hide_results=bool(row["hide_results"]),
        method=row["method"], method_params=dict(row["method_params"] or {}), acties=tuple(acties),
        kind=row["kind"], basemap=bool(row["basemap"]), created_at=_aware(row["created_at"]),
        privacy_k=int(row["privacy_k"]), remarks_direct=bool(row["remarks_direct"]),
        voting_round=int(row["voting_round"]),
    )
