"""The monitor on the programme office's screen, driven from Python (both databases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from werkboek.formats.kerncijfers import import_kerncijfers
from werkboek.model.programme import GEKOZEN, new_decision, new_progress
from werkboek.store.monitor import Monitoring
from werkboek.store.programme import Programme

KWB = Path(__file__).resolve().parents[1] / "support" / "kwb"


@pytest.fixture
def screen(store, catalogue):
    from werkboek_widgets.programme import MonitorApp

    tables = [import_kerncijfers(KWB / f"kwb-{y}.csv", buurten=catalogue.buurten) for y in (2022, 2024, 2025)]
    programme = Programme(store)
    return MonitorApp(Monitoring(store), tables, catalogue, programme=programme, planned={2026: 1_000_000.0})


def test_chart_buurt_and_a_target_round_trip(screen, catalogue):
    buurt = sorted(catalogue.heerlen_noord.items(), key=lambda kv: kv[1].naam)[0]
    screen.measure.value = "bijstand"
    assert 'data-measure="bijstand"' in screen.chart.value and "Nederland" in screen.chart.value
    assert buurt[1].naam not in screen.chart.value
    screen.buurt.value = buurt[0]
    assert f'data-line="{buurt[1].naam}"' in screen.chart.value
    screen.buurt.value = None
    assert "data-target=" not in screen.chart.value
    screen.by.value, screen.doel.value = "Anna", "25,5"
    screen.save_target.click()
    assert "opgeslagen" in screen.target_message.value
    assert [(t.indicator, t.doel, t.changed_by) for t in screen.monitoring.targets()] == [("bijstand", 25.5, "Anna")]
    assert 'data-target="25,5"' in screen.chart.value
    assert "Personen met een bijstandsuitkering" in screen.stand.value
    screen.remove_target.click()
    assert screen.monitoring.targets() == [] and "data-target=" not in screen.chart.value


def test_bad_target_shows_the_dutch_message_and_stores_nothing(screen):
    screen.measure.value = "huishoudens_laag_inkomen_pct"
    screen.by.value, screen.doel.value = "Anna", "veel"
    screen.save_target.click()
    assert "geen getal" in screen.target_message.value and "role='alert'" in screen.target_message.value
    screen.doel.value = "140"
    screen.save_target.click()
    assert "meer dan 100" in screen.target_message.value
    screen.by.value, screen.doel.value = "", "<script>x</script>"
    screen.save_target.click()
    assert "<script>" not in screen.target_message.value
    assert screen.monitoring.history() == []


def test_money_follows_the_decisions(screen, catalogue):
    a = next(iter(catalogue.acties.values()))
    screen.programme.decide(new_decision(a.id, GEKOZEN, "Steun.", budget=100_000, jaar=2026, by="A"))
    screen.programme.add_progress(new_progress(a.id, "2026-03-01", "bezig", 10, 4_000, by="A"))
    screen.refresh()
    assert 'data-year="2026"' in screen.money.value and 'data-uitgegeven="4000' in screen.money.value
