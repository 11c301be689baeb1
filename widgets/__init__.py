"""Widgets of the workbook (ipywidgets/ipyleaflet), on top of the domain package ``werkboek``.

Kept light on purpose: importing this package imports nothing heavy. The resident ballot
lives in :mod:`werkboek_widgets.ballot.app`; ipyleaflet is only imported when a map opens
(:mod:`werkboek_widgets.maps`).
"""
