"""Slugs: the only characters that reach a file name or an id built from data.

Tickers and titles come from data files and users; "../", "/", NUL or odd Unicode must never steer
where a file is written. NFKD folding keeps "Société" readable as "societe".
"""

from __future__ import annotations

import re
import unicodedata

# Slugs newsdesk makes stay well below what a file name may hold (models.MAX_SLUG_CHARS).
GENERATED_SLUG_LENGTH = 80


def slugify(text: str, max_length: int = GENERATED_SLUG_LENGTH) -> str:
    """[a-z0-9-] only, bounded, never empty: "../Helix Micro/ÉTF" -> "helix-micro-etf"."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug or "item"
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug
