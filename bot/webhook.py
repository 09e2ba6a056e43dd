"""Webhook mode: our own aiohttp listener that confirms an update only after processing it.

PTB's run_webhook answers Telegram's POST with 200 as soon as the update is queued, so an
update in flight when the process dies is lost. Here the answer waits until the handlers
are done (in per-chat order, like polling); if the process dies first, Telegram gets no
answer and delivers the update again, and the handlers recognise what was already stored.
Every call must carry the secret registered with setWebhook (X-Telegram-Bot-Api-Secret-Token);
anything else is refused with 403 before it is even parsed.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.lifecycle import started
from bot.raw_updates import unparsable, update_id_of
from bot.services import get_services
from bot.updates import Outcome

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as secret_token.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")

App = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class WebhookServer:
    """Where the listener runs and the URL registered with Telegram."""

    host: str
    port: int
    path: str
    url: str
    refused: int = 0  # calls refused for a missing or wrong secret


def check_secret(secret: str) -> str:
    """Return the secret if Telegram would accept it, else raise ValueError."""
    if not _SECRET.fullmatch(secret):
        raise ValueError("the webhook secret must be 1-256 characters: A-Z, a-z, 0-9, _ or -")
    return secret


class _Listener:
    """The aiohttp handler: check the secret, decode, process, then answer."""

    def __init__(self, app: App, secret: str, server: WebhookServer) -> None:
        self.app = app
        self.secret = secret.encode()
        self.server = server

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            self.server.refused += 1
            log.warning("webhook call without the right secret from %s", request.remote)
            return web.Response(status=403)
        if not self.app.running:
            return web.Response(status=503)  # shutting down: Telegram will deliver it again
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            log.warning("webhook call with a body that is not JSON")
            return web.Response(status=400)
        runner = get_services(self.app).runner
        problem = unparsable(data)
        if problem is not None:  # kept and confirmed, or Telegram would send it forever
            update_id = update_id_of(data)
            raw = data if isinstance(data, dict) else {"body": data}
            try:
                await runner.keep(update_id, raw, f"unparsable: {problem}")
            except Exception as exc:
                log.warning("unparsable update %s not kept yet: %s", update_id, exc)
                return web.Response(status=503)
            return web.Response(status=200)
        update = Update.de_json(data, self.app.bot)
        outcomes: list[Outcome] = []

        async def run() -> None:
            outcomes.append(await runner.run(update))

        # In per-chat order, like polling: an update held for a passing failure answers 503,
        # and so do its chat's later ones until it went through (the runner keeps track).
        # The answer waits for the handlers: a crash before it leaves the update to Telegram
        # to deliver again.
        await self.app.update_processor.process_update(update, run())
        return web.Response(status=503 if outcomes == [Outcome.HELD] else 200)


@asynccontextmanager
async def webhook_running(
    app: App,
    *,
    secret: str,
    listen: str = "127.0.0.1",
    port: int = 8443,
    url_path: str = "telegram",
    webhook_url: str | None = None,
) -> AsyncIterator[WebhookServer]:
    """Run the application on a webhook in this event loop until the block ends.

    Starts the listener on listen:port/url_path, then registers webhook_url (default: the
    listener's own http URL, for tests and local proxies) with the secret. port=0 picks a
    free port. The webhook stays registered at the end, so Telegram keeps updates for the
    next start.
    """
    check_secret(secret)
    path = "/" + url_path.strip("/")
    async with started(app):
        server = WebhookServer(listen, port, path, webhook_url or "")
        web_app = web.Application()
        web_app.router.add_post(path, _Listener(app, secret, server).handle)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, listen, port)
            await site.start()
            sockets = getattr(site._server, "sockets", None) or []
            if sockets:
                server.port = int(sockets[0].getsockname()[1])
            server.url = webhook_url or f"http://{listen}:{server.port}{path}"
            await app.bot.set_webhook(
                server.url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
            log.info("webhook listening on %s:%s%s", listen, server.port, path)
            yield server
        finally:
            await runner.cleanup()
