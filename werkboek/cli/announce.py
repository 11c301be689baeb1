"""What ``werkboek workshop`` and ``werkboek cluster`` print once the servers answer: the addresses, a QR code, READY."""

from __future__ import annotations


def shown_database(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def announce(lines: list[str], qr: str | None) -> None:
    """The lines, the residents' QR code (when drawn) and the word READY that scripts and tests wait for."""
    print("\n".join(["", *lines]), flush=True)
    if qr:
        print("\nBewoners kunnen deze QR-code scannen:\n" + qr, flush=True)
    print("READY", flush=True)
