"""Fetch the X libraries that the Qt xcb platform plugin needs and a fresh machine may lack.

    python packaging/xcb_libs.py build/xcb-libs

``ldd`` on PySide6's ``plugins/platforms/libqxcb.so`` and ``lib/libQt6XcbQpa.so.6`` names the X
libraries below; on a fresh Debian 12 machine ``libxcb-icccm.so.4`` and ``libxcb-keysyms.so.1``
are missing, and on other desktops the xcb-util family and ``libxkbcommon-x11`` often are (Qt's
own list of X11 requirements names them all). Their Debian packages are fetched with
``apt-get download`` (no root needed) into ``build/debs``, unpacked with ``dpkg-deb -x``, and the
libraries copied into the folder under their sonames; the PyInstaller spec ships them next to
the other libraries, whatever the build machine has installed. ``libxcb1``, ``libx11-6`` and the
other libraries of ``libxcb``'s own package come with every X installation and are not fetched.

If the download fails and we are root, ``apt-get update`` runs once and the download is tried
again; otherwise one line says what to run. Exit code 0 on success, 2 on failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Debian package: the soname it provides to libqxcb.so / libQt6XcbQpa.so.6
PACKAGES = {
    "libxcb-cursor0": "libxcb-cursor.so.0",
    "libxcb-icccm4": "libxcb-icccm.so.4",
    "libxcb-image0": "libxcb-image.so.0",
    "libxcb-keysyms1": "libxcb-keysyms.so.1",
    "libxcb-render-util0": "libxcb-render-util.so.0",
    "libxcb-util1": "libxcb-util.so.1",
    "libxkbcommon-x11-0": "libxkbcommon-x11.so.0",
}
CACHE = Path("build/debs")


class FetchError(Exception):
    """A library could not be fetched; the message is the one line to print."""


def cached_deb(package: str, cache: Path) -> Path | None:
    """The downloaded .deb of ``package`` in ``cache``, if any."""
    found = sorted(cache.glob(f"{package}_*.deb"))
    return found[-1] if found else None


def apt_download(packages: list[str], cache: Path) -> bool:
    """``apt-get download`` the packages into ``cache``; True if it worked."""
    command = ["apt-get", "download", "-q"]
    if os.geteuid() == 0:  # as root, apt wants its sandbox user to write here; no need
        command += ["-o", "APT::Sandbox::User=root"]
    result = subprocess.run(
        command + packages, cwd=cache, capture_output=True, text=True, check=False
    )
    return result.returncode == 0


def download(packages: list[str], cache: Path) -> None:
    """Fetch the missing .debs, running ``apt-get update`` once first if needed and allowed."""
    if not packages:
        return
    if shutil.which("apt-get") is None:
        raise FetchError(
            "make bundle: apt-get is missing; on Debian or Ubuntu it fetches " + " ".join(packages)
        )
    if apt_download(packages, cache):
        return
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, check=False)
        if apt_download(packages, cache):
            return
    raise FetchError(
        f"make bundle: apt-get download {' '.join(packages)} failed; "
        "run `sudo apt-get update`, then make bundle again"
    )


def extract(deb: Path, soname: str, dest: Path) -> None:
    """Copy the library ``soname`` out of ``deb`` into ``dest``, as a file named ``soname``."""
    with tempfile.TemporaryDirectory() as tmp:
        unpack = subprocess.run(["dpkg-deb", "-x", str(deb), tmp], capture_output=True, text=True)
        if unpack.returncode != 0:
            raise FetchError(f"make bundle: dpkg-deb cannot unpack {deb}: {unpack.stderr.strip()}")
        found = [p for p in Path(tmp).glob(f"usr/lib/*/{soname}") if p.exists()]
        if not found:
            raise FetchError(f"make bundle: {deb.name} holds no {soname}")
        shutil.copyfile(found[0].resolve(), dest / soname)


def main(argv: list[str]) -> int:
    """Fill the folder ``argv[0]`` with the libraries of :data:`PACKAGES`."""
    if len(argv) != 1:
        print("usage: xcb_libs.py FOLDER", file=sys.stderr)
        return 2
    dest = Path(argv[0])
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        download([p for p in PACKAGES if cached_deb(p, CACHE) is None], CACHE)
        dest.mkdir(parents=True, exist_ok=True)
        for package, soname in PACKAGES.items():
            deb = cached_deb(package, CACHE)
            if deb is None:
                raise FetchError(f"make bundle: {package} was not downloaded")
            extract(deb, soname, dest)
    except FetchError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
