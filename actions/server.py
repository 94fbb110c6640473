"""The action server, reachable only by Rasa: `python -m actions.server`.

rasa_sdk's own server listens on every address and runs any action for whoever posts to
/webhook, with the records service token in hand. This one builds rasa_sdk's app, listens on
127.0.0.1 unless ACTIONS_HOST says otherwise (scale-out), and refuses (401) every call that
does not carry `Authorization: Bearer $ACTIONS_TOKEN`, which Rasa sends (endpoints.yml).
/health stays open for the gateway and the process supervisors.

TURN_TIMINGS=1 logs how long each action call took (the action's name and milliseconds, no
conversation data), for the turn benchmark (scripts/bench-gateway.sh).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
import time

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.records_client import key_for, write_key
from actions.settings import Settings, SettingsError, load_settings

log = logging.getLogger("actions.server")
timing_log = logging.getLogger("actions.timing")
OPEN_PATHS = frozenset({"/health"})


def timings_enabled() -> bool:
    return os.environ.get("TURN_TIMINGS", "").strip().lower() in ("1", "true", "yes", "on")


def create_app(settings: Settings) -> Sanic:
    # No CORS: browsers never call the action server.
    app = create_sdk_app("actions", cors_origins=None)
    expected = f"Bearer {settings.actions_token}".encode()

    async def only_rasa(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(given, expected):
            return None
        return response.json({"error": "unauthorized"}, status=401)

    async def idempotency_key(request: Request) -> None:
        # Every write of this action call carries the key of the user message it answers.
        call = request.json if request.path == "/webhook" else None
        if not isinstance(call, dict):
            return
        tracker = call.get("tracker") or {}
        latest = tracker.get("latest_message") or {}
        write_key.set(
            key_for(
                str(call.get("sender_id") or tracker.get("sender_id") or ""),
                latest.get("metadata"),
                str(call.get("next_action") or ""),
            )
        )

    app.register_middleware(only_rasa, "request")
    app.register_middleware(idempotency_key, "request")
    if timings_enabled():

        async def started(request: Request) -> None:
            request.ctx.started = time.perf_counter()

        async def finished(request: Request, resp: HTTPResponse) -> None:
            began = getattr(request.ctx, "started", None)
            if began is None or request.path in OPEN_PATHS:
                return
            body = request.json if request.method == "POST" else None
            name = body.get("next_action") if isinstance(body, dict) else None
            ms = (time.perf_counter() - began) * 1000
            timing_log.info("timing action=%s status=%s ms=%.1f", name, resp.status, ms)

        app.register_middleware(started, "request")
        app.register_middleware(finished, "response")
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The action server, reachable only by Rasa.")
    parser.add_argument("--host", default=os.environ.get("ACTIONS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055")))
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s", level=logging.INFO)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"action server: {error}", file=sys.stderr)
        return 2
    app = create_app(settings)
    log.info("action server on http://%s:%s (Rasa's token required)", args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
