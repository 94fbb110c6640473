"""The record service's FastAPI application: `uvicorn records.main:app`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from records.body_limit import BodyLimit
from records.db import Database
from records.errors import install_error_handlers
from records.idempotency import Idempotency
from records.routers import activation, assistant, auth, dev, health, helpline, me, refusals
from records.services import outbox
from records.services.sender import Sender, make_sender
from records.settings import Settings, apply_security_settings, get_settings
from records.storage import storage_key


def create_app(settings: Settings | None = None, sender: Sender | None = None) -> FastAPI:
    settings = settings or get_settings()
    if not logging.getLogger().handlers:
        # Under uvicorn only its own loggers have handlers: show the service's events too
        # (they never hold secrets or personal data).
        logging.basicConfig(format="%(levelname)s:     %(name)s: %(message)s")
    logging.getLogger("records").setLevel(settings.log_level.upper())
    apply_security_settings(settings)
    # A missing DOCUMENT_STORAGE_KEY in production stops the start, not the first upload.
    storage_key(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = None
        if settings.outbox_worker_enabled:
            task = asyncio.create_task(outbox.run_worker(app.state.db, app.state.sender, settings))
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            app.state.db.dispose()

    app = FastAPI(
        title="Mon espace santé — records",
        version="0.1.0",
        description="The record service: accounts, people and roles (SPEC §3).",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = Database(settings)
    app.state.sender = sender or make_sender(settings)
    install_error_handlers(app)
    # Inside the body limit: a retried write is answered as the first one was.
    app.add_middleware(Idempotency)
    app.add_middleware(
        BodyLimit,
        json_bytes=settings.max_json_body_bytes,
        upload_bytes=settings.max_upload_body_bytes,
    )
    for module in (health, activation, auth, me, refusals, assistant, helpline):
        app.include_router(module.router)
    # The record itself (issue 3): the person's routes and the professionals' routes.
    from records.routers import record_me, record_pro
    from records.services import reminders

    app.include_router(record_me.router)
    app.include_router(record_pro.router)
    reminders.install(app, settings)
    if settings.dev_routes:
        app.include_router(dev.router)
    return app


app = create_app()
