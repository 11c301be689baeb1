"""The store service: one process that owns the store for every resident kernel.

Each resident's page has a kernel of its own, and a kernel costs memory on the laptop.
A kernel that imported SQLAlchemy and opened its own database connection paid ~11 MB for
it, 150 kernels held 150 connections (PostgreSQL allows 100 by default), and 150 SQLite
writers queued on one file lock. So the kernels do not touch the database: they send the
few things a resident does — check a code, keep a draft, send a ballot — as small JSON
requests over a Unix socket to the store service, which does them with the one
:class:`werkboek.store.Store` (warm connection pool, validation, transactions).

* :mod:`.protocol`: the operations and how records travel as JSON.
* :mod:`.server`: the process (``python -m werkboek.store_service --socket PATH``).
* :mod:`.client`: what a kernel uses; it has the same methods as the store it stands in for.
* :mod:`.process`: start, wait for and stop a store service next to a resident server.

The store service validates every value again (:meth:`werkboek.store.Store.submit`): a kernel
relays what a browser sent, and browsers are never trusted. A ballot is acknowledged
only after the store service answers, which it does only after the commit.

Resident kernels find the store service's socket in ``WERKBOEK_STORE_SERVICE``
(:data:`werkboek.settings.STORE_SERVICE_ENV`), set by the residents' server.
"""
