"""The JSON API at ``/api/v1`` (django-ninja): one router per domain app, OpenAPI served
offline. Endpoints parse, check access, call the domain services and serialise; they never
change state themselves (STYLE.md 4, 13, 14)."""
