"""The facilitator's widgets: console, workshop editor, codes, voting, live dashboard, exports."""

from werkboek_widgets.facilitator.console import ConsoleApp
from werkboek_widgets.facilitator.dashboard import Dashboard

__all__ = ["ConsoleApp", "Dashboard"]
