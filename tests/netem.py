"""Object storage over an emulated network, for the benchmarks: a small S3-protocol server
that serves the files of a folder, and a TCP proxy in front of it that adds latency to every
request and caps every connection's bandwidth, as a real store across a network does.

- ``S3Folder``: GET (with Range), HEAD and ListObjectsV2 over the files under a folder,
  one bucket per subfolder. Signatures are not checked. Writes are not served: the
  benchmark writes the folder directly. Unlike moto (about 4 ms of server CPU per request),
  it costs a fraction of a millisecond, so the network is what a benchmark measures.
- ``Proxy``: forwards each connection to the server, holding what the client sends for
  ``latency`` seconds (so every request waits that long before the server sees it) and
  sending what the server answers at most ``rate`` bytes a second. It counts connections,
  requests and bytes.

Both run on localhost, each on its own event loop in a thread of the benchmark process.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import os
import threading
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

_METHODS = (b"GET ", b"HEAD ", b"PUT ", b"POST ", b"DELETE ")


@contextmanager
def _serving(
    handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> Iterator[int]:
    """Serve ``handler`` on a free localhost port from a thread; yield the port."""
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(handler, "127.0.0.1", 0, backlog=512))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


# -- the server -------------------------------------------------------------------------------
class S3Folder:
    """The files under ``root``, as S3 objects: ``root/BUCKET/KEY``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.listing: dict[str, list[tuple[str, int]]] = {}  # bucket -> sorted (key, size)

    def _keys(self, bucket: str) -> list[tuple[str, int]]:
        if bucket not in self.listing:
            base = self.root / bucket
            found = []
            for folder, _, files in os.walk(base):
                for name in files:
                    path = Path(folder, name)
                    found.append((path.relative_to(base).as_posix(), path.stat().st_size))
            self.listing[bucket] = sorted(found)
        return self.listing[bucket]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)
                }
                length = int(headers.get("content-length", "0") or 0)
                if length:
                    await reader.readexactly(length)
                status, extra, body = self._answer(method, target, headers)
                send_body = body if method != "HEAD" else b""
                out = [f"HTTP/1.1 {status}\r\n"]
                out += [f"{k}: {v}\r\n" for k, v in extra.items()]
                if "Content-Length" not in extra:
                    out.append(f"Content-Length: {len(body)}\r\n")
                out.append("\r\n")
                writer.write("".join(out).encode("latin-1") + send_body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def _answer(
        self, method: str, target: str, headers: dict[str, str]
    ) -> tuple[str, dict[str, str], bytes]:
        url = urllib.parse.urlsplit(target)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        parts = urllib.parse.unquote(url.path).lstrip("/").split("/", 1)
        bucket, key = parts[0], parts[1] if len(parts) > 1 else ""
        if method not in ("GET", "HEAD"):
            return "405 Method Not Allowed", {}, b""
        if not key:
            if not (self.root / bucket).is_dir():
                return _error("404 Not Found", "NoSuchBucket")
            return "200 OK", {"Content-Type": "application/xml"}, self._list(bucket, query)
        path = self.root / bucket / key
        if not path.is_file():
            return _error("404 Not Found", "NoSuchKey")
        return _object(path, headers.get("range"))

    def _list(self, bucket: str, query: dict[str, str]) -> bytes:
        prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
        limit = int(query.get("max-keys", "1000"))
        after = query.get("continuation-token") or query.get("start-after", "")
        contents: list[tuple[str, int]] = []
        prefixes: list[str] = []
        truncated, last = False, ""
        for key, size in self._keys(bucket):
            if not key.startswith(prefix) or key <= after:
                continue
            if delimiter and delimiter in key[len(prefix) :]:
                common = key[: key.index(delimiter, len(prefix)) + len(delimiter)]
                if common <= after or (prefixes and prefixes[-1] == common):
                    continue
                item, last = common, common
                prefixes.append(item)
            else:
                contents.append((key, size))
                last = key
            if len(contents) + len(prefixes) >= limit:
                truncated = True
                break
        xml = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
            f"<Name>{escape(bucket)}</Name><Prefix>{escape(prefix)}</Prefix>",
            f"<KeyCount>{len(contents) + len(prefixes)}</KeyCount><MaxKeys>{limit}</MaxKeys>",
            f"<Delimiter>{escape(delimiter)}</Delimiter>" if delimiter else "",
            f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>",
        ]
        for key, size in contents:
            xml.append(
                f"<Contents><Key>{escape(key)}</Key><LastModified>2026-01-01T00:00:00.000Z"
                f'</LastModified><ETag>"{_etag(key)}"</ETag><Size>{size}</Size>'
                "<StorageClass>STANDARD</StorageClass></Contents>"
            )
        xml += [f"<CommonPrefixes><Prefix>{escape(p)}</Prefix></CommonPrefixes>" for p in prefixes]
        if truncated:
            xml.append(f"<NextContinuationToken>{escape(last)}</NextContinuationToken>")
        xml.append("</ListBucketResult>")
        return "".join(xml).encode()


def _etag(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _error(status: str, code: str) -> tuple[str, dict[str, str], bytes]:
    body = f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code></Error>'
    return status, {"Content-Type": "application/xml"}, body.encode()


def _object(path: Path, wanted: str | None) -> tuple[str, dict[str, str], bytes]:
    size = path.stat().st_size
    headers = {
        "ETag": f'"{_etag(str(path))}"',
        "Last-Modified": email.utils.formatdate(0, usegmt=True),
        "Accept-Ranges": "bytes",
        "Content-Type": "application/octet-stream",
    }
    start, stop, status = 0, size, "200 OK"
    if wanted and wanted.startswith("bytes="):
        first, _, last = wanted[6:].partition("-")
        if first:
            start, stop = int(first), min(size, int(last) + 1 if last else size)
        else:
            start = max(0, size - int(last))
        if start >= size:
            return "416 Requested Range Not Satisfiable", {"Content-Range": f"bytes */{size}"}, b""
        status = "206 Partial Content"
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    with path.open("rb") as fh:
        fh.seek(start)
        return status, headers, fh.read(stop - start)


@contextmanager
def s3_folder(root: Path) -> Iterator[str]:
    """Serve ``root``'s subfolders as buckets; yield the endpoint URL."""
    with _serving(S3Folder(root).handle) as port:
        yield f"http://127.0.0.1:{port}"


# -- the network ------------------------------------------------------------------------------
@dataclass
class Traffic:
    connections: int = 0
    requests: int = 0
    bytes_down: int = 0


class Proxy:
    """A TCP proxy to ``upstream`` (host, port) adding ``latency`` seconds to what each
    client sends and capping what each connection receives at ``rate`` bytes a second."""

    def __init__(self, upstream: tuple[str, int], latency: float, rate: float) -> None:
        self.upstream, self.latency, self.rate = upstream, latency, rate
        self.traffic = Traffic()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.traffic.connections += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        await asyncio.gather(
            self._delayed(reader, up_writer),
            self._capped(up_reader, writer),
            return_exceptions=True,
        )
        for w in (writer, up_writer):
            w.close()

    async def _delayed(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Client to server: every piece arrives ``latency`` after it was sent, in order."""
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                if not data:
                    writer.write_eof() if writer.can_write_eof() else None
                    return
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                writer.write(data)
                await writer.drain()

        sender = asyncio.ensure_future(deliver())
        try:
            while data := await reader.read(1 << 16):
                if data.startswith(_METHODS):
                    self.traffic.requests += 1
                queue.put_nowait((time.monotonic() + self.latency, data))
        finally:
            queue.put_nowait((0.0, b""))
            await sender

    async def _capped(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Server to client: at most ``rate`` bytes a second on this connection."""
        budget_at = time.monotonic()
        while data := await reader.read(1 << 16):
            self.traffic.bytes_down += len(data)
            budget_at = max(budget_at, time.monotonic()) + len(data) / self.rate
            await asyncio.sleep(max(0.0, budget_at - time.monotonic()))
            writer.write(data)
            await writer.drain()


@contextmanager
def network(
    endpoint: str, latency: float = 0.020, rate: float = 100e6
) -> Iterator[tuple[str, Traffic]]:
    """A proxy in front of ``endpoint``; yield (its endpoint, its traffic counts)."""
    url = urllib.parse.urlsplit(endpoint)
    proxy = Proxy((url.hostname or "127.0.0.1", url.port or 80), latency, rate)
    with _serving(proxy.handle) as port:
        yield f"http://127.0.0.1:{port}", proxy.traffic
