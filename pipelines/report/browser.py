"""Debian's headless chromium driven over the DevTools protocol: the report's browser
tests and its load-time benchmark (benchmarks/report_scale.py) share this client.

A minimal Chrome DevTools Protocol client over --remote-debugging-pipe (fd 3 in, fd 4
out, messages ending in NUL): navigation with the load event, real mouse clicks and
typing, script evaluation; no extra package.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import subprocess
import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]


class DevTools:
    def __init__(self, profile: Path, chromium: Path = CHROMIUM, window: str = "1400,1000"):
        to_browser_r, self._out = (self._high(fd) for fd in os.pipe())
        self._in, from_browser_w = (self._high(fd) for fd in os.pipe())
        self._log = open(f"{profile}.log", "wb")  # noqa: SIM115 (closed in close())
        # The browser reads fd 3 and writes fd 4: the shell puts the pipe ends there.
        redirect = f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w}'
        self.proc = subprocess.Popen(
            [
                "/bin/bash",  # dash cannot redirect fds above 9
                "-c",
                redirect,
                str(chromium),
                *CHROMIUM_FLAGS,
                "--remote-debugging-pipe",
                f"--window-size={window}",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            pass_fds=(to_browser_r, from_browser_w),
            stdout=subprocess.DEVNULL,
            stderr=self._log,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []  # events received while waiting for replies
        target = next(
            t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page"
        )
        self.session = self.call(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )["sessionId"]

    @staticmethod
    def _high(fd: int) -> int:
        """The same pipe end above fd 4, so that the redirections cannot clash."""
        high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(fd)
        return high

    def _messages(self, deadline: float):
        while time.monotonic() < deadline:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                yield json.loads(raw)
            ready, _, _ = select.select([self._in], [], [], 1)
            if ready:
                chunk = os.read(self._in, 1 << 16)
                if not chunk:
                    raise ConnectionError("chromium closed the DevTools pipe")
                self._buffer += chunk

    def call(self, method: str, session: str | None = None, timeout: float = 60, **params):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        for reply in self._messages(time.monotonic() + timeout):
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            if "method" in reply:
                self.events.append(reply)
        raise TimeoutError(method)

    def page(self, method: str, **params) -> dict:
        return self.call(method, self.session, **params)

    def wait_event(self, method: str, timeout: float = 120) -> dict:
        """The next event `method` of the page (one already received counts)."""
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                del self.events[: i + 1]
                return event
        for event in self._messages(time.monotonic() + timeout):
            if event.get("method") == method:
                self.events.clear()
                return event
        raise TimeoutError(method)

    def load(self, url: str, timeout: float = 300) -> float:
        """Open `url` and wait for its load event; return the seconds from navigation
        start to the end of the load event (performance timing, as the browser counts)."""
        self.page("Page.enable")
        self.events.clear()
        self.page("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired", timeout)
        millis = self.js(
            "(() => { const t = performance.getEntriesByType('navigation')[0];"
            " return t ? t.loadEventEnd : null; })()"
        )
        return float(millis) / 1000 if millis is not None else float("nan")

    def js(self, expression: str):
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(expression)

    def click(self, selector: str) -> None:
        box = self.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        x, y = box
        for kind in ("mousePressed", "mouseReleased"):
            self.page("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def close(self) -> None:
        with contextlib.suppress(OSError, TimeoutError, RuntimeError, ConnectionError):
            self.call("Browser.close", timeout=10)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._out)
        os.close(self._in)
        self._log.close()

    def __enter__(self) -> DevTools:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
