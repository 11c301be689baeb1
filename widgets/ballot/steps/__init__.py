"""One module per screen of the ballot. Each step class has ``widget``, ``leave()`` (None when
the resident may go on, else a message) and says which navigation buttons it wants."""

from __future__ import annotations


class Step:
    next_key: str | None = "next"  # text key of the forward button; None: no forward button
    show_back = True

    def __init__(self, app, screen):
        self.app = app
        self.screen = screen
        self.lang = app.lang

    def leave(self) -> str | None:
        return None


def step_class(name: str):
    """The class for a step name (imported on demand: the map step is heavy)."""
    from importlib import import_module

    module = import_module(f"{__name__}.{name}")
    return module.STEP
