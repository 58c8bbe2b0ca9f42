"""Results kept by the content of what made them, in the build's working folder, so that a
build does again only the work whose input changed (issue 24): a month's protection search,
whose tables stay the same from one release to the next once its values are final.

An entry's name is the SHA-256 of the code that made it (the source of the modules it names,
numpy's version) and of its whole input, pickled; so a different input or different code can
only miss, never find another's result. Entries are numpy arrays in an .npz file, read without
pickle (a damaged or foreign file is a miss, not code run). The keys are hashes of unprotected
values, small counts among them: the cache stays in the private working folder, never in the
site (someone who held a key could try values until one hashed to it)."""

from __future__ import annotations

import hashlib
import inspect
import os
import pickle
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np

from jobtal.log import log

PICKLE_PROTOCOL = 5  # fixed, so that the same input hashes alike under a later Python
KEY = "_key"  # the array of an entry that names its key


class ContentCache:
    """Arrays kept under `folder`, by the content of their input and of `code`."""

    def __init__(self, folder: Path | None, code: list[ModuleType]):
        self.folder = folder
        fingerprint = hashlib.sha256(f"numpy {np.__version__}\n".encode())
        for module in code:
            fingerprint.update(inspect.getsource(module).encode())
        self.code = fingerprint.digest()
        self.hits = self.misses = 0
        self.unwritable = False

    def key(self, given: object) -> str:
        digest = hashlib.sha256(self.code)
        digest.update(pickle.dumps(given, protocol=PICKLE_PROTOCOL))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.npz"

    def load(
        self, key: str, fits: Callable[[dict[str, np.ndarray]], bool]
    ) -> dict[str, np.ndarray] | None:
        """The arrays stored under `key` if `fits` them, else None (none stored, a file that
        is not one, or arrays not of the shape the result must have)."""
        found = None
        if self.folder is not None:
            try:
                with np.load(self._path(key), allow_pickle=False) as entry:
                    found = {name: entry[name] for name in entry.files}
            except (OSError, ValueError, EOFError, zipfile.BadZipFile):
                found = None
            # an entry names its key: a file copied or moved under another name is a miss
            if found is None or found.pop(KEY, np.zeros(0)).tobytes() != bytes.fromhex(key):
                found = None
            elif not fits(found):
                found = None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def store(self, key: str, arrays: dict[str, np.ndarray]) -> None:
        """Keep `arrays` under `key`: written whole or not at all (a rename). A cache that
        cannot be written to (a full disk, no permission) is said once and then left alone:
        the build does not depend on it."""
        if self.folder is None or self.unwritable:
            return
        path = self._path(key)
        partial = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, partial = tempfile.mkstemp(dir=path.parent, suffix=".partial")
            with os.fdopen(descriptor, "wb") as file:
                np.savez_compressed(
                    file, **arrays, **{KEY: np.frombuffer(bytes.fromhex(key), np.uint8)}
                )
            os.replace(partial, path)
        except OSError as error:
            self.unwritable = True
            log(f"  cache {self.folder}: nothing more kept there ({error})")
        finally:
            if partial is not None:
                Path(partial).unlink(missing_ok=True)
