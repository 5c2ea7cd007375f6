"""Checking uploaded files before anything is stored: type by extension AND content,
size limit, and a safe stored name."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings

from motcua.dossiers.errors import Refused

# Extension → (content type, the bytes the file must start with).
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


@dataclass(frozen=True)
class CheckedUpload:
    safe_name: str
    content_type: str
    size: int
    sha256: str


def _safe_name(name: str, extension: str) -> str:
    stem = unicodedata.normalize("NFKD", PurePath(name).stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:80] or "tep"
    return f"{stem}{extension}"


def checked_upload(name: str, content: bytes) -> CheckedUpload:
    extension = PurePath(name or "").suffix.lower()
    if extension not in ALLOWED:
        raise Refused(
            "file_type",
            f"Tệp “{name}” không được chấp nhận: chỉ nhận PDF, JPEG hoặc PNG.",
            f"File '{name}' is not accepted: only PDF, JPEG or PNG.",
            file=name,
        )
    limit = settings.MOTCUA_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise Refused(
            "file_too_large",
            f"Tệp “{name}” vượt quá dung lượng cho phép ({limit // (1024 * 1024)} MB).",
            f"File '{name}' is larger than the limit ({limit // (1024 * 1024)} MB).",
            file=name,
            size=len(content),
        )
    if not content:
        raise Refused("file_empty", f"Tệp “{name}” rỗng.", f"File '{name}' is empty.", file=name)
    content_type, signatures = ALLOWED[extension]
    if not content.startswith(signatures):
        raise Refused(
            "file_content_mismatch",
            f"Nội dung tệp “{name}” không đúng định dạng {extension[1:].upper()}.",
            f"The content of '{name}' is not a {extension[1:].upper()} file.",
            file=name,
        )
    return CheckedUpload(
        safe_name=_safe_name(name, extension),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
