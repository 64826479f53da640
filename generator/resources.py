"""Where the editable resources (templates, rules, editorial config, bundled sample) live.

In a checkout they are top-level folders an editor can find and change; a wheel carries copies under
generator/_bundled. Looking in one place keeps that difference out of every caller.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT_ROOT = PACKAGE_DIR.parent
_BUNDLED = PACKAGE_DIR / "_bundled"


def resource_dir(name: str) -> Path:
    """Return the folder for a top-level resource ('templates', 'rules', 'editorial')."""
    checkout = _CHECKOUT_ROOT / name
    if checkout.is_dir():
        return checkout
    return _BUNDLED / name


def sample_snapshot_dir() -> Path:
    """The bundled fictional sample snapshot, shipped inside the package."""
    return PACKAGE_DIR / "market" / "sample" / "snapshot"
