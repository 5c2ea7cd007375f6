"""Setting up the development provider fails loudly, with what to do."""

import pytest

from tests.identity import oidc_provider


def test_a_missing_node_is_a_clear_error_not_a_skip(monkeypatch):
    monkeypatch.setattr(oidc_provider.shutil, "which", lambda name: None)
    with pytest.raises(oidc_provider.ProviderError, match=r"Node\.js is needed"):
        oidc_provider.start(redirect_uris=["http://127.0.0.1:8000/oidc/callback/"])
