"""Writes the three small kwb test files next to this script: TEST DATA, invented numbers.

    python tests/support/kwb/make_files.py

The files are in the real format of the CBS "Kerncijfers wijken en buurten" download
(kwb-YYYY.csv: ``;``-separated, cp1252, decimal commas, codes padded to 10 characters,
the national row ``NL00`` first, then a municipality, its wijken and buurten, ``.`` for a
missing figure), with more columns than the workbook reads. Every number is invented
(seeded); the file's ``regio`` of the national row says "Nederland" as CBS writes it, but
the figures are not CBS's. Years 2022, 2024 and 2025 — 2023 is missing on purpose — and
2025 has no ``p_hh_li`` column (a missing indicator); 2022 uses the older ``g_woz``.
The files are committed; this script documents how they were made.
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

COLUMNS = ["gwb_code_10", "gwb_code_8", "regio", "gm_naam", "recs", "gwb_code", "ind_wbi", "a_inw", "a_man",
           "a_vrouw", "a_hh", "g_hhgro", "bev_dich", "WOZ", "g_ink_pi", "p_hh_li", "a_soz_wb", "a_soz_ao",
           "a_soz_ww", "a_soz_ow"]


def dutch(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def main() -> None:
    import sys
    sys.path.insert(0, str(ROOT))
    from werkboek.model.catalogue import load_buurten

    buurten, _ = load_buurten(ROOT / "data" / "buurten.geojson")
    noord = sorted(code for code, b in buurten.items() if b.heerlen_noord)
    rng = random.Random(2047)
    base = {code: (rng.randint(300, 3500), rng.random()) for code in noord}
    for year, step in ((2022, 0), (2024, 2), (2025, 3)):
        columns = list(COLUMNS)
        columns[columns.index("WOZ")] = "g_woz" if year == 2022 else "g_wozbag"
        if year == 2025:
            columns.remove("p_hh_li")

        def row(code: str, regio: str, gm: str, recs: str, inw: int, need: float, *, small=False) -> list[str]:
            cells = {
                "gwb_code_10": f"{code:<10}", "gwb_code_8": code[2:] if code != "NL00" else "0", "regio": regio,
                "gm_naam": gm, "recs": recs, "gwb_code": code, "ind_wbi": "1" if recs == "Buurt" else ".",
                "a_inw": str(inw), "a_man": str(inw // 2), "a_vrouw": str(inw - inw // 2),
                "a_hh": str(inw // 2), "g_hhgro": dutch(2.0), "bev_dich": str(rng.randint(500, 6000)),
                "g_woz": str(round(180 + 60 * (1 - need) + 12 * step)),
                "g_wozbag": str(round(180 + 60 * (1 - need) + 12 * step)),
                "g_ink_pi": "." if small else dutch(22.0 + 8 * (1 - need) + 0.6 * step),
                "p_hh_li": "." if small else dutch(40.0 + 25 * need - 0.8 * step),
                "a_soz_wb": str(round(inw * (0.02 + 0.07 * need - 0.002 * step) / 10) * 10),
                "a_soz_ao": str(round(inw * (0.06 + 0.06 * need) / 10) * 10),
                "a_soz_ww": str(round(inw * 0.012 / 10) * 10),
                "a_soz_ow": str(round(inw * 0.2 / 10) * 10),
            }
            return [cells[c] for c in columns]

        rows = [row("NL00", "Nederland", "Nederland", "Land", 17_590_672 + 180_000 * step, 0.25)]
        rows.append(row("GM0917", "Heerlen", "Heerlen", "Gemeente", 86_800 + 50 * step, 0.6))
        for code in noord:
            inw, need = base[code]
            rows.append(row(code, buurten[code].naam, "Heerlen", "Buurt", inw + 15 * step, need,
                            small=code == noord[-1]))
        rows.append(row("GM0928", "Kerkrade", "Kerkrade", "Gemeente", 45_000, 0.55))
        text = "\r\n".join(";".join(r) for r in [columns, *rows]) + "\r\n"
        (HERE / f"kwb-{year}.csv").write_bytes(text.encode("cp1252"))


if __name__ == "__main__":
    main()
