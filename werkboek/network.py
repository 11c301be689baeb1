"""This laptop's address on the local network, for the QR codes residents scan.

A workshop evening may have no internet at all: the laptop and the phones share a wifi
router (or the laptop's own hotspot). Nothing here sends a packet: connecting a UDP
socket only asks the kernel which interface *would* be used for that destination.
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
import subprocess

LOOPBACK = "127.0.0.1"

# Private destinations to ask the routing table about (RFC 1918). A UDP connect() does
# not send anything, so these need not exist.
_PROBES = ("10.255.255.255", "192.168.255.255", "172.31.255.255")


def lan_ip() -> str:
    """The IPv4 address other devices on the local network can reach this laptop on.

    Tries, in order: the routing table (UDP connect trick), ``hostname -I`` (Linux), the
    addresses of this host's name; falls back to ``127.0.0.1`` when there is no network.
    Private addresses (192.168.x, 10.x, 172.16-31.x) are preferred over others.
    """
    return (candidate_ips() or [LOOPBACK])[0]


def candidate_ips() -> list[str]:
    """Every usable IPv4 address of this laptop, best first (for a "wrong address?" choice)."""
    found = _from_routing() + _from_hostname_command() + _from_host_name()
    usable = list(dict.fromkeys(ip for ip in found if _usable(ip)))
    return sorted(usable, key=lambda ip: not ipaddress.ip_address(ip).is_private)  # stable: keeps order


def resident_url(host: str, port: int, path: str = "/") -> str:
    """The address residents open, e.g. ``http://192.168.1.20:8866/``."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    if not path.startswith("/"):
        path = "/" + path
    return f"http://{host}:{port}{path}"


def short_address(url: str) -> str:
    """What a resident types when scanning does not work: the URL without ``http://`` and the final ``/``."""
    for scheme in ("http://", "https://"):
        if url.startswith(scheme):
            url = url[len(scheme):]
            break
    return url.rstrip("/")


def _usable(ip: str) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return addr.version == 4 and not (addr.is_loopback or addr.is_link_local or addr.is_unspecified
                                      or addr.is_multicast)


def _from_routing() -> list[str]:
    found = []
    for probe in _PROBES:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))  # UDP: no packet is sent
                found.append(sock.getsockname()[0])
        except OSError:
            continue  # no route to this kind of network
    return found


def _from_hostname_command() -> list[str]:
    exe = shutil.which("hostname")
    if exe is None:
        return []
    try:
        out = subprocess.run([exe, "-I"], capture_output=True, text=True, timeout=2, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return out.split()


def _from_host_name() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [info[4][0] for info in infos]
