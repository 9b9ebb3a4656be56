"""One data set of the session as a value: a file, several exports read as one, or files on the server
(:class:`Upload`), and how one is made from what the user gave.  No session state here: :mod:`ui.state` keeps
the session's data sets and what a new one resets."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Upload:
    """One data set of the session: a file, or several exports of the same shape read as one.

    ``name`` and ``data`` are the file (for several: the names joined with " + ", and the first file's bytes);
    ``parts`` holds every (name, bytes) when there are several; ``digest`` is the SHA-256 of the bytes (of the
    parts' digests in order, for several).
    """

    name: str
    data: bytes
    digest: str
    file_id: str = ""
    parts: tuple[tuple[str, bytes], ...] = ()
    # Files or folders on the server read by the engine (ui.server_source) instead of uploaded bytes; then
    # ``data`` is empty and ``digest`` names the paths.  () for an upload.
    paths: tuple[str, ...] = ()

    @property
    def on_server(self) -> bool:
        """True for server data (read by DuckDB from :attr:`paths`), False for an upload."""
        return bool(self.paths)

    @property
    def files(self) -> tuple[tuple[str, bytes], ...]:
        """Every file as (name, bytes), in the order given."""
        return self.parts or ((self.name, self.data),)

    @property
    def size(self) -> int:
        return sum(len(data) for _, data in self.files)

    def sources(self) -> tuple[tuple[str, str], ...]:
        """(name, SHA-256) of each file, for the list's provenance."""
        if not self.parts:
            return ((self.name, self.digest),)
        return tuple((name, hashlib.sha256(data).hexdigest()) for name, data in self.parts)


def make_upload(files: list[tuple[str, bytes]], *, file_id: str = "") -> Upload:
    """One Upload of one or several files (several: read as one table, overlapping lines counted once)."""
    if len(files) == 1:
        name, data = files[0]
        return Upload(name=name, data=data, digest=hashlib.sha256(data).hexdigest(), file_id=file_id)
    digests = "".join(hashlib.sha256(data).hexdigest() for _, data in files)
    return Upload(name=" + ".join(name for name, _ in files), data=files[0][1],
                  digest=hashlib.sha256(digests.encode()).hexdigest(), file_id=file_id, parts=tuple(files))


def make_server_upload(paths: tuple[str, ...], name: str) -> Upload:
    """The session's orders read from files on the server (no bytes: the digest names the paths; the cache key
    adds each file's size and modification time, see :func:`raw_key`)."""
    digest = hashlib.sha256("\n".join(("server", *paths)).encode()).hexdigest()
    return Upload(name=name, data=b"", digest=digest, file_id=f"server:{digest[:16]}", paths=tuple(paths))
