"""The programme office's screen: decisions per actie, progress per chosen actie, the timeline, the monitor.

Like the console (``werkboek_widgets.facilitator``) it gets its store from the notebook
(a ``werkboek.store.programme.Programme``) and never imports the store itself.
"""

from werkboek_widgets.programme.app import ProgrammeApp
from werkboek_widgets.programme.monitor import MonitorApp

__all__ = ["MonitorApp", "ProgrammeApp"]
