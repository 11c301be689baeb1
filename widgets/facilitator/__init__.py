"""The facilitator's widgets: console, workshop editor, codes, voting, live dashboard, exports."""

from werkboek_widgets.facilitator.console import ConsoleApp

__all__ = ["ConsoleApp", "Dashboard"]


def __getattr__(name: str):
    # the dashboard (bqplot) is imported only when asked for: the console starts faster without it
    if name == "Dashboard":
        from werkboek_widgets.facilitator.dashboard import Dashboard

        return Dashboard
    raise AttributeError(name)
