"""The laptop announces itself as stemmen.local (mDNS), checked with python-zeroconf's own browser on loopback."""

from __future__ import annotations

import time

import pytest

zeroconf = pytest.importorskip("zeroconf")

from werkboek.serving.mdns import SERVICE_TYPE, announce  # noqa: E402
from werkboek.serving.process import free_port  # noqa: E402


def _browse(zc, timeout: float = 5.0) -> list[str]:
    found: list[str] = []

    class Listener:
        def add_service(self, _zc, _type, name):
            found.append(name)

        def update_service(self, *_args):
            pass

        def remove_service(self, *_args):
            pass

    browser = zeroconf.ServiceBrowser(zc, SERVICE_TYPE, Listener())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not found:
        time.sleep(0.05)
    time.sleep(0.3)  # a second announcement may come a little later
    browser.cancel()
    return found


def test_the_short_name_is_announced_and_resolves_on_loopback():
    port = free_port()
    try:
        first = announce("127.0.0.1", port)
    except OSError as exc:  # no multicast on this machine's loopback
        pytest.skip(f"mDNS not usable here: {exc}")
    # another laptop (or a second evening) on the same network, started a moment later: a responder
    # answers by multicast at most once a second, so the first one's fresh announcement is let pass
    time.sleep(1.2)
    second = announce("127.0.0.1", port + 1)
    zc = zeroconf.Zeroconf(interfaces=["127.0.0.1"])
    try:
        assert first.host == "stemmen.local" and first.url == f"http://stemmen.local:{port}/"
        assert second.host == "stemmen-2.local"  # the name was taken: the next one
        names = _browse(zc)
        assert "Werkboek stemmen._http._tcp.local." in names
        info = zc.get_service_info(SERVICE_TYPE, "Werkboek stemmen._http._tcp.local.", timeout=3000)
        assert info.server == "stemmen.local." and info.port == port and info.parsed_addresses() == ["127.0.0.1"]
        resolver = zeroconf.AddressResolver("stemmen.local.")  # the host name itself resolves
        assert resolver.request(zc, 3000) and resolver.parsed_addresses() == ["127.0.0.1"]
    finally:
        zc.close()
        second.close()
        first.close()
    zc = zeroconf.Zeroconf(interfaces=["127.0.0.1"])
    try:  # closing says goodbye: the name is free again
        assert zc.get_service_info(SERVICE_TYPE, "Werkboek stemmen._http._tcp.local.", timeout=1000) is None
    finally:
        zc.close()


def test_an_evening_on_loopback_or_without_a_name_announces_nothing():
    from werkboek.serving.workshop import WorkshopOptions, _announce_name

    assert _announce_name(WorkshopOptions(), "127.0.0.1") == (None, [])  # tests and a laptop alone
    assert _announce_name(WorkshopOptions(mdns_name=None), "192.168.1.20") == (None, [])
    assert _announce_name(WorkshopOptions(), "fd00::2") == (None, [])  # the announcement carries IPv4 only
