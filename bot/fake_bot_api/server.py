"""A fake Telegram Bot API server on 127.0.0.1, speaking the wire format PTB uses.

Tests and the demo drive the world through the same object: add users and groups, make
them write or press buttons, wait for what the bot sent, inject faults and latency. The
object is assembled from its parts: core (state), driver (the test side), methods (the
Bot API), and here the HTTP transport with its faults and flood limits.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from typing import Any

from aiohttp import BodyPartReader, web

from bot.fake_bot_api.core import JSON_FIELDS, SEND_METHODS, CallbackAnswer, _seconds_left
from bot.fake_bot_api.driver import Driver
from bot.fake_bot_api.errors import ApiError, bad_request, too_many
from bot.fake_bot_api.methods import Methods

__all__ = ["CallbackAnswer", "FakeTelegram"]


class FakeTelegram(Driver, Methods):
    """The fake Bot API server plus the test-side controls of its world."""

    # lifecycle -------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (port 0 picks a free one)."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop serving."""
        for task in list(self._webhook_tasks):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_root(self) -> str:
        """Root URL to give the bot as CAREBOT_TELEGRAM_API_URL."""
        return f"http://127.0.0.1:{self.port}"

    # HTTP ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"].lower()
        params = await self._params(request)
        self.calls.append((method, params))
        if self.latency:
            await asyncio.sleep(self.latency)
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        try:
            if self._check_faults(method, params) == "drop":
                assert request.transport is not None
                request.transport.close()  # the client sees the connection go, no answer
                return web.Response(status=599)
            if method in SEND_METHODS:
                self._check_flood(params)
            result = await handler(params)
        except ApiError as exc:
            if exc.error_code in (400, 403):
                self.refusals.append((method, exc.description))
            return web.json_response(exc.body(), status=exc.error_code)
        except (KeyError, ValueError, TypeError) as exc:
            error = bad_request(f"invalid parameters: {exc}")
            self.refusals.append((method, error.description))
            return web.json_response(error.body(), status=400)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                params.update(await request.json())
            elif ctype.startswith("multipart/"):
                reader = await request.multipart()
                async for part in reader:
                    if not isinstance(part, BodyPartReader) or part.name is None:
                        continue
                    data = bytes(await part.read())
                    if part.filename:
                        stored = self.world.add_file(data, part.filename)
                        params[part.name] = {"uploaded": stored.file_id}
                    else:
                        params[part.name] = data.decode()
            else:
                params.update(dict(await request.post()))
        for key in JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                params[key] = json.loads(params[key])
        return params

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            raise web.HTTPUnauthorized()
        path = request.match_info["path"]
        for stored in self.world.files.values():
            if stored.path == path:
                return web.Response(body=stored.data)
        raise web.HTTPNotFound()

    def _check_faults(self, method: str, params: dict[str, Any]) -> str | None:
        """Raise the next injected error for `method`; "drop" for a dropped connection."""
        for fault in self._faults:
            if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                continue
            if fault.method == method and fault.times > 0:
                fault.times -= 1
                if fault.error is None:
                    return "drop"
                raise fault.error
        return None

    def _check_flood(self, params: dict[str, Any]) -> None:
        if not self.enforce_flood_limits:
            return
        now = time.monotonic()
        overall_max, overall_period = self.flood_overall
        while self._sends and now - self._sends[0] > overall_period:
            self._sends.popleft()
        if len(self._sends) >= overall_max:
            self.flood_refusals += 1
            raise too_many(_seconds_left(overall_period, now - self._sends[0]))
        chat_id = int(params.get("chat_id", 0))
        if chat_id < 0:
            group_max, group_period = self.flood_per_group
            window = self._group_sends.setdefault(chat_id, deque())
            while window and now - window[0] > group_period:
                window.popleft()
            if len(window) >= group_max:
                self.flood_refusals += 1
                raise too_many(_seconds_left(group_period, now - window[0]))
            window.append(now)
        self._sends.append(now)
