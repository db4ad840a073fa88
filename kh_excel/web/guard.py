"""Who may talk to the local server: loopback Host headers only, and the session token.

The token is in the address printed and opened at start (``/?token=…``, as Jupyter does); the
first request with it gets a cookie that the browser sends back only to this origin
(``SameSite=Strict``), so another page open in the same browser can neither read nor post to
the server. A foreign ``Host`` header (DNS rebinding) is refused before anything else.
"""
from __future__ import annotations

import hmac
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.responses import RedirectResponse

LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Everything the page uses is served from here: no other site's script, style, font or frame.
HEADERS = [
    (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'; "
                                 b"form-action 'self'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" would make form posts "Origin: null"
]


def cookie_name(port: int) -> str:
    """Cookies ignore the port: two servers on two ports must not share one."""
    return f"kh_token_{port}"


def host_name(host: str) -> str:
    """``127.0.0.1:8765`` → ``127.0.0.1``; ``[::1]:8765`` → ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    """ASGI middleware: refuse foreign hosts, requests without the token and cross-site posts."""

    def __init__(self, app, *, token: str, port: int, refuse) -> None:
        self.app = app
        self.token = token
        self.port = port
        self.refuse = refuse  # (scope, reason) -> ASGI response; reason: "host", "token"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message, headers=[*message.get("headers", []), *HEADERS])
            await send(message)

        await self._guarded(scope, receive, send_with_headers)

    async def _guarded(self, scope, receive, send) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if host_name(headers.get("host", "")) not in LOOPBACK:
            return await self.refuse(scope, "host")(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = (query.get("token") or [""])[0]
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is no token
            cookie = SimpleCookie()
        held = cookie.get(cookie_name(self.port))
        ok_cookie = held is not None and hmac.compare_digest(held.value, self.token)
        ok_query = bool(given) and hmac.compare_digest(given, self.token)
        if not (ok_cookie or ok_query):
            return await self.refuse(scope, "token")(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD"):
            origin = headers.get("origin")
            # A browser names the page that posts; a page of another site is refused even if
            # the browser had sent the cookie.
            if origin is not None and host_name(urlsplit(origin).netloc) not in LOOPBACK:
                return await self.refuse(scope, "token")(scope, receive, send)
        elif ok_query:
            # The token leaves the address bar (and the history) once the cookie holds it.
            rest = {k: v for k, v in query.items() if k != "token"}
            target = scope["path"] + ("?" + urlencode(rest, doseq=True) if rest else "")
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(cookie_name(self.port), self.token, httponly=True,
                                samesite="strict", path="/")
            return await response(scope, receive, send)
        await self.app(scope, receive, send)
