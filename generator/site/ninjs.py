"""IPTC ninjs 2.2 ("News in JSON"): one document per published story and a feed of them, for wires.

The per-story document carries the fields a wire desk routes and displays by: `uri` (the story's
URL), `version` and `versioncreated` (its content version), `firstcreated`, `pubstatus`,
`headlines`, `bodies` (the sanitised HTML body), `descriptions` (the lede), `subjects` (its tickers
and their sectors), `located`, `embargoed` (when it was held for an embargo) and an `ednote` when a
version replaces an earlier published one. The feed (`ninjs.json`) is itself a ninjs object of type
`composite` whose `associations` are the newest `feed_max_items` stories, so it validates against
the same schema: IPTC's ninjs 2.2 JSON Schema, copied with its licence under tests/schemas/.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from generator.models import Release, Sidecar, utc_stamp
from generator.site import SiteConfig

NINJS_FEED = "ninjs.json"
NINJS_SUFFIX = ".ninjs.json"
STANDARD = {
    "name": "ninjs",
    "version": "2.2",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json",
}
# IPTC Digital Source Type: media created by an algorithm without sampled training data; the
# articles are filled templates over computed figures.
SOURCE_TYPE = {
    "uri": "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia",
    "name": "written by software from market data and templates",
}


def story_document(
    sidecar: Sidecar,
    *,
    body_html: str,
    summary: str,
    embargo_until: dt.datetime | None,
    config: SiteConfig,
) -> dict:
    """The ninjs object of one published story (its sidecar holds the release and subjects)."""
    release = sidecar.release
    assert release is not None and release.published is not None, sidecar.slug
    date = sidecar.date.isoformat()
    url = config.article_url(date, sidecar.slug)
    document: dict = {
        "uri": url,
        "standard": STANDARD,
        "type": "text",
        "profile": sidecar.kind,
        "version": str(release.version),
        "firstcreated": utc_stamp(release.first_created),
        "versioncreated": utc_stamp(release.created),
        "pubstatus": "usable",
        "language": config.language,
        "slugline": sidecar.slug,
        "headlines": [{"value": sidecar.title}],
        "descriptions": [{"role": "summary", "value": summary}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body_html}],
        "by": config.author,
        "subjects": _subjects(sidecar),
        "infosources": [
            {"name": source.title, **({"uri": source.url} if _is_web(source.url) else {})}
            for source in sidecar.sources
        ],
        "renditions": [{"name": "html", "href": url, "contenttype": "text/html"}],
        "altids": [{"role": "slug", "value": sidecar.slug}],
        "digitalsourcetype": SOURCE_TYPE,
    }
    if config.located:
        document["located"] = config.located
    if embargo_until is not None:
        document["embargoed"] = utc_stamp(embargo_until)
    note = _ednote(release)
    if note:
        document["ednote"] = note
    return {key: value for key, value in document.items() if value != []}


def render_document(document: dict) -> str:
    """One story's document on one line: JSON's C encoder writes it several times faster than an
    indented one, which counts at thousands of stories a run."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def feed_document(documents: Sequence[dict], config: SiteConfig) -> str:
    """`ninjs.json`: a composite ninjs object whose associations are the newest stories."""
    newest = documents[: config.feed_max_items]
    feed = {
        "uri": config.url(NINJS_FEED),
        "standard": STANDARD,
        "type": "composite",
        "pubstatus": "usable",
        "language": config.language,
        "headlines": [{"value": config.publication}],
        "by": config.author,
        "associations": [{"name": document["slugline"], **document} for document in newest],
    }
    if newest:
        feed["versioncreated"] = max(document["versioncreated"] for document in newest)
    return json.dumps(feed, indent=2, ensure_ascii=False) + "\n"


def _subjects(sidecar: Sidecar) -> list[dict]:
    subjects = []
    for subject in sidecar.subjects:
        if subject.kind == "ticker":
            subjects.append({"name": subject.name, "literal": f"ticker:{subject.code}", "rel": "about"})
        else:
            subjects.append({"name": subject.name, "literal": f"sector:{subject.code}", "rel": "sector"})
    if not subjects:  # an article without recorded subjects still says which tickers it is about
        subjects = [
            {"name": ticker, "literal": f"ticker:{ticker}", "rel": "about"} for ticker in sidecar.tickers
        ]
    return subjects


def _ednote(release: Release) -> str | None:
    """A correction notice when this version replaces one that was already published."""
    if release.version == 1 or release.published is None or release.published >= release.created:
        return None
    return (
        f"Correction: version {release.version} replaces version {release.version - 1}, published "
        f"{utc_stamp(release.published)}; the text changed when the story was rewritten from revised "
        "data. Please replace any copy you hold."
    )


def _is_web(url: str | None) -> bool:
    return bool(url) and url.startswith(("https://", "http://"))  # type: ignore[union-attr]
