"""An invented programme for the public site's tests, its benchmark and trying it out: workshops, decisions, progress.

Everything here is example data and says so: workshop titles start with "Voorbeeld", the
decisions and updates are entered by :data:`BY`, and ``werkboek publish`` puts a
"Voorbeeld" banner on every page when it finds them. One workshop has fewer ballots than
its ``privacy_k`` (:data:`SMALL_TITLE`), so the site's privacy rule is always exercised.
"""

from __future__ import annotations

import datetime as dt
import random

from werkboek.model.ballot import BallotSubmission
from werkboek.model.programme import AFGEWEZEN, DECISIONS, GEKOZEN, new_decision, new_progress

BY = "Voorbeeld (verzonnen)"
TITLE = "Voorbeeld-bijeenkomst {n} (verzonnen stemmen)"
SMALL_TITLE = "Voorbeeld-bijeenkomst met weinig stemmers (verzonnen)"


def is_example(workshops, decisions) -> bool:
    """Does a programme hold example data (a workshop or decision made here)?"""
    return any(w.title.startswith("Voorbeeld") for w in workshops) or any(
        d.changed_by == BY for d in decisions)


def seed_demo_programme(store, programme, *, workshops: int = 2, ballots: int = 30, seed: int = 917,
                        acties_per_workshop: int = 10, today: dt.date | None = None) -> list[int]:
    """Closed workshops with invented ballots (plus one with too few), decisions and progress; the workshop ids."""
    rng = random.Random(seed)
    cat = store.catalogue
    today = today or dt.date.today()
    all_acties = list(cat.acties)
    buurten = sorted(cat.heerlen_noord)
    ids = []
    for n in range(workshops + 1):
        small = n == workshops
        acties = rng.sample(all_acties, min(acties_per_workshop, len(all_acties)))
        ws = store.create_workshop(SMALL_TITLE if small else TITLE.format(n=n + 1), method="goedkeuren",
                                   method_params={}, acties=acties, location="Buurthuis (voorbeeld)",
                                   date=today - dt.timedelta(days=30 * (workshops - n + 1)))
        store.open_voting(ws.id)
        count = max(1, ws.privacy_k - 2) if small else ballots
        for code in store.create_codes(ws.id, count):
            picks = rng.sample(acties, rng.randint(1, min(3, len(acties))))
            store.submit(BallotSubmission(code=code.code, choices={a: 1 for a in picks},
                                          buurt=rng.choice(buurten + [None])))
        store.set_status(ws.id, "gesloten")
        ids.append(ws.id)
    voted = sorted({a for w in store.workshops() if w.id in ids for a in w.acties})
    batch = []
    for a in voted:
        besluit = rng.choices(DECISIONS, weights=(6, 3, 1))[0]
        actie = cat.acties[a]
        reden = {GEKOZEN: "Veel bewoners kozen dit en het past in het budget.",
                 AFGEWEZEN: "Een partner kan dit niet uitvoeren."}.get(besluit, "Eerst andere plannen; we kijken volgend jaar opnieuw.")
        batch.append(new_decision(a, besluit, reden, budget=actie.kosten if besluit == GEKOZEN else None,
                                  jaar=today.year if besluit == GEKOZEN else None,
                                  partners=[p for p, _ in actie.investeerders if p in cat.partners],
                                  workshops=[w for w in ids], scenario="Voorbeeld", by=BY))
    programme.decide_many(batch)
    updates = []
    for d in batch:
        if d.besluit != GEKOZEN:
            continue
        steps = rng.randint(0, 3)  # 0: only decided; else gepland, then bezig, then bezig or klaar
        spent = 0
        for i in range(steps):
            status = "gepland" if i == 0 else "bezig" if i < steps - 1 else rng.choice(("bezig", "klaar"))
            pct = {"gepland": 0, "klaar": 100}.get(status, min(90, 20 * i + rng.randint(0, 20)))
            if status != "gepland":
                spent = min(d.budget or 0, spent + rng.randint(1, max(1, (d.budget or 0) // 3)))
            updates.append(new_progress(d.actie_id, today - dt.timedelta(days=20 * (steps - i)), status, pct, spent,
                                        tekst=f"Voorbeeld: stap {i + 1} van dit plan.", by=BY))
    if updates:
        programme.add_progress_many(updates, today=today)
    return ids
