"""Werkboek Heerlen-Noord: the domain of the participatory planning workbook.

Pure Python, no widgets: the catalogue (leefgebieden, acties, partners, buurten), ballots
and voting methods, the vote store, results and scenarios. Widgets (``werkboek_widgets``)
and notebooks are built on top of it.
"""

__version__ = "0.1.0"
