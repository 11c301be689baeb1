"""Werkboek Heerlen-Noord: a participatory planning workbook for the urban-renewal programme of Heerlen-Noord.

The package is organised by role (docs/architecture.md is the map):

* ``model/``         the domain: catalogue, workshops, voting methods, ballots, codes, results, privacy
* ``formats/``       files in: spreadsheets (CSV/YAML), CBS kerncijfers, pabulib, atomic writes
* ``outputs/``       files out: exports (CSV, Excel), the printable report, the code sheet
* ``store/``         the vote store (SQLite or PostgreSQL through SQLAlchemy), its migrations
* ``store_service/`` one process that owns the store for every resident kernel
* ``scenarios/``     the analysts' papermill pipeline, one stage a module
* ``serving/``       the Voilà servers, their kernels and guards (``voila_patches/``), nginx
* ``demo/``          invented example data, labelled as such
* ``cli/``           the ``werkboek`` command, which only parses and calls
* ``errors``, ``settings``, ``dutch``, ``network``: small modules every layer may use

The widgets (``werkboek_widgets``, folder ``widgets/``) and the notebooks are built on top.
"""

__version__ = "0.1.0"
