"""Byte-level helpers every published file goes through: deterministic gzip and checksums."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path


def gzip_file(source: Path, target: Path) -> None:
    """Deterministic gzip: no file name and no time in the header."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as raw, target.open("wb") as out:
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=6) as gz:
            shutil.copyfileobj(raw, gz, 1 << 20)


def write_gzipped(data: bytes, target: Path) -> None:
    """`data` as a deterministic gzip file (as gzip_file writes one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=6) as gz:
            gz.write(data)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
