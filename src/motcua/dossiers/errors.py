"""Errors the dossier services raise: each carries a Vietnamese message (shown first) and
its English version, and a stable ``code`` that the API returns."""

from dataclasses import dataclass, field


@dataclass
class DossierError(Exception):
    code: str
    message_vi: str
    message_en: str
    details: dict = field(default_factory=dict)
    status: int = 400

    def __str__(self) -> str:
        return f"{self.message_vi} / {self.message_en}"


class Conflict(DossierError):
    """Someone else changed the dossier first; reload and try again (HTTP 409)."""

    def __init__(self, message_vi: str, message_en: str, **details):
        super().__init__("conflict", message_vi, message_en, details, 409)


class Refused(DossierError):
    """The move is not allowed now (illegal transition, missing input, wrong role)."""

    def __init__(self, code: str, message_vi: str, message_en: str, **details):
        super().__init__(code, message_vi, message_en, details, 400)


class Forbidden(DossierError):
    def __init__(self, message_vi: str, message_en: str, **details):
        super().__init__("forbidden", message_vi, message_en, details, 403)
