"""Fetch the releases of the published site, so that the next build can carry them forward
(`jobtal fetch-releases URL`, then `jobtal build --previous DIR`).

Only the releases' own files are fetched (release.json and what it lists), each checked against
its SHA-256; the result is written to a temporary folder and moved into place only when complete.
A site that cannot be reached is an error, never "no releases": a build that silently started
from nothing would drop every earlier release from the site."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

from jobtal.publish.releases import INDEX, RELEASE_FILE, RELEASES, ReleaseError

ATTEMPTS = 3
TIMEOUT_SECONDS = 60


def download(url: str) -> bytes:
    """GET `url`, trying again after a pause when the server or the network fails."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code < 500 or attempt == ATTEMPTS:
                raise
        except (urllib.error.URLError, TimeoutError):
            if attempt == ATTEMPTS:
                raise
        time.sleep(2 * attempt)
    raise AssertionError("unreachable")


def fetch_releases(site_url: str, out: Path, first_release: bool = False) -> list[str]:
    """Copy every release of the site at `site_url` to `out`/releases/; return their names.
    With `first_release`, a site that has no release index yet gives an empty one."""
    base = site_url.rstrip("/") + "/"
    index_url = f"{base}{RELEASES}/{INDEX}"
    try:
        index_bytes = download(index_url)
    except urllib.error.HTTPError as error:
        if error.code == 404 and first_release:
            index_bytes = json.dumps({"releases": []}).encode()
        else:
            raise ReleaseError(f"{index_url}: HTTP {error.code} ({error.reason})") from error
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise ReleaseError(f"{index_url}: cannot be fetched ({error})") from error
    try:
        names = [entry["name"] for entry in json.loads(index_bytes)["releases"]]
    except (ValueError, KeyError, TypeError) as error:
        raise ReleaseError(f"{index_url}: not a release index ({error})") from error

    staging = out.with_name(f".{out.name}.fetching")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for name in names:
            fetch_release(f"{base}{RELEASES}/{name}/", staging / RELEASES / name)
        (staging / RELEASES).mkdir(parents=True, exist_ok=True)
        (staging / RELEASES / INDEX).write_bytes(index_bytes)
        shutil.rmtree(out, ignore_errors=True)
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return names


def fetch_release(url: str, folder: Path) -> None:
    def get(relative: str) -> bytes:
        try:
            return download(url + relative)
        except (urllib.error.URLError, TimeoutError) as error:
            raise ReleaseError(f"{url}{relative}: cannot be fetched ({error})") from error

    description = get(RELEASE_FILE)
    try:
        files = json.loads(description)["files"]
    except (ValueError, KeyError, TypeError) as error:
        raise ReleaseError(f"{url}{RELEASE_FILE}: not a release description ({error})") from error
    for relative, expected in sorted(files.items()):
        content = get(relative)
        if hashlib.sha256(content).hexdigest() != expected["sha256"]:
            raise ReleaseError(
                f"{url}{relative}: the fetched file does not match its checksum in {RELEASE_FILE}"
            )
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (folder / RELEASE_FILE).write_bytes(description)
