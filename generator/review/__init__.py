"""The editor's desk: the review queue, an editor's actions, the review page and the desk server.

- `queue`: the held and blocked articles to decide on, read from desk/index.json, with filters;
- `actions`: re-check (after an edit), approve and reject, each through the writer a run uses and
  recorded in the article's sidecar (and, through `ActionRecorder`, wherever else is connected);
- `marks` and `page`: an article with its findings marked in place, from the checker's structured
  findings, and the static `desk/review.html`;
- `server`: `newsdesk serve`, the same views in a small web application (imported only by it);
- `commands`: the terminal side of `newsdesk review|recheck|approve|reject|serve`.
"""

from .actions import ActionRecorder, ActionResult, approve, recheck, recorder_for, reject, versions
from .page import article_view, render_review_page, write_review_page
from .queue import Queue, QueueFilter, QueueItem, load_queue, require_output

__all__ = [
    "ActionRecorder",
    "ActionResult",
    "Queue",
    "QueueFilter",
    "QueueItem",
    "approve",
    "article_view",
    "load_queue",
    "recheck",
    "recorder_for",
    "reject",
    "render_review_page",
    "require_output",
    "versions",
    "write_review_page",
]
