"""`newsdesk serve` refuses what could make it publish, read or run something it should not.

Plain HTTP against the real command in a child process (no browser needed): forged POSTs, requests
without the token of a non-loopback bind, `../` in a slug, a foreign Host header; and the one-line
errors of a taken port or a folder that is not a newsdesk output.
"""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
from urllib.parse import urlencode, urlsplit

import pytest

from generator.catalog import read_index
from generator.layout import Layout
from generator.models import Sidecar


def request(url: str, path: str, *, method="GET", body: dict | None = None, headers: dict | None = None):
    """(status, headers, text) of one request, redirects not followed, cookies as given."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    data = urlencode(body).encode() if body is not None else None
    sent = {"Content-Type": "application/x-www-form-urlencoded"} if data is not None else {}
    sent.update(headers or {})
    connection.request(method, path, body=data, headers=sent)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, response, text


def session(url: str, path: str, headers: dict | None = None) -> tuple[str, str]:
    """(Cookie header, CSRF token) of a fresh browser session that opened `path`."""
    status, response, text = request(url, path, headers=headers)
    assert status == 200, text
    cookies = "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("set-cookie"))
    return cookies, re.search(r'name="csrf" value="([0-9a-f]+)"', text).group(1)


def actions_of(out, slug) -> list:
    entry = next(e for e in read_index(Layout(out)) if e.slug == slug)
    return Sidecar.model_validate_json((out / entry.path).with_suffix(".json").read_text()).actions


def test_a_post_without_the_csrf_token_is_refused(desk_out, start_desk, desk_case):
    desk = start_desk(desk_out)
    path = f"/articles/{desk_case.to_reject}"
    cookies, csrf = session(desk.url, path)
    form = {"reason": "forged", "by": "mallory"}
    for sent, headers in (
        (form, {"Cookie": cookies}),  # no token
        ({**form, "csrf": "0" * 64}, {"Cookie": cookies}),  # a wrong one
        ({**form, "csrf": csrf}, {}),  # the token without the session it belongs to
        ({**form, "csrf": csrf}, {"Cookie": cookies, "Origin": "http://evil.example"}),  # from another site
    ):
        status, _, text = request(desk.url, f"{path}/reject", method="POST", body=sent, headers=headers)
        assert status == 403 and "refused" in text
    assert actions_of(desk_out, desk_case.to_reject) == []  # nothing happened
    status, _, _ = request(
        desk.url, f"{path}/reject", method="POST", body={**form, "csrf": csrf}, headers={"Cookie": cookies}
    )
    assert status == 303 and [a.action for a in actions_of(desk_out, desk_case.to_reject)] == ["reject"]


def test_a_state_change_needs_a_post(desk_out, start_desk, desk_case):
    desk = start_desk(desk_out)
    status, _, _ = request(desk.url, f"/articles/{desk_case.to_reject}/reject?reason=x&by=y")
    assert status == 405
    assert actions_of(desk_out, desk_case.to_reject) == []


def test_a_non_loopback_bind_refuses_requests_without_its_token(desk_out, start_desk, desk_case):
    desk = start_desk(desk_out, "--host", "0.0.0.0")
    assert desk.token and len(desk.token) >= 24  # made up at start and printed
    local = f"http://127.0.0.1:{desk.port}/"
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Cookie": "newsdesk_token=wrong"}):
        status, _, text = request(local, "/", headers=headers)
        assert status == 401 and "token" in text
    status, _, _ = request(local, f"/articles/{desk_case.misquoted}?token=wrong")
    assert status == 401
    status, response, _ = request(local, f"/articles/{desk_case.misquoted}?token={desk.token}")
    assert status == 303 and response.headers["location"] == f"/articles/{desk_case.misquoted}"
    assert f"newsdesk_token={desk.token}" in response.headers["set-cookie"]
    assert (
        "HttpOnly" in response.headers["set-cookie"] and "SameSite=strict" in response.headers["set-cookie"]
    )
    status, _, _ = request(local, "/", headers={"Authorization": f"Bearer {desk.token}"})
    assert status == 200
    # With the token but a forged form, a POST is still refused.
    status, _, _ = request(
        local,
        f"/articles/{desk_case.to_reject}/reject",
        method="POST",
        body={"reason": "x", "by": "y"},
        headers={"Authorization": f"Bearer {desk.token}"},
    )
    assert status == 403 and actions_of(desk_out, desk_case.to_reject) == []


def test_a_token_from_the_settings_is_required_on_loopback_too(desk_out, start_desk):
    token = "a-token-the-editor-chose-1234"
    desk = start_desk(desk_out, env={"NEWSDESK_SERVE_TOKEN": token})
    assert desk.token == token
    assert request(desk.url, "/")[0] == 401
    assert request(desk.url, "/", headers={"Cookie": f"newsdesk_token={token}"})[0] == 200


@pytest.mark.parametrize(
    "path",
    [
        "/articles/..%2F..%2F..%2Fetc%2Fpasswd",
        "/articles/%2E%2E",
        "/articles/../../etc/passwd",
        "/articles/..%2Fdesk%2Findex/diff",
        "/articles/Thinkloom",
    ],
)
def test_a_slug_that_is_not_one_is_refused(desk_out, start_desk, path):
    desk = start_desk(desk_out)
    status, _, text = request(desk.url, path)
    assert status == 404
    assert "root:" not in text and '"articles"' not in text  # neither /etc/passwd nor the index


def test_a_post_to_a_path_slug_is_refused(desk_out, start_desk, desk_case):
    desk = start_desk(desk_out)
    cookies, csrf = session(desk.url, f"/articles/{desk_case.misquoted}")
    for slug in ("%2E%2E", "..%2F..%2Fsite"):
        status, _, _ = request(
            desk.url,
            f"/articles/{slug}/recheck",
            method="POST",
            body={"csrf": csrf, "by": "kim"},
            headers={"Cookie": cookies},
        )
        assert status == 404


def test_only_loopback_host_names_are_answered(desk_out, start_desk):
    """A page elsewhere that rebinds its own name to 127.0.0.1 gets nothing back."""
    desk = start_desk(desk_out)
    status, _, text = request(desk.url, "/", headers={"Host": f"evil.example:{desk.port}"})
    assert status == 421 and "loopback" in text
    assert request(desk.url, "/", headers={"Host": f"localhost:{desk.port}"})[0] == 200


def test_pages_forbid_scripts_and_framing(desk_out, start_desk, desk_case):
    desk = start_desk(desk_out)
    status, response, text = request(desk.url, f"/articles/{desk_case.evil}")
    assert status == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy and response.headers["x-frame-options"] == "DENY"
    assert "<script" not in text.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_a_taken_port_is_one_line_and_exit_2(desk_out):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "generator", "serve", str(desk_out), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"newsdesk: error: 127.0.0.1:{port}: cannot listen (the port is in use; choose another --port)"
    )


@pytest.mark.parametrize("setup", ["missing", "empty", "file"])
def test_a_folder_that_is_not_a_newsdesk_output_is_one_line_and_exit_2(tmp_path, setup):
    folder = tmp_path / "out"
    if setup == "empty":
        folder.mkdir()
    elif setup == "file":
        folder.write_text("x")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "serve", str(folder), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert str(folder) in done.stderr and done.stdout == ""
    assert not (folder / ".newsdesk.lock").exists() if folder.is_dir() else True


def test_help_does_not_load_the_server():
    code = "import sys, generator.cli; print(sorted(m for m in ('starlette', 'uvicorn') if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
