"""`newsdesk serve`: the editor's desk in a browser — queue, article, edit, re-check, approve, reject.

A small Starlette application with server-rendered Jinja pages (the templates the static review
page uses) and no script at all. Every state change is a POST to generator.review.actions, the
functions the terminal commands call, so the browser has no code path of its own.

It guards a tool that writes what gets published:

- it listens on loopback unless told otherwise, and then only answers requests whose Host header
  names loopback (a web page elsewhere cannot reach it by DNS rebinding);
- any other address needs a token (the `serve_token` setting, else one made up and printed at
  start) on every request: `?token=` once (it becomes a cookie), a cookie, or `Authorization: Bearer`;
- a POST must carry the CSRF token of the browser's session (an HMAC of its session cookie) and,
  when the browser sends one, an Origin of this server;
- slugs are validated (`[a-z0-9-]`) and every file it reads resolves inside the output folder;
- pages are autoescaped, article HTML is sanitised with nh3, and a Content-Security-Policy without
  any script source backs that up: a quoted `<script>` cannot run.
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import ipaddress
import re
import secrets
import socket
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generator.catalog import IndexEntry, read_index
from generator.config import Settings
from generator.errors import NewsdeskError, PublishError
from generator.layout import Layout
from generator.models import is_slug

from . import actions
from .page import article_view, environment, stylesheet
from .queue import STATES, QueueFilter, QueueItem, load_item, load_queue, require_output, state_of

SESSION_COOKIE = "newsdesk_session"
TOKEN_COOKIE = "newsdesk_token"
EDITOR_COOKIE = "newsdesk_editor"
MAX_FORM_BYTES = 2_000_000  # an article's markdown and a note: far more than any edit needs
_HASH = re.compile(r"^[0-9a-f]{64}$")
_ACTIONS = {"edit": "edited", "recheck": "rechecked", "approve": "approved", "reject": "rejected"}
_DONE = {
    "edited": "Saved and re-checked.",
    "rechecked": "Re-checked.",
    "approved": "Approved",
    "rejected": "Rejected",
}
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",  # so a form's POST carries this server's Origin, and nothing leaves
    "cache-control": "no-store",
}


@dataclass(frozen=True)
class DeskConfig:
    """What one running desk knows: where the output is, who acts by default, and its secrets."""

    settings: Settings
    editor: str
    token: str | None  # required on every request when set
    hosts: frozenset[str] | None  # Host headers answered; None: any (a token guards it instead)
    secret: bytes  # signs CSRF tokens; new at every start

    @property
    def out(self) -> Path:
        return self.settings.out


# ------------------------------------------------------------------------------------- start-up


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve anywhere


def loopback_hosts(port: int) -> frozenset[str]:
    names = ("127.0.0.1", "localhost", "[::1]")
    return frozenset({*names, *(f"{name}:{port}" for name in names)})


def serve(settings: Settings, *, host: str, port: int, editor: str) -> None:
    """Listen on host:port and serve the desk until interrupted; one-line errors before that."""
    import uvicorn

    require_output(settings.out)
    token = settings.serve_token
    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(24)
    sock = listen(host, port)
    actual_port = sock.getsockname()[1]
    config = DeskConfig(
        settings=settings,
        editor=editor,
        token=token,
        hosts=loopback_hosts(actual_port) if is_loopback(host) else None,
        secret=secrets.token_bytes(32),
    )
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{actual_port}/"
    if token:
        print(f"newsdesk serve: the desk for {settings.out} at {url}?token={token}", flush=True)
        print("newsdesk serve: every request needs this token (it is kept in a cookie once used)", flush=True)
    else:
        print(f"newsdesk serve: the desk for {settings.out} at {url}", flush=True)
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), log_level="warning", access_log=False, lifespan="off")
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def listen(host: str, port: int) -> socket.socket:
    """A listening socket, or one line saying why not (the port is taken, the address is not ours)."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(64)
    except OSError as exc:
        sock.close()
        reason = "the port is in use; choose another --port" if exc.errno == 98 else exc.strerror
        raise PublishError(f"{host}:{port}: cannot listen ({reason})") from None
    return sock


# ------------------------------------------------------------------------------------ the guard


class DeskGuard:
    """Host and token checks on every request, and the security headers on every response."""

    def __init__(self, app: ASGIApp, config: DeskConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        config = self.config
        response: Response | None = None
        host = request.headers.get("host", "").lower()
        if config.hosts is not None and host not in config.hosts:
            response = PlainTextResponse("this desk answers only on loopback addresses\n", status_code=421)
        elif config.token is not None:
            response = self._token_response(request, config.token)
        if response is not None:
            await with_headers(response)(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.decode() not in SECURITY_HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _token_response(request: Request, token: str) -> Response | None:
        """None when the request carries the token; a redirect that keeps it as a cookie; or a refusal."""
        bearer = request.headers.get("authorization", "")
        given = [
            bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else "",
            request.cookies.get(TOKEN_COOKIE, ""),
        ]
        if any(hmac.compare_digest(value.encode(), token.encode()) for value in given if value):
            return None
        query = request.query_params.get("token", "")
        if query and hmac.compare_digest(query.encode(), token.encode()):
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
            return response
        return PlainTextResponse(
            "this desk needs its token: open the address `newsdesk serve` printed\n", status_code=401
        )


def with_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


# ------------------------------------------------------------------------------------- the pages


def create_app(config: DeskConfig) -> ASGIApp:
    """The desk as an ASGI application (tests drive it through Starlette's TestClient)."""
    desk = _Desk(config)
    app = Starlette(
        routes=[
            Route("/", desk.queue_page),
            Route("/desk.css", desk.css),
            Route("/articles/{slug}", desk.article_page),
            Route("/articles/{slug}/diff", desk.diff_page),
            Route("/articles/{slug}/{action}", desk.act, methods=["POST"]),
        ],
        exception_handlers={_NotFound: desk.not_found, NewsdeskError: desk.failed},
    )
    return DeskGuard(app, config)


class _Desk:
    """The request handlers; every read goes through the index, every write through `actions`."""

    def __init__(self, config: DeskConfig) -> None:
        self.config = config

    # -- pages

    async def css(self, request: Request) -> Response:
        return Response(stylesheet(), media_type="text/css")

    async def queue_page(self, request: Request) -> Response:
        queue = await run_in_threadpool(load_queue, self.config.out)
        params = request.query_params
        kinds, rules = queue.kinds(), [rule for rule, *_ in queue.rule_counts()]
        wanted = QueueFilter(
            kind=_choice(params.get("kind"), kinds),
            rule=_choice(params.get("rule"), rules),
            verdict=_choice(params.get("verdict"), ["review", "block"]),
        )
        done = self._done_notice(params, queue.entries)
        return self._render(
            request,
            "queue.html.j2",
            out_dir=str(self.config.out),
            counts=queue.counts(),
            total=len(queue.entries),
            rules=queue.rule_counts(),
            kinds=kinds,
            items=queue.filtered(wanted),
            waiting=len(queue.items),
            wanted=wanted,
            notice=done,
        )

    async def article_page(self, request: Request) -> Response:
        entry = await self._entry(request.path_params["slug"])
        notice = _DONE.get(request.query_params.get("done", ""))
        return await self._article(request, entry, notice=notice)

    async def diff_page(self, request: Request) -> Response:
        entry = await self._entry(request.path_params["slug"])
        item = await run_in_threadpool(load_item, self.config.out, entry)
        if item.sidecar is None or item.markdown is None:
            raise PublishError(item.problem or f"{entry.slug}: cannot be read")
        found = actions.versions(self.config.out, entry, item.sidecar, item.markdown)
        by_hash = {v.content_hash: v for v in found}
        start, end = request.query_params.get("from", ""), request.query_params.get("to", "")
        if not found:
            return self._render(
                request, "diff.html.j2", entry=entry, versions=found, rows=[], left=None, right=None
            )
        right = by_hash.get(end) if _HASH.match(end) else found[-1]
        left = by_hash.get(start) if _HASH.match(start) else (found[-2] if len(found) > 1 else found[-1])
        if left is None or right is None:
            return self._error(request, f"{entry.slug}: no such version", status=404)
        rows = line_diff(left.text or "", right.text or "")
        return self._render(
            request, "diff.html.j2", entry=entry, versions=found, rows=rows, left=left, right=right
        )

    # -- actions

    async def act(self, request: Request) -> Response:
        """One POSTed action, done by generator.review.actions; then back to a page (303)."""
        action = request.path_params["action"]
        if action not in _ACTIONS:
            return self._error(request, f"no such action: {action!r}", status=404)
        entry = await self._entry(request.path_params["slug"])
        form = await request.form(max_part_size=MAX_FORM_BYTES)
        refused = self._refuse_forged(request, form)
        if refused is not None:
            return refused
        by = str(form.get("by") or "").strip()
        settings, slug, recorder = self.config.settings, entry.slug, self._recorder()
        note = _field(form, "note")
        draft = _field(form, "text", keep_lines=True) if action == "edit" else None
        call = {
            "approve": partial(actions.approve, settings, slug, by=by, note=note, recorder=recorder),
            "reject": partial(
                actions.reject, settings, slug, by=by, reason=_field(form, "reason") or "", recorder=recorder
            ),
            "recheck": partial(actions.recheck, settings, slug, by=by, note=note, recorder=recorder),
            "edit": partial(actions.recheck, settings, slug, by=by, text=draft, note=note, recorder=recorder),
        }[action]
        try:
            result = await run_in_threadpool(call)
        except NewsdeskError as exc:
            return await self._article(request, entry, error=str(exc), draft=draft, status=409)
        done = _ACTIONS[action] if action != "edit" or result.action.action == "edit" else "rechecked"
        if action in ("approve", "reject"):
            target = "/?" + urlencode({"done": done, "slug": slug})
        else:
            target = f"/articles/{slug}?done={done}"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(EDITOR_COOKIE, by[:200], httponly=True, samesite="strict")
        return response

    # -- helpers

    async def not_found(self, request: Request, exc: Exception) -> Response:
        return self._error(request, str(exc), status=404)

    async def failed(self, request: Request, exc: Exception) -> Response:
        """A problem with the output folder (an unreadable index, say): one line, not a traceback."""
        return self._error(request, str(exc), status=500)

    def _recorder(self) -> actions.ActionRecorder | None:
        return actions.recorder_for(self.config.settings)

    async def _entry(self, slug: str) -> IndexEntry:
        """The newest article with this slug, whose files resolve inside the output folder."""
        if not is_slug(slug):
            raise _NotFound(f"{slug!r} is not an article slug (only a-z, 0-9 and -)")
        entries = await run_in_threadpool(read_index, Layout(self.config.out))
        matches = [e for e in entries if e.slug == slug]
        if not matches:
            raise _NotFound(f"no article {slug!r} in {self.config.out}")
        entry = max(matches, key=lambda e: e.date)
        out = self.config.out.resolve()
        if not (out / entry.path).resolve().is_relative_to(out):
            raise _NotFound(f"{slug}: its index entry points outside the output folder")
        return entry

    async def _article(
        self,
        request: Request,
        entry: IndexEntry,
        *,
        notice: str | None = None,
        error: str | None = None,
        draft: str | None = None,
        status: int = 200,
    ) -> Response:
        item: QueueItem = await run_in_threadpool(load_item, self.config.out, entry)
        view = await run_in_threadpool(article_view, item, "a")
        found = (
            actions.versions(self.config.out, entry, item.sidecar, item.markdown)
            if item.sidecar is not None and item.markdown is not None
            else []
        )
        return self._render(
            request,
            "article.html.j2",
            view=view,
            state=state_of(entry),
            text=draft if draft is not None else (item.markdown or ""),
            history=list(reversed(item.sidecar.actions)) if item.sidecar else [],
            approval=item.sidecar.approval if item.sidecar else None,
            rejection=item.sidecar.rejection if item.sidecar else None,
            versions=found,
            notice=notice,
            error=error,
            status=status,
        )

    def _done_notice(self, params: Any, entries: list[IndexEntry]) -> str | None:
        done, slug = params.get("done", ""), params.get("slug", "")
        if done not in ("approved", "rejected") or not is_slug(slug):
            return None
        entry = next((e for e in entries if e.slug == slug), None)
        if entry is None:
            return None
        where = "it is in the site and the feeds" if entry.public else "it stays on the desk"
        return f"{_DONE[done]} “{entry.title}”: {where}."

    def _render(self, request: Request, template: str, *, status: int = 200, **context: Any) -> Response:
        session = request.cookies.get(SESSION_COOKIE) or secrets.token_urlsafe(24)
        editor = request.cookies.get(EDITOR_COOKIE) or self.config.editor
        page = (
            environment()
            .get_template(template)
            .render(css=None, csrf=self._csrf(session), editor=editor, states=STATES, **context)
        )
        response = HTMLResponse(page, status_code=status)
        if request.cookies.get(SESSION_COOKIE) != session:
            response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict")
        return response

    def _error(self, request: Request, message: str, *, status: int) -> Response:
        return self._render(request, "error.html.j2", message=message, status=status)

    def _csrf(self, session: str) -> str:
        return hmac.new(self.config.secret, session.encode(), hashlib.sha256).hexdigest()

    def _refuse_forged(self, request: Request, form: FormData) -> Response | None:
        """403 unless the form carries this session's CSRF token and any Origin is this server."""
        origin = request.headers.get("origin")
        if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
            return self._error(request, "refused: the request comes from another site", status=403)
        session = request.cookies.get(SESSION_COOKIE, "")
        given = str(form.get("csrf") or "")
        if not session or not hmac.compare_digest(given.encode(), self._csrf(session).encode()):
            message = "refused: the form's CSRF token is missing or stale; reload the page"
            return self._error(request, message, status=403)
        return None


class _NotFound(NewsdeskError):
    """No such article (or not a slug at all)."""


def _choice(value: str | None, allowed: list[str]) -> str | None:
    return value if value in allowed else None


def _field(form: FormData, name: str, *, keep_lines: bool = False) -> str | None:
    value = form.get(name)
    if not isinstance(value, str):
        return None
    return value if keep_lines else value.strip() or None


@dataclass(frozen=True)
class DiffRow:
    kind: str  # "same" | "del" | "ins" | "gap"
    old: int | None  # 1-based line numbers
    new: int | None
    text: str


def line_diff(old: str, new: str, context: int = 3) -> list[DiffRow]:
    """Line-by-line difference of two texts, with `context` unchanged lines around each change."""
    a, b = old.split("\n"), new.split("\n")
    rows: list[DiffRow] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        if rows:
            rows.append(DiffRow("gap", None, None, "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows += [DiffRow("same", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
                continue
            rows += [DiffRow("del", i + 1, None, a[i]) for i in range(i1, i2)]
            rows += [DiffRow("ins", None, j + 1, b[j]) for j in range(j1, j2)]
    return rows


__all__ = ["DeskConfig", "create_app", "is_loopback", "line_diff", "listen", "serve"]
