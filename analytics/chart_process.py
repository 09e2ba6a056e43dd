"""Charts drawn in a short-lived child process.

matplotlib, numpy and PIL take about 30 MB that a process never gives back once loaded;
drawn in a child, they never load into the bot, and the child's memory is returned when
the chart is done (about a second, most of it importing matplotlib). The figures travel
as a pickle of our own report objects over the child's stdin, the PNG comes back on its
stdout. If the child cannot run, the chart is drawn in a thread of this process instead.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import sys
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

TIMEOUT = 60.0  # seconds a chart may take before it is drawn in this process instead


def _renderer(kind: str) -> Callable[..., bytes]:
    if kind == "dashboard":
        from analytics.render_chart import render_dashboard

        return render_dashboard
    if kind == "summary":
        from analytics.render_summary_chart import render_summary_chart

        return render_summary_chart
    raise ValueError(f"no chart called {kind!r}")


async def draw(kind: str, *args: Any) -> bytes:
    """The PNG of chart `kind` ("dashboard": render_dashboard(report, lang); "summary":
    render_summary_chart(summary, lang)), drawn in a child process."""
    child = None
    try:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "analytics.chart_process",
            kind,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(child.communicate(pickle.dumps(args)), TIMEOUT)
        if child.returncode == 0 and out.startswith(b"\x89PNG"):
            return out
        log.warning("chart %s: the child failed (%s): %s", kind, child.returncode, err[-300:])
    except (OSError, TimeoutError) as exc:
        log.warning("chart %s: no child process (%s); drawing here", kind, exc)
        if child is not None and child.returncode is None:
            child.kill()
            await child.wait()
    return await asyncio.to_thread(_renderer(kind), *args)


def main() -> int:
    """The child: arguments as a pickle on stdin, the PNG on stdout."""
    args = pickle.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(_renderer(sys.argv[1])(*args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
