"""The facilitator's widgets: console, workshop editor, codes, voting, live dashboard, exports."""

from .console import ConsoleApp
from .dashboard import Dashboard

__all__ = ["ConsoleApp", "Dashboard"]
