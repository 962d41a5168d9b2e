"""Attachment checks: the type comes from the content (magic bytes), never from the name or the browser."""

from __future__ import annotations

from typing import IO

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

# content type -> (file extension, predicate on the first bytes)
_SIGNATURES: dict[str, tuple[str, bytes]] = {
    "application/pdf": (".pdf", b"%PDF-"),
    "image/png": (".png", b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": (".jpg", b"\xff\xd8\xff"),
}


class AttachmentRejected(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # "too_large", "empty", "type"


def sniff(head: bytes) -> str | None:
    for content_type, (_ext, magic) in _SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


def check_upload(stream: IO[bytes], size: int) -> tuple[str, str]:
    """Returns (content_type, extension) or raises AttachmentRejected. Reads only the first bytes."""
    if size <= 0:
        raise AttachmentRejected("empty")
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentRejected("too_large")
    position = stream.tell()
    head = stream.read(16)
    stream.seek(position)
    content_type = sniff(head)
    if content_type is None:
        raise AttachmentRejected("type")
    if content_type == "application/pdf":
        # A PDF also ends with %%EOF near its end; a renamed text file or executable does not.
        stream.seek(max(0, size - 1024))
        tail = stream.read()
        stream.seek(position)
        if b"%%EOF" not in tail:
            raise AttachmentRejected("type")
    return content_type, _SIGNATURES[content_type][0]
