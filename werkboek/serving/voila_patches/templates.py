"""Page templates compiled once per server, not once per page.

Voilà renders each page (and each preheated kernel's page) with a new ``VoilaExporter``, and
nbconvert's ``TemplateExporter`` builds a new Jinja environment for each exporter: every
render parsed and compiled Voilà's and nbconvert's templates (``lab/index.html.j2``,
``base.html.j2``, ``display_priority.j2`` …) again, on the server's event loop. Measured with
``benchmarks/crowd/run.py --watch-server-loop`` at 250 residents a minute: such a render held
the loop 0.1–0.6 s (0.24 s and 0.62 s in one run, almost all of it in Jinja's parser and
compiler), and every one of the run's ten slowest submits (0.3–0.5 s against a p50 of 18 ms)
fell inside one of those moments: every resident's messages wait while the loop compiles.

:func:`install` gives every exporter's environment one shared Jinja bytecode cache
(:class:`SharedBytecodeCache`, in memory): the first render compiles, later ones load the
compiled code. Jinja still reads each template's source and checks it against the cached
code's checksum, so an edited template is compiled again. The cache key includes what
changes the compiled code besides the source (the extensions, async mode), because Voilà
adds ``jinja2.ext.do`` and async mode to its environments and plain nbconvert exports in the
same process (the console's report downloads) do not.

Written here rather than set through configuration: nbconvert's ``TemplateExporter`` has no
option for a bytecode cache (nbconvert 7; review when it gets one).
"""

from __future__ import annotations

import threading

import jinja2


class SharedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory, shared by all Jinja environments of this process."""

    def __init__(self) -> None:
        self._code: dict[tuple, bytes] = {}
        self._lock = threading.Lock()  # exports may run in threads (the console's downloads)
        self.compiled = 0  # how many templates were compiled and stored (tests, benchmarks)

    @staticmethod
    def _key(bucket: jinja2.bccache.Bucket) -> tuple:
        env = bucket.environment
        return bucket.key, env.is_async, tuple(sorted(env.extensions))

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with self._lock:
            code = self._code.get(self._key(bucket))
        if code is not None:
            bucket.bytecode_from_string(code)  # rejected (left empty) when the source's checksum differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = bucket.bytecode_to_string()
        with self._lock:
            self._code[self._key(bucket)] = code
            self.compiled += 1

    def clear(self) -> None:
        with self._lock:
            self._code.clear()


CACHE = SharedBytecodeCache()


def install(cache: SharedBytecodeCache = CACHE) -> None:
    """Every nbconvert (and so Voilà) template environment created from now on uses ``cache``."""
    from nbconvert.exporters.templateexporter import TemplateExporter

    original = TemplateExporter._create_environment
    if getattr(original, "werkboek_shared_bytecode", False):
        return

    def _create_environment(self):
        environment = original(self)
        environment.bytecode_cache = cache
        return environment

    _create_environment.werkboek_shared_bytecode = True
    TemplateExporter._create_environment = _create_environment
