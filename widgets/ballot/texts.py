"""Every text the resident sees, in Dutch (B1: short sentences, everyday words) and English.

``t("key", lang, **values)``; a missing English text falls back to Dutch.
"""

from __future__ import annotations

NL = {
    "step_of": "Stap {n} van {total}",
    "back": "Terug",
    "next": "Verder",
    "switch_language": "English",
    "welcome_heading": "Welkom",
    "welcome_generic_title": "Bijeenkomst Heerlen-Noord",
    "welcome_what": "U kiest welke acties u het belangrijkst vindt voor Heerlen-Noord. "
                    "De begeleider laat de uitkomst zien. De partners gebruiken die bij hun plannen.",
    "welcome_time": "Het duurt een paar minuten.",
    "welcome_privacy": "Uw stem is anoniem. We bewaren niets waaraan iemand u kan herkennen.",
    "start": "Beginnen",
    "first_wait": "Even geduld. Het stembiljet wordt geladen…",
    "first_slow": "Het laden duurt lang. We proberen het opnieuw…",
    "code_heading": "Uw stemcode",
    "code_intro": "Op uw briefje staat een code, bijvoorbeeld K7P-4QX.",
    "code_label": "Stemcode",
    "code_placeholder": "bijv. K7P-4QX",
    "code_missing": "Vul de code van uw briefje in.",
    "code_ok": "Deze code is goed.",
    "code_ok_link": "Uw code {code} is goed.",
    "draft_resumed": "We gaan verder waar u was gebleven.",
    "code_used": "Met deze code is al gestemd. Als u verder gaat, vervangt uw nieuwe stem de oude.",
    "code_group": "Dit is een code voor een tafel. U stemt samen op dit apparaat.",
    "code_round": "Dit is ronde {n}. U mag opnieuw kiezen. Uw stem uit de vorige ronde blijft ook bewaard.",
    "buurt_heading": "Waar woont u?",
    "buurt_intro": "Kies uw buurt. Dit mag u overslaan.",
    "buurt_label": "Buurt",
    "rather_not": "Zeg ik liever niet",
    "show_map": "Kies op de kaart",
    "hide_map": "Kaart sluiten",
    "map_hint": "Tik op uw buurt.",
    "map_label": "Kaart van de buurten. U kunt uw buurt ook kiezen uit de lijst hierboven.",
    "age_label": "Leeftijd",
    "group_size_label": "Met hoeveel mensen stemt u?",
    "people": "{n} mensen",
    "fewer_people": "Eén persoon minder",
    "more_people": "Eén persoon meer",
    "leefgebied_part": "Onderwerp {i} van {n}",
    "points_left": "Nog {n} stippen over",
    "points_left_1": "Nog 1 stip over",
    "points_left_0": "Alle stippen zijn verdeeld",
    "approvals_left": "U kunt nog {n} acties kiezen",
    "approvals_left_1": "U kunt nog 1 actie kiezen",
    "approvals_left_0": "U heeft het hoogste aantal acties gekozen",
    "ranks_left": "Nog {n} plaatsen in uw top over",
    "ranks_left_1": "Nog 1 plaats in uw top over",
    "ranks_left_0": "Uw top is vol",
    "stippen": "{n} stippen",
    "stippen_1": "1 stip",
    "stip_more": "Eén stip erbij: {titel}",
    "stip_less": "Eén stip eraf: {titel}",
    "approve": "Kiezen",
    "approved": "Gekozen ✓",
    "rank_add": "In mijn top",
    "rank_is": "Nummer {n} · weghalen",
    "cost": "Kost {kosten}, in {jaren}.",
    "pin_heading": "Waar in de buurt? (mag u overslaan)",
    "pin_open": "Plek op de kaart zetten",
    "pin_hint": "Tik op de kaart waar het om gaat.",
    "pin_map_label": "Kaart van de buurten. Een plek aanwijzen mag u overslaan.",
    "pin_text_label": "Wat is daar? (kort)",
    "pin_save": "Plek bewaren",
    "pin_pick_first": "Tik eerst op de kaart.",
    "pin_outside": "Die plek ligt niet in Heerlen-Noord. Tik op een buurt.",
    "pin_saved": "De plek is bewaard.",
    "pins_count": "Plekken bij dit onderwerp: {n}",
    "pins_full": "U heeft het hoogste aantal plekken gekozen.",
    "remark_heading": "Wilt u nog iets zeggen?",
    "remark_label": "Uw opmerking (mag u overslaan)",
    "remark_left": "Nog {n} tekens",
    "remark_too_long": "Uw opmerking is te lang. Maak hem korter.",
    "review_heading": "Kloppen uw keuzes?",
    "review_intro": "Kijk nog even. Met Terug kunt u iets veranderen.",
    "review_nothing": "Niets gekozen",
    "review_buurt": "Buurt",
    "review_age": "Leeftijd",
    "review_group": "Aan tafel",
    "review_remark": "Opmerking",
    "review_pins": "Plekken op de kaart",
    "submit": "Stem versturen",
    "sending": "Bezig met versturen…",
    # the facilitator closes with a grace period (widgets/ballot/closing.py)
    "closing_in": "Het stemmen sluit over {n} minuten. Verstuur uw stem op tijd.",
    "closing_in_1": "Het stemmen sluit over 1 minuut. Verstuur uw stem op tijd.",
    "closing_now": "Het stemmen sluit over minder dan een minuut. Verstuur uw stem nu.",
    "empty": "Uw stembiljet is nog leeg. Kies minstens één actie of schrijf een opmerking.",
    "thanks_heading": "Bedankt, uw stem is ontvangen",
    "thanks_replaced": "Uw vorige stem is vervangen door deze.",
    "thanks_change": "Zolang het stemmen open is, kunt u uw stem nog aanpassen.",
    "thanks_results": "Wat er met de stemmen gebeurt, kunt u later lezen op {url}",
    "change": "Stem aanpassen",
    "error_generic": "Er ging iets mis. Probeer het nog eens of vraag de begeleider.",
}

EN = {
    "step_of": "Step {n} of {total}",
    "back": "Back",
    "next": "Next",
    "switch_language": "Nederlands",
    "welcome_heading": "Welcome",
    "welcome_generic_title": "Heerlen-Noord meeting",
    "welcome_what": "You choose which actions matter most to you for Heerlen-Noord. "
                    "The facilitator shows the outcome. The partners use it in their plans.",
    "welcome_time": "It takes a few minutes.",
    "welcome_privacy": "Your vote is anonymous. We keep nothing that identifies you.",
    "start": "Start",
    "first_wait": "One moment, the ballot is loading…",
    "first_slow": "Loading takes long. We are trying again…",
    "code_heading": "Your voting code",
    "code_intro": "Your slip shows a code, for example K7P-4QX.",
    "code_label": "Voting code",
    "code_placeholder": "e.g. K7P-4QX",
    "code_missing": "Enter the code from your slip.",
    "code_ok": "This code is correct.",
    "code_ok_link": "Your code {code} is correct.",
    "draft_resumed": "We continue where you left off.",
    "code_used": "This code has voted before. If you go on, your new vote replaces the old one.",
    "code_group": "This is a code for a table. You vote together on this device.",
    "code_round": "This is round {n}. You may choose again. Your vote from the previous round is kept too.",
    "buurt_heading": "Where do you live?",
    "buurt_intro": "Choose your neighbourhood. You may skip this.",
    "buurt_label": "Neighbourhood",
    "rather_not": "I'd rather not say",
    "show_map": "Choose on the map",
    "hide_map": "Close map",
    "map_hint": "Tap your neighbourhood.",
    "map_label": "Map of the neighbourhoods. You can also choose yours from the list above.",
    "age_label": "Age",
    "group_size_label": "How many people are voting?",
    "people": "{n} people",
    "fewer_people": "One person fewer",
    "more_people": "One person more",
    "leefgebied_part": "Topic {i} of {n}",
    "points_left": "{n} dots left",
    "points_left_1": "1 dot left",
    "points_left_0": "All dots are used",
    "approvals_left": "You can choose {n} more actions",
    "approvals_left_1": "You can choose 1 more action",
    "approvals_left_0": "You have chosen the maximum",
    "ranks_left": "{n} places left in your top",
    "ranks_left_1": "1 place left in your top",
    "ranks_left_0": "Your top is full",
    "stippen": "{n} dots",
    "stippen_1": "1 dot",
    "stip_more": "One dot more: {titel}",
    "stip_less": "One dot less: {titel}",
    "approve": "Choose",
    "approved": "Chosen ✓",
    "rank_add": "Add to my top",
    "rank_is": "Number {n} · remove",
    "cost": "Costs {kosten}, over {jaren}.",
    "pin_heading": "Where in the neighbourhood? (optional)",
    "pin_open": "Put a place on the map",
    "pin_hint": "Tap the map where it matters.",
    "pin_map_label": "Map of the neighbourhoods. You may skip marking a place.",
    "pin_text_label": "What is there? (short)",
    "pin_save": "Save place",
    "pin_pick_first": "Tap the map first.",
    "pin_outside": "That place is not in Heerlen-Noord. Tap a neighbourhood.",
    "pin_saved": "The place is saved.",
    "pins_count": "Places for this topic: {n}",
    "pins_full": "You have chosen the maximum number of places.",
    "remark_heading": "Anything else to say?",
    "remark_label": "Your remark (optional)",
    "remark_left": "{n} characters left",
    "remark_too_long": "Your remark is too long. Please shorten it.",
    "review_heading": "Are your choices right?",
    "review_intro": "Take a look. Use Back to change something.",
    "review_nothing": "Nothing chosen",
    "review_buurt": "Neighbourhood",
    "review_age": "Age",
    "review_group": "At the table",
    "review_remark": "Remark",
    "review_pins": "Places on the map",
    "submit": "Send my vote",
    "sending": "Sending…",
    "closing_in": "Voting closes in {n} minutes. Send your vote in time.",
    "closing_in_1": "Voting closes in 1 minute. Send your vote in time.",
    "closing_now": "Voting closes in less than a minute. Send your vote now.",
    "empty": "Your ballot is empty. Choose at least one action or write a remark.",
    "thanks_heading": "Thank you, your vote has been received",
    "thanks_replaced": "Your earlier vote has been replaced by this one.",
    "thanks_change": "While voting is open, you can still change your vote.",
    "thanks_results": "Later you can read what happens with the votes at {url}",
    "change": "Change my vote",
    "error_generic": "Something went wrong. Please try again or ask the facilitator.",
}

AGE_GROUPS_EN = {
    "tot-18": "under 18", "18-29": "18 to 29", "30-49": "30 to 49", "50-64": "50 to 64",
    "65-79": "65 to 79", "80-plus": "80 or older",
}

LANGUAGES = ("nl", "en")


def t(key: str, lang: str = "nl", **values) -> str:
    table = EN if lang == "en" else NL
    text = table.get(key) or NL[key]
    return text.format(**values) if values else text


def counted(key: str, n: int, lang: str = "nl") -> str:
    """``key_0`` / ``key_1`` / ``key`` by number, e.g. "Nog 3 stippen over"."""
    if n in (0, 1) and f"{key}_{n}" in NL:
        return t(f"{key}_{n}", lang)
    return t(key, lang, n=n)


def rejected(exc, lang: str = "nl") -> str:
    """A BallotRejected message for the resident, in their language (werkboek.errors.REFUSALS)."""
    text = getattr(exc, "text", None)
    return text(lang) if callable(text) else str(exc)


def age_label(key: str, lang: str = "nl") -> str:
    from werkboek.model.ballot import AGE_GROUPS

    return (AGE_GROUPS_EN if lang == "en" else AGE_GROUPS)[key]
