"""Exceptions with messages a facilitator or analyst can act on.

Every problem with input data names the file, the row and the field, so that a person
with a spreadsheet open can find and fix it. The CLI prints these messages without a
traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class WerkboekError(Exception):
    """Base class for every error the workbook reports to a person."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in an input file."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", rij {self.row}"
        if self.field:
            where += f", veld '{self.field}'"
        return f"{where}: {self.message}"


class DataError(WerkboekError):
    """An input file is malformed or inconsistent. Nothing was loaded or written.

    Carries all problems found, so a person can fix a file in one go rather than one
    error per run.
    """

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        lines = [str(p) for p in self.problems]
        head = lines[0] if len(lines) == 1 else f"{len(lines)} fouten in de gegevens:\n  " + "\n  ".join(lines)
        super().__init__(head)

    @classmethod
    def at(cls, file: str | Path, row: int | None, field: str | None, message: str) -> "DataError":
        return cls(Problem(_display(file), row, field, message))


class NotFound(WerkboekError, LookupError):
    """Something asked for by its number or name does not exist (a workshop, a ballot, a file)."""


# Every refusal a resident can meet, by reason, in Dutch (B1) and English. ``{…}`` are filled
# in from the refusal's values (BallotRejected("too_many_points", leefgebied="Leren", …)).
REFUSALS: dict[str, tuple[str, str]] = {
    # the code
    "code_unknown": ("Deze code kennen we niet. Kijk nog eens goed op uw briefje.",
                     "We do not know this code. Please check your slip."),
    "code_not_usable": ("Met deze code kunt u nu niet stemmen. Kijk of u de code goed heeft overgenomen van uw "
                        "briefje. Of vraag de begeleider of het stemmen al open is.",
                        "You cannot vote with this code now. Check that you copied the code from your slip "
                        "correctly, or ask the facilitator whether voting is open."),
    "too_many_tries": ("U heeft te vaak een code geprobeerd die niet werkt. Probeer het over een minuut opnieuw.",
                       "You tried codes that do not work too often. Please try again in a minute."),
    "not_open_yet": ("Het stemmen is nog niet begonnen. Wacht even op de begeleider.",
                     "Voting has not started yet. Please wait for the facilitator."),
    "closed": ("Het stemmen is gesloten. U kunt niet meer stemmen. Bedankt voor uw komst!",
               "Voting is closed. You can no longer vote. Thank you for coming!"),
    "code_void": ("Deze code is ongeldig gemaakt. Vraag de begeleider om een nieuwe code.",
                  "This code has been cancelled. Please ask the facilitator for a new code."),
    "closed_late": ("Het stemmen is gesloten. Uw stem kwam te laat binnen en telt niet mee. "
                    "Bedankt voor uw komst!",
                    "Voting is closed. Your vote arrived too late and does not count. Thank you for coming!"),
    "code_used": ("Met deze code is al gestemd. Een briefje telt maar één keer.",
                  "This code has already voted. A slip counts only once."),
    "code_used_on_paper": ("Met deze code is al op papier gestemd. Een briefje telt maar één keer. "
                           "Vraag de begeleider om hulp.",
                           "This code has already voted on paper. A slip counts only once. "
                           "Please ask the facilitator for help."),
    # sending
    "busy": ("Uw stem werd net tegelijk twee keer verstuurd. Probeer het nog eens.",
             "Your vote was sent twice at the same time. Please try again."),
    "unavailable": ("Uw stem kon nu niet verstuurd worden. Wacht een minuut en probeer het dan nog eens. "
                    "Lukt het niet? Vraag de begeleider om hulp.",
                    "Your vote could not be sent just now. Wait a minute and try again. "
                    "Does it still not work? Ask the facilitator for help."),
    "draft_too_large": ("Uw tussenstand is te groot om te bewaren.", "Your ballot in progress is too large to keep."),
    "empty": ("Uw stembiljet is nog leeg. Kies minstens één actie of schrijf een opmerking.",
              "Your ballot is still empty. Choose at least one action or write a remark."),
    # the choices
    "invalid_choices": ("De keuzes konden niet gelezen worden.", "Your choices could not be read."),
    "unknown_actie": ("Er staat een actie op uw stembiljet die niet bij deze bijeenkomst hoort.",
                      "Your ballot has an action that does not belong to this meeting."),
    "invalid_value": ("Een keuze heeft een ongeldige waarde.", "A choice has a value that is not allowed."),
    "too_many_on_one": ("U kunt hoogstens {limit} stippen op één actie zetten.",
                        "You can put at most {limit} dots on one action."),
    "too_many_points": ("Bij {leefgebied} heeft u {total} stippen gezet. U heeft er {points}.",
                        "For {leefgebied} you placed {total} dots. You have {points}."),
    "invalid_approval": ("Een actie is aangekruist of niet; andere waarden kunnen niet.",
                         "An action is either ticked or not; nothing else is possible."),
    "too_many_approvals": ("Bij {leefgebied} heeft u {n} acties gekozen. Het mogen er hoogstens {limit} zijn.",
                           "For {leefgebied} you chose {n} actions. At most {limit} are allowed."),
    "too_many_ranked": ("Bij {leefgebied} kunt u hoogstens {limit} acties kiezen.",
                        "For {leefgebied} you can choose at most {limit} actions."),
    "invalid_ranking": ("Bij {leefgebied} moet de volgorde 1, 2, 3 zijn, zonder gaten.",
                        "For {leefgebied} the order must be 1, 2, 3, without gaps."),
    "invalid_budget_choice": ("Een actie is gekozen of niet. Andere waarden kunnen niet.",
                              "An action is either chosen or not; nothing else is possible."),
    "over_budget": ("Uw keuzes kosten {spent}. Dat is meer dan uw budget van {budget}. Haal een actie weg.",
                    "Your choices cost {spent_en}. That is more than your budget of {budget_en}. "
                    "Remove an action."),
    "over_budget_in": ("Bij {leefgebied} kosten uw keuzes {spent}. Dat is meer dan het budget van {budget}. "
                       "Haal daar een actie weg.",
                       "For {leefgebied_en} your choices cost {spent_en}. That is more than the budget of "
                       "{budget_en}. Remove an action there."),
    "under_minimum": ("Uw keuzes kosten {spent}. Geef minstens {minimum} uit. Kies nog een actie.",
                      "Your choices cost {spent_en}. Spend at least {minimum_en}. Choose another action."),
    "under_minimum_in": ("Bij {leefgebied} kosten uw keuzes {spent}. Geef daar minstens {minimum} uit. "
                         "Kies er nog een actie bij.",
                         "For {leefgebied_en} your choices cost {spent_en}. Spend at least {minimum_en} there. "
                         "Choose another action there."),
    # who and where
    "unknown_buurt": ("Deze buurt hoort niet bij Heerlen-Noord.", "This neighbourhood is not part of Heerlen-Noord."),
    "unknown_age_group": ("Deze leeftijdsgroep bestaat niet.", "This age group does not exist."),
    "invalid_group_size": ("Vul in met hoeveel mensen u aan tafel zit: 2 tot {limit}.",
                           "Fill in how many people are at your table: 2 to {limit}."),
    "not_a_group": ("Deze code is voor één persoon, niet voor een tafel.", "This code is for one person, not a table."),
    "invalid_text": ("{what} is geen tekst.", "{what_en} is not text."),
    "text_too_long": ("{what} is te lang: hoogstens {limit} tekens, u heeft er {n}.",
                      "{what_en} is too long: at most {limit} characters, you have {n}."),
    "invalid_pins": ("De plekken op de kaart konden niet gelezen worden.", "The places on the map could not be read."),
    "too_many_pins": ("U kunt hoogstens {limit} plekken op de kaart zetten.", "You can mark at most {limit} places."),
    "invalid_pin": ("Een plek op de kaart kon niet gelezen worden.", "A place on the map could not be read."),
    "pin_not_on_ballot": ("Een plek op de kaart hoort bij een leefgebied dat niet op dit stembiljet staat.",
                          "A place on the map belongs to a topic that is not on this ballot."),
    "pin_outside": ("Een plek op de kaart ligt niet in Heerlen-Noord.", "A place on the map is not in Heerlen-Noord."),
}


class BallotRejected(WerkboekError):
    """A ballot (or draft) cannot be accepted; the message is meant for the resident (Dutch, B1).

    ``reason`` is a stable key of :data:`REFUSALS`; ``values`` fill in its texts;
    ``str(exc)`` is the Dutch message and :meth:`text` gives it in another language.
    ``message`` overrides the table (a refusal the table does not know, e.g. from another
    version of the store service).
    """

    def __init__(self, reason: str, message: str | None = None, **values):
        self.reason = reason
        self.values = values
        self.message = message if message is not None else (self._from_table("nl") or reason)
        super().__init__(self.message)

    def _from_table(self, lang: str) -> str | None:
        texts = REFUSALS.get(self.reason)
        if texts is None:
            return None
        try:
            return (texts[1] if lang == "en" else texts[0]).format(**self.values)
        except (KeyError, IndexError, ValueError):
            return None

    def text(self, lang: str = "nl") -> str:
        """The message in ``lang`` ("nl" or "en"); the Dutch one when no English text can be made."""
        if lang == "en":
            return self._from_table("en") or self.message
        return self.message


class WorkshopStateError(WerkboekError):
    """An action does not fit the workshop's status (e.g. editing the ballot while voting is open)."""


class ModerationError(WerkboekError):
    """A remark cannot be moderated as asked (unknown ballot, replaced ballot, unknown status)."""


class ScenarioError(WerkboekError):
    """A scenario's parameters are invalid; the message names the file and the parameter."""


def _display(file: str | Path) -> str:
    path = Path(file)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
