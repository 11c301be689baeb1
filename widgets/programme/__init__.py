"""The programme office's screen: decisions per actie, progress per chosen actie, the timeline.

Like the console (``werkboek_widgets.facilitator``) it gets its store from the notebook
(a ``werkboek.store.programme.Programme``) and never imports the store itself.
"""

from werkboek_widgets.programme.app import ProgrammeApp

__all__ = ["ProgrammeApp"]
