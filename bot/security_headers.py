"""Security headers on every answer of the gateway: pages, widget files and the API.

The Content-Security-Policy allows only the gateway's own scripts, styles, images, audio and
connections (no inline code or style), and lets only the sites listed in WIDGET_EMBED_ORIGINS
frame the gateway's pages. Everything but the widget's static files (API answers, the audio
of answers included) is never cached."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(embed_origins: list[str]) -> str:
    ancestors = " ".join(["'self'", *embed_origins])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "media-src 'self'",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


class SecurityHeaders:
    def __init__(self, app: ASGIApp, embed_origins: list[str]) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(embed_origins),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        personal = not scope["path"].startswith("/widget/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    # A page that sets its own, stricter policy (the console) keeps it.
                    headers.setdefault(name, value)
                if personal:
                    # Answers, their audio included, are personal: no cache keeps them.
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
