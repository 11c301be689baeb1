"""Step 6: review everything, then send it to the store (which validates every value again)."""

from __future__ import annotations

from html import escape

from werkboek.errors import BallotRejected
from werkboek_widgets import ui
from werkboek_widgets.ballot.steps import Step
from werkboek_widgets.ballot.texts import age_label, rejected, t


class ControleStep(Step):
    next_key = "submit"

    def __init__(self, app, screen):
        super().__init__(app, screen)
        self.widget = ui.column([
            ui.heading(t("review_heading", self.lang)),
            ui.para(t("review_intro", self.lang)),
            ui.html(self.summary(), "wb-summary"),
        ], "wb-step")

    def summary(self) -> str:
        draft, lang, cat = self.app.draft, self.lang, self.app.catalogue
        method = draft.method
        parts = []
        for lg in draft.leefgebieden:
            leefgebied = cat.leefgebieden[lg]
            naam = leefgebied.naam_en if lang == "en" and leefgebied.naam_en else leefgebied.naam
            chosen = sorted(draft.chosen_in(lg).items(), key=lambda kv: method.review_order(kv[1]))
            items = "".join(f"<li>{escape(cat.acties[a].titel_in(lang))}: "
                            f"{escape(method.choice_label(cat.acties[a], v, lang))}</li>" for a, v in chosen)
            parts.append(f"<h2>{escape(naam)}</h2>" + (f"<ul>{items}</ul>" if items else
                                                         f"<p>{t('review_nothing', lang)}</p>"))
            if not method.whole_ballot:
                parts.append(_note(method.review_note(draft.chosen_in(lg), lang)))
        if method.whole_ballot:
            parts.append(_note(method.review_note(draft.choices, lang)))
        facts = []
        if draft.is_group:
            facts.append((t("review_group", lang), t("people", lang, n=draft.group_size)))
        facts.append((t("review_buurt", lang), cat.buurten[draft.buurt].naam if draft.buurt else t("rather_not", lang)))
        facts.append((t("review_age", lang), age_label(draft.age_group, lang) if draft.age_group else t("rather_not", lang)))
        if draft.pins:
            facts.append((t("review_pins", lang), str(len(draft.pins))))
        if draft.remark.strip():
            facts.append((t("review_remark", lang), draft.remark.strip()))
        parts.append("".join(f'<p class="wb-fact"><strong>{escape(k)}:</strong> {escape(v)}</p>' for k, v in facts))
        return "".join(parts)

    def leave(self) -> str | None:
        if self.app.draft.is_empty:
            return t("empty", self.lang)
        try:
            self.app.receipt = self.app.store.submit(self.app.draft.submission())
        except BallotRejected as exc:
            return rejected(exc, self.lang)
        return None


def _note(text: str) -> str:
    """A method's line under the choices ("U houdt € 3,2 miljoen over"), if it has one."""
    return f'<p class="wb-review-note" data-testid="review-note">{escape(text)}</p>' if text else ""


STEP = ControleStep
