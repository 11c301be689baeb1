"""The laptop announces itself on the local network as ``stemmen.local`` (mDNS), so slips can carry a readable address.

``announce(ip, port)`` registers an HTTP service whose host name is ``stemmen.local``
with the python-zeroconf library (Bonjour/Avahi compatible): phones and laptops that
resolve ``.local`` names (iOS, macOS, Windows 10+, most Android 12+) reach the residents'
app at ``http://stemmen.local:8866/``. When another device already holds the name,
``stemmen-2.local`` … is tried. The IP address stays on the slips as the fallback: not
every phone resolves mDNS names, and some guest networks block multicast.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

SERVICE_TYPE = "_http._tcp.local."
DEFAULT_HOST = "stemmen"
ASK_MS = 500  # how long the holder of a name may take to answer (a quiet one: ~0.1 s)


@dataclass
class Announcement:
    host: str  # "stemmen.local"
    ip: str
    port: int
    _zeroconf: object = field(repr=False, default=None)
    _info: object = field(repr=False, default=None)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def close(self) -> None:
        if self._zeroconf is not None:
            try:
                self._zeroconf.unregister_service(self._info)
            finally:
                self._zeroconf.close()
                self._zeroconf = None


def announce(ip: str, port: int, *, host: str = DEFAULT_HOST, interfaces=None, tries: int = 5) -> Announcement:
    """Announce ``http://<host>.local:<port>/`` for ``ip``; raises OSError when mDNS cannot be used here."""
    from zeroconf import DNSQuestionType, NonUniqueNameException, ServiceInfo, Zeroconf

    zc = Zeroconf(interfaces=interfaces or [ip])
    try:
        for n in range(1, tries + 1):
            name = host if n == 1 else f"{host}-{n}"
            info = ServiceInfo(SERVICE_TYPE, f"Werkboek {name}.{SERVICE_TYPE}", addresses=[socket.inet_aton(ip)],
                               port=int(port), server=f"{name}.local.", properties={"path": "/"})
            # Asked aloud first, then probed: zeroconf's probe alone sends "QU" questions (RFC 6762
            # 8.1), answered by unicast to port 5353, which on a machine with two responders reaches
            # only one of them (measured on loopback: the name taken twice); a "QM" question is
            # answered by multicast, within ~0.1 s by a holder that has been up for a second or more.
            if ServiceInfo(SERVICE_TYPE, info.name).request(zc, ASK_MS, question_type=DNSQuestionType.QM):
                continue
            try:
                zc.register_service(info, allow_name_change=False)
            except NonUniqueNameException:
                continue
            return Announcement(f"{name}.local", ip, int(port), zc, info)
        raise OSError(f"the names {host}.local … {host}-{tries}.local are all taken on this network")
    except BaseException:
        zc.close()
        raise
