"""A crowd of simulated residents for the residents' Voilà server (issue 6), at the protocol level.

    .venv/bin/python -m benchmarks.crowd.run --residents 150 --ramp 60 --pool 16
    .venv/bin/python -m benchmarks.crowd.capture        # record a real chromium session

``protocol``   the browser side of a Voilà page: HTTP, kernel websocket (v1), widget comms
``resident``   one resident's behaviour (normal, reload, wifi drop, leave)
``monitor``    kernels alive and server memory over time (psutil on the server's process tree)
``crosscheck`` every acknowledged ballot in the store, exactly once, as left
``run``        the command line: ramp, think times, report table, JSON
See PROTOCOL.md (what a phone sends) and RESULTS.md (what we measured).
"""
