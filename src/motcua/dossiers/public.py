"""What the public may know of a dossier: the status link printed as a QR code."""

from urllib.parse import urlencode

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac


def status_token(code: str) -> str:
    """A short keyed token printed on the receipt's QR code: with the code it opens the
    public status page, and a code alone (guessable) does not."""
    return salted_hmac("motcua.dossier-status", code, algorithm="sha256").hexdigest()[:16]


def status_token_valid(code: str, token: str) -> bool:
    return constant_time_compare(status_token(code), token or "")


def status_url(code: str) -> str:
    query = urlencode({"ma": code, "k": status_token(code)})
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}/tra-cuu/?{query}"
