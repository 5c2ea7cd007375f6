"""`manage.py check` refuses an eID configuration that cannot work, and says why."""

from motcua.identity.checks import oidc_configuration


def ids(problems):
    return sorted(p.id for p in problems)


def test_no_issuer_means_eid_login_is_off_and_nothing_to_report(settings):
    settings.MOTCUA_OIDC_ISSUER = ""
    assert oidc_configuration(None) == []


def test_an_issuer_needs_client_credentials_and_https(settings):
    settings.MOTCUA_OIDC_ISSUER = "http://eid.example.vn"
    settings.MOTCUA_OIDC_CLIENT_ID = ""
    settings.MOTCUA_OIDC_CLIENT_SECRET = ""
    assert ids(oidc_configuration(None)) == ["identity.E001", "identity.E002"]
    settings.MOTCUA_OIDC_ISSUER = "https://eid.example.vn"
    settings.MOTCUA_OIDC_CLIENT_ID = "motcua"
    settings.MOTCUA_OIDC_CLIENT_SECRET = "secret"
    assert oidc_configuration(None) == []


def test_a_loopback_provider_over_http_is_for_demo_only(settings):
    settings.MOTCUA_OIDC_ISSUER = "http://127.0.0.1:9400"
    settings.MOTCUA_OIDC_CLIENT_ID = "motcua-dev"
    settings.MOTCUA_OIDC_CLIENT_SECRET = "motcua-dev-secret"
    settings.DEMO = False
    assert ids(oidc_configuration(None)) == ["identity.E002"]
    settings.DEMO = True
    assert oidc_configuration(None) == []
