"""What the page benchmarks share: a static host for a built site and a cold page load in
headless Chromium (the system's) that counts the bytes transferred (scripts/bench_tabel.py,
scripts/bench_profile.py)."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import shutil
import threading
from pathlib import Path

# as tests/conftest.py starts it (scripts cannot import the tests)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
COMPRESSED = (".html", ".js", ".css", ".json", ".csv", ".svg", ".topojson", ".xml")
PHONE = {"width": 390, "height": 844}


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """A static host: files as they are, text compressed with gzip when the browser accepts
    it (as GitHub Pages and Cloudflare Pages do)."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        if not self.path.split("?")[0].endswith("/") and path.name == "index.html":
            return super().send_head()  # the redirect to the folder's address
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def served(site: Path):
    """The site's address on localhost while the block runs."""
    handler = functools.partial(StaticHost, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextlib.contextmanager
def cold_page(browser, viewport: dict = PHONE, throttle: float = 4):
    """A fresh page with no cache, its CPU slowed `throttle` times (a phone's), and the bytes
    and requests it transfers counted into the returned dict as it loads."""
    phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if throttle > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    transferred = {"bytes": 0, "requests": 0}

    def finished(event):
        transferred["bytes"] += event["encodedDataLength"]
        transferred["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    try:
        yield page, transferred
    finally:
        context.close()
