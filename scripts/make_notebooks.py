"""(Re)write the facilitator notebooks: thin, clean (no outputs), composing widgets.

Run: python scripts/make_notebooks.py
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent

KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}

NOTEBOOKS = {
    "facilitator.ipynb": [
        new_code_cell(
            "# Werkboek Heerlen-Noord: the facilitators' console (prepare, codes, voting, live results, exports).\n"
            "# Served by `werkboek workshop`; works in JupyterLab too.\n"
            "import os\n"
            "from IPython.display import display\n"
            "from werkboek.model.catalogue import catalogue\n"
            "from werkboek.store import Store\n"
            "from werkboek_widgets.facilitator import ConsoleApp\n"
            "from werkboek_widgets.facilitator.style import style\n"
            "\n"
            "console = ConsoleApp(Store(), catalogue(), dashboard_url=os.environ.get('WERKBOEK_DASHBOARD_URL'))\n"
            "display(style(), console)"),
    ],
    "dashboard.ipynb": [
        new_code_cell(
            "# The live results for the projector. Open with ?workshop=3 (or ?workshop=3,4 to combine);\n"
            "# without it, the workshops that are open now.\n"
            "import os\n"
            "from urllib.parse import parse_qs\n"
            "from IPython.display import display\n"
            "from werkboek.model.catalogue import catalogue\n"
            "from werkboek.store import Store\n"
            "from werkboek_widgets.facilitator import Dashboard\n"
            "from werkboek_widgets.facilitator.style import style\n"
            "\n"
            "store = Store()\n"
            "asked = parse_qs(os.environ.get('QUERY_STRING', '')).get('workshop', [''])[0]\n"
            "ids = [int(x) for x in asked.split(',') if x.strip().isdigit()]\n"
            "ids = ids or [ws.id for ws in store.workshops() if ws.is_open]\n"
            "dashboard = Dashboard(store, catalogue(), workshop_ids=ids)\n"
            "dashboard.start()\n"
            "display(style(), dashboard)"),
    ],
}


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells, metadata=KERNEL)
        nbformat.write(nb, ROOT / "notebooks" / name)
        print("wrote", name)


if __name__ == "__main__":
    main()
