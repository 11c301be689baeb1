"""Attack clients: what a hostile phone or web page could send, kept so every later change is checked against them.

``clients.py`` holds the attacks; ``tests/test_attacks.py`` asserts each defence holds;
``./run bench attacks`` (``benchmarks/bench_attacks.py``) runs them against a real server
while a real browser votes, and prints what was sent, what the server did and whether the
resident could still vote.
"""
