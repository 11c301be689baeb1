"""The beamer, projector first: one 1920×1080 screen with every leefgebied, how to join, and nothing cut off.

* All five leefgebieden side by side, up to ten acties each; long titles wrap (never an
  ellipsis); every label at least 24 px, black on white; acties with the same score share
  a rank ("1, 2, 2, 4").
* A join banner: the QR code of the residents' address (segno), the short address to type,
  and the wifi to join first ("1. Verbind met wifi X  2. Scan de code").
* "Uitslag verbergen tot sluiten" (``Workshop.hide_results``): while voting is open only the
  number of ballots shows, until the facilitator clicks "Nu onthullen" or closes voting.
* Privacy as on the dashboard (:mod:`werkboek.model.privacy`): results only from complete
  batches of k ballots (:func:`~werkboek.model.privacy.projector_batch`).
* Integraal: the first actie of each leefgebied (with a score) says which other leefgebieden
  it also touches ("ook: Werken, Gezondheid"; :func:`werkboek.model.results.also_touches`);
  the report does so for the top 3. Only when they fit: the five leefgebieden side by side
  come first, so these lines are left out when they would make the screen turn in parts.
* In a second round (``Store.open_next_round``) each actie's score carries what moved since
  the previous round ("▲2", "▼1", "="), from the previous round's closed result (only when
  at least k people voted in it) and this round's batch.

The whole screen is one HTML widget (its own CSS inside), redrawn only when the ballots,
the settings or the batch change; :func:`projector_html` makes it from plain values, so it
can be checked in a browser without a kernel.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from html import escape

import ipywidgets as w
import traitlets as t

from werkboek.dutch import count
from werkboek.model.privacy import privacy_k, projector_batch
from werkboek.model.results import also_touches, tally
from werkboek.model.rounds import moved_arrow, places
from werkboek.network import short_address
from werkboek.outputs.codesheet import qr_svg
from werkboek_widgets.facilitator.refresh import AutoRefresh

MAX_ACTIES = 10  # per leefgebied on the screen
ROTATE_SECONDS = 10  # when the leefgebieden do not fit side by side: this long per part
# The layout's numbers at 1920×1080 (see CSS): what one column of a part can hold, in pixels,
# and how wide its titles are. Estimated, on the safe side: the chromium test checks the result.
SCREEN_WIDTH = 1872  # inside the screen's padding
COLUMN_GAP = 12
TITLE_EXTRA = 30 + 8 + 64  # rank, gaps, score
MOVED_EXTRA = 40  # " ▲2" after the score in a later round
PROJECTOR_INTEGRAAL = 1  # the first actie of each leefgebied names the others it touches
CHAR_PX = 10.5  # a character of 24 px Arial, on average (Dutch text; measured in chromium)
LINE_PX = 26  # 24 px × 1.08
ITEM_PX = 7  # bar and padding of one actie
HEADING_PX = 40
COLUMN_BUDGET_PX = 970  # 1080 minus the header and margins (~925), plus what the estimate overshoots

CSS = """
<style>
.wb-proj { box-sizing: border-box; width: 100%; max-width: 1920px; margin: 0 auto; padding: 4px 12px;
  background: #ffffff; color: #000000; font-family: Arial, "Liberation Sans", Helvetica, sans-serif; }
.wb-proj * { box-sizing: border-box; }
.wb-proj-head { display: flex; align-items: center; gap: 20px; min-height: 100px; }
.wb-proj-what { flex: 1 1 auto; min-width: 0; }
.wb-proj-what h1 { font-size: 30px; line-height: 1.1; margin: 0 0 2px; color: #000; overflow-wrap: anywhere; }
.wb-proj-what p { font-size: 24px; line-height: 1.1; margin: 0; color: #000; }
.wb-proj-count { font-size: 24px; white-space: nowrap; color: #000; }
.wb-proj-count b { font-size: 44px; }
.wb-proj-join { display: flex; align-items: center; gap: 12px; font-size: 24px; line-height: 1.2; color: #000;
  border: 3px solid #000; border-radius: 8px; padding: 2px 10px 2px 2px; }
.wb-proj-join svg { width: 92px; height: 92px; display: block; }
.wb-proj-join ol { margin: 0; padding: 0 0 0 30px; }
.wb-proj-join .addr { font-weight: 700; }
.wb-proj-cols { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 12px; margin-top: 6px; }
.wb-proj-col h2 { font-size: 28px; line-height: 1.05; margin: 0 0 4px; padding-bottom: 2px; color: #000;
  border-bottom: 6px solid var(--lg); }
.wb-proj-col ol { list-style: none; margin: 0; padding: 0; }
.wb-proj-item { display: grid; grid-template-columns: 30px minmax(0, 1fr) auto; column-gap: 4px;
  font-size: 24px; line-height: 1.08; padding: 1px 0 2px; color: #000; }
.wb-proj-rank { font-weight: 700; }
.wb-proj-title { overflow-wrap: anywhere; }
.wb-proj-score { font-weight: 700; font-variant-numeric: tabular-nums; text-align: right; }
.wb-proj-also { grid-column: 2 / 4; font-style: italic; overflow-wrap: anywhere; }
.wb-proj-bar { grid-column: 2 / 4; height: 4px; margin-top: 1px; background: var(--lg); }
.wb-proj-wait { font-size: 40px; line-height: 1.3; margin: 120px auto; max-width: 1200px; text-align: center;
  color: #000; }
</style>
"""


@dataclass(frozen=True)
class Column:
    naam: str
    kleur: str
    rows: list  # (rank, titel, score text, bar fraction 0..1, "ook: Werken, Wonen" or "")
    moved: bool = False  # the score texts carry what moved since the previous round (wider)


def shared_ranks(scores: list[float]) -> list[int]:
    """Competition ranking of scores already in descending order: ties share a rank (1, 2, 2, 4)."""
    ranks, previous = [], None
    for i, score in enumerate(scores, start=1):
        if previous is None or score != previous:
            ranks.append(i)
        else:
            ranks.append(ranks[-1])
        previous = score
    return ranks


def join_banner(base_url: str, wifi_name: str = "", name_url: str | None = None) -> str:
    """QR code, "1. Verbind met wifi X", "2. Scan de code", and the short address to type instead.

    ``name_url`` (stemmen.local, werkboek.serving.mdns) is the address to type; the QR code and
    the fallback keep the IP address.
    """
    steps = []
    if wifi_name:
        steps.append(f"<li>Verbind met wifi <b data-testid='wifi'>{escape(wifi_name)}</b></li>")
    steps.append("<li>Scan de code</li>")
    ordered = "".join(steps)
    return (f"<div class='wb-proj-join' data-testid='join'>{qr_svg(base_url)}<div><ol>{ordered}</ol>"
            f"<div>of ga naar <span class='addr'>{escape(short_address(name_url or base_url))}</span></div>"
            + (f"<div>(of {escape(short_address(base_url))})</div>" if name_url else "") + "</div></div>")


def _lines(text: str, chars: int) -> int:
    """How many lines ``text`` wraps to at ``chars`` characters a line (greedy, by words)."""
    lines, used = 1, 0
    for word in text.split():
        length = len(word)
        while length > chars:  # a word longer than a line breaks anywhere (overflow-wrap)
            lines += 1 if used else 0
            length -= chars
            used = 0
        if used and used + 1 + length > chars:
            lines, used = lines + 1, length
        else:
            used += (1 if used else 0) + length
    return lines


def column_height(col: Column, per_part: int) -> float:
    width = (SCREEN_WIDTH - (per_part - 1) * COLUMN_GAP) / per_part - TITLE_EXTRA - (MOVED_EXTRA if col.moved else 0)
    chars = max(8, int(width / CHAR_PX))
    return HEADING_PX + sum((_lines(titel, chars) + (_lines(also, chars) if also else 0)) * LINE_PX + ITEM_PX
                            for _, titel, _, _, also in col.rows)


def plan_parts(columns: list[Column]) -> list[list[Column]]:
    """All leefgebieden side by side when they fit; else in parts of 3, 2 or 1 that do (shown in turn)."""
    for per_part in sorted({len(columns), 3, 2, 1}, reverse=True):
        if per_part > len(columns) or per_part < 1:
            continue
        if all(column_height(col, per_part) <= COLUMN_BUDGET_PX for col in columns):
            return [columns[i:i + per_part] for i in range(0, len(columns), per_part)]
    return [[col] for col in columns]


def projector_html(*, title: str, status: str, notice: str, received: int, columns: list[Column] | None,
                   base_url: str, wifi_name: str = "", hidden_text: str = "", name_url: str | None = None,
                   part: tuple[int, int] = (1, 1), per_part: int | None = None) -> str:
    """The whole beamer screen. ``columns`` None: no results (hidden or none yet): ``hidden_text`` instead.

    ``part``: (which, how many) when the leefgebieden are shown in turn; ``per_part``: columns
    of the grid (so that a last, shorter part keeps the same column width).
    """
    if part[1] > 1:
        notice = (notice + " " if notice else "") + (f"Deel {part[0]} van {part[1]}: het scherm wisselt elke "
                                                     f"{ROTATE_SECONDS} seconden.")
    head = (f"<div class='wb-proj-head'><div class='wb-proj-what'><h1>{escape(title)}</h1>"
            f"<p>{escape(status)}</p><p data-testid='proj-notice'>{escape(notice)}</p></div>"
            f"<div class='wb-proj-count'><b data-testid='proj-ballots'>{received}</b> stemmen</div>"
            f"{join_banner(base_url, wifi_name, name_url)}</div>")
    if columns is None:
        body = f"<p class='wb-proj-wait' data-testid='proj-hidden'>{escape(hidden_text)}</p>"
    else:
        cols = []
        for col in columns:
            items = "".join(
                f"<li class='wb-proj-item' data-rank='{rank}'><span class='wb-proj-rank'>{rank}.</span>"
                f"<span class='wb-proj-title'>{escape(titel)}</span><span class='wb-proj-score'>{escape(score)}</span>"
                + (f"<span class='wb-proj-also' data-testid='proj-also'>{escape(also)}</span>" if also else "")
                + f"<span class='wb-proj-bar' style='width:{max(0.0, min(1.0, share)) * 100:.1f}%'"
                f" aria-hidden='true'></span></li>"
                for rank, titel, score, share, also in col.rows)
            cols.append(f"<section class='wb-proj-col' style='--lg:{escape(col.kleur)}'><h2>{escape(col.naam)}</h2>"
                        f"<ol>{items}</ol></section>")
        n = per_part or max(1, len(columns))
        body = (f"<div class='wb-proj-cols' style='grid-template-columns: repeat({n}, minmax(0, 1fr))'>"
                f"{''.join(cols)}</div>")
    return f"{CSS}<div class='wb-proj' lang='nl'>{head}{body}</div>"


class ProjectorScreen(AutoRefresh, w.VBox):
    """The beamer's screen for one or more workshops (combined), refreshed every few seconds."""

    workshop_ids = t.List(t.Int())
    interval = t.Float(3.0)

    def __init__(self, store, catalogue, workshop_ids=(), base_url: str | None = None, name_url: str | None = None,
                 **kwargs):
        self.store = store
        self.catalogue = catalogue
        self.base_url = base_url
        self.name_url = name_url
        self.screen = w.HTML(layout=w.Layout(width="100%"))
        self._state = None
        self._cheap = None
        self._previous = None  # (workshops and rounds, places in the previous round): read once a round
        self.parts = 1  # how many parts the leefgebieden are shown in (1: all side by side)
        self._shown = 0  # which of them is on the screen
        self.clock = time.monotonic
        super().__init__([self.screen], **kwargs)
        self.add_class("wb-projector")
        self.workshop_ids = list(workshop_ids)

    @t.observe("workshop_ids")
    def _on_workshops(self, _change) -> None:
        self._state = self._cheap = None
        self.refresh()

    def _base_url(self) -> str:
        if self.base_url:
            return self.base_url
        from werkboek_widgets.facilitator.codes_panel import resident_base_url

        return resident_base_url()

    def _name_url(self) -> str | None:
        if self.name_url or self.base_url:
            return self.name_url
        from werkboek_widgets.facilitator.codes_panel import resident_name_url

        return resident_name_url()

    def refresh(self) -> bool:
        """Redraw when something shown changed; True when it did."""
        if not self.workshop_ids:
            self.screen.value = f"{CSS}<div class='wb-proj'><p class='wb-proj-wait'>Kies een bijeenkomst.</p></div>"
            return False
        workshops = [self.store.workshop(i) for i in self.workshop_ids]
        settings = tuple((ws.status, ws.privacy_k, ws.hide_results, ws.wifi_name, ws.title, ws.voting_round)
                         for ws in workshops)
        # cheap first (one aggregate): the ballots are only read when something arrived or changed
        turn = self._turn()  # the part to show now
        cheap = (self.store.ballots_fingerprint(self.workshop_ids), settings, turn)
        if cheap == self._cheap:
            return False
        self._cheap = cheap
        k = privacy_k(workshops)
        batch = projector_batch(self.store.ballots(self.workshop_ids, include_superseded=True), k)
        state = (tuple(b.id for b in batch.ballots), batch.received, settings, turn)
        if state == self._state:
            return False
        self.screen.value = self.render(workshops, batch)
        # the part actually drawn (the number of parts is only known once drawn)
        self._cheap, self._state = cheap[:2] + (self._shown,), state[:3] + (self._shown,)
        return True

    def _turn(self) -> int:
        return int(self.clock() // ROTATE_SECONDS) % self.parts if self.parts > 1 else 0

    def render(self, workshops, batch) -> str:
        from werkboek.model.workshop import STATUS_LABELS
        from werkboek_widgets.facilitator.dashboard import notice_text

        closed = not any(ws.is_open for ws in workshops)
        visible = all(ws.results_visible for ws in workshops)
        title = " + ".join(ws.title for ws in workshops)
        status = ", ".join(sorted({STATUS_LABELS[ws.status] for ws in workshops})).capitalize() + "."
        rounds = {ws.voting_round for ws in workshops}
        if rounds != {1}:
            status = f"Ronde {max(rounds)}. {status}"
            if self.previous_places(workshops) is not None:
                status += " ▲ ▼ = verschil met de vorige ronde."
        wifi = next((ws.wifi_name for ws in workshops if ws.wifi_name), "")
        columns, hidden_text, notice = None, "", notice_text(batch, closed)
        part, per_part = (1, 1), None
        self._shown = 0
        if not visible:
            notice = ""
            hidden_text = ("De uitslag komt na het sluiten van het stemmen. Iedereen die nog wil stemmen: "
                           "scan de code rechtsboven.")
        elif batch.empty:
            hidden_text = notice
        else:
            columns = self.columns(batch, workshops)
            parts = plan_parts(columns)
            plain = [dataclasses.replace(c, rows=[(*r[:4], "") for r in c.rows]) for c in columns]
            if len(parts) > len(plan_parts(plain)):  # the "ook: …" lines would make the screen turn: leave them
                parts = plan_parts(plain)
            self.parts = len(parts)
            which = self._shown = self._turn()
            columns, part, per_part = parts[which], (which + 1, len(parts)), len(parts[0])
        return projector_html(title=title, status=status, notice=notice, received=batch.received, columns=columns,
                              base_url=self._base_url(), wifi_name=wifi, hidden_text=hidden_text,
                              name_url=self._name_url(), part=part, per_part=per_part)

    def previous_places(self, workshops) -> dict[str, int] | None:
        """Places per actie in the previous round, when every workshop is in a later round and
        enough people voted in it (privacy: k); else None (no arrows)."""
        if not workshops or any(ws.voting_round < 2 for ws in workshops):
            return None
        key = tuple((ws.id, ws.voting_round) for ws in workshops)
        if self._previous is not None and self._previous[0] == key:
            return self._previous[1]
        ballots = [b for ws in workshops for b in self.store.ballots([ws.id], voting_round=ws.voting_round - 1)]
        before = tally(ballots, workshops, self.catalogue)
        found = None
        if before.people >= privacy_k(workshops):
            found = {a: p for lg in self.catalogue.leefgebieden for a, p in places(before, lg).items()}
        self._previous = (key, found)
        return found

    def columns(self, batch, workshops) -> list[Column]:
        res = tally(batch.ballots, workshops, self.catalogue)
        before = self.previous_places(workshops)
        on_ballot = {a for ws in workshops for a in ws.acties}
        columns = []
        for lg in self.catalogue.leefgebieden.values():
            if not any(self.catalogue.acties[a].leefgebied == lg.id for a in on_ballot if a in self.catalogue.acties):
                continue
            ranked = res.ranked(lg.id)
            scored = {r.actie_id for r in ranked}
            # acties nobody chose yet still show, at the bottom, with 0
            rows = [(r.actie_id, r.score) for r in ranked] + [
                (a, 0.0) for a in sorted(on_ballot) if a not in scored and self.catalogue.acties[a].leefgebied == lg.id]
            rows = rows[:MAX_ACTIES]
            top = max([s for _, s in rows] + [1e-9])
            ranks = shared_ranks([round(s, 6) for _, s in rows])

            def score_text(actie_id: str, score: float, rank: int) -> str:
                if before is None or actie_id not in before:
                    return count(score)
                return f"{count(score)} {moved_arrow(before[actie_id] - rank)}"
            def also(actie_id: str, score: float, rank: int) -> str:
                names = (also_touches(self.catalogue.acties[actie_id], self.catalogue, rank, top=PROJECTOR_INTEGRAAL)
                         if score > 0 else [])
                return f"ook: {', '.join(names)}" if names else ""
            columns.append(Column(lg.naam, lg.kleur, [
                (rank, self.catalogue.acties[a].titel, score_text(a, s, rank), s / top if top > 0 else 0.0,
                 also(a, s, rank))
                for rank, (a, s) in zip(ranks, rows)], moved=before is not None))
        return columns

    # -- auto refresh -----------------------------------------------------------------------

    def refresh_once(self) -> None:
        self.refresh()

    def refresh_failed(self, exc: Exception) -> None:  # the screen stays as it was; the console says more
        self._state = self._cheap = None
