"""Roles: password hashes, the hash-password command, and who reaches the officer page
(AppTest on the real app: viewers, wrong and right passwords, OIDC with an allow-list,
the write functions refusing a viewer)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from etl import passwords
from etl.cli import main as cli

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PASSWORD = "correct horse battery staple"
FAST = 1_000  # iterations: the minimum, so tests stay fast; real hashes use 600,000


@pytest.mark.parametrize("candidate, expected", [(PASSWORD, True), ("wrong", False), ("", False),
                                                 (PASSWORD.upper(), False), (PASSWORD + " ", False)])
def test_verify_password(candidate, expected):
    stored = passwords.hash_password(PASSWORD, FAST)
    assert passwords.verify_password(candidate, stored) is expected
    assert PASSWORD not in stored


def test_unknown_user_never_verifies():
    assert passwords.verify_password(PASSWORD, None) is False


def test_same_password_gets_a_new_salt_each_time():
    assert passwords.hash_password(PASSWORD, FAST) != passwords.hash_password(PASSWORD, FAST)


@pytest.mark.parametrize("stored", ["", "plaintext", "md5$1000$00$00", "pbkdf2_sha256$10$aa$" + "00" * 32,
                                    "pbkdf2_sha256$x$aa$" + "00" * 32, "pbkdf2_sha256$1000$zz$" + "00" * 32,
                                    "pbkdf2_sha256$1000$aa$00"])
def test_malformed_hashes_are_refused(stored):
    with pytest.raises(passwords.BadHash):
        passwords.verify_password(PASSWORD, stored)


def test_cli_hash_password_prints_a_verifiable_hash():
    result = CliRunner().invoke(cli, ["hash-password", "--iterations", str(FAST)], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    stored = result.output.strip().splitlines()[-1]
    assert stored.startswith("pbkdf2_sha256$1000$")
    assert passwords.verify_password(PASSWORD, stored)


def test_cli_hash_password_refuses_an_empty_password():
    assert CliRunner().invoke(cli, ["hash-password"], input="\n\n").exit_code != 0


# --- who reaches the officer page -------------------------------------------------------------------

@pytest.fixture
def warehouse(reference_db, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(reference_db.read_bytes())
    monkeypatch.setenv("DISPLACEMENT_DB", str(path))
    for name in ("DISPLACEMENT_ENABLE_UPLOAD", "DISPLACEMENT_OFFICER_PASSWORD_HASH", "DISPLACEMENT_OFFICER_NAME"):
        monkeypatch.delenv(name, raising=False)
    return path


def _enable(monkeypatch, with_password: bool = True) -> None:
    monkeypatch.setenv("DISPLACEMENT_ENABLE_UPLOAD", "1")
    if with_password:
        monkeypatch.setenv("DISPLACEMENT_OFFICER_PASSWORD_HASH", passwords.hash_password(PASSWORD, FAST))
        monkeypatch.setenv("DISPLACEMENT_OFFICER_NAME", "amal")


def app(secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if secrets:
        at.secrets.update(secrets)
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def open_sign_in(at: AppTest) -> AppTest:
    at.switch_page("views/officer_sign_in.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="officer_name").input(name)
    at.text_input(key="officer_password").input(password)
    at.button(key="FormSubmitter:officer_sign_in-Sign in").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("page", ["views/officer.py", "views/officer_sign_in.py"])
def test_upload_off_by_default_no_officer_url_at_all(warehouse, page):
    at = app()
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page(page)


def test_viewer_gets_the_sign_in_form_never_the_officer_page(warehouse, monkeypatch):
    _enable(monkeypatch)
    at = app()
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("views/officer.py")
    assert titles(open_sign_in(at)) == ["Data officer sign-in"]
    assert not at.file_uploader


def test_enabled_without_any_login_says_how_to_configure_one(warehouse, monkeypatch):
    _enable(monkeypatch, with_password=False)
    at = open_sign_in(app())
    assert "docs/roles.md" in at.warning[0].value
    assert not at.text_input


@pytest.mark.parametrize("name, password", [("amal", "wrong"), ("someone", PASSWORD)])
def test_wrong_name_or_password_writes_nothing(warehouse, monkeypatch, name, password):
    _enable(monkeypatch)
    before = sha256(warehouse)
    at = sign_in(open_sign_in(app()), name, password)
    assert titles(at) == ["Data officer sign-in"]
    assert "Wrong name or password." in [e.value for e in at.error]
    assert not at.file_uploader
    assert sha256(warehouse) == before


def test_sign_in_locks_after_repeated_failures(warehouse, monkeypatch):
    _enable(monkeypatch)
    at = open_sign_in(app())
    for _ in range(5):
        sign_in(at, "amal", "wrong")
    assert any("locked" in e.value for e in at.error)
    at.run()
    assert "locked" in at.error[0].value
    assert not at.text_input  # even the right password cannot be tried in this session any more


def test_right_password_opens_the_officer_page_and_sign_out_closes_it(warehouse, monkeypatch):
    _enable(monkeypatch)
    at = sign_in(open_sign_in(app()), "amal", PASSWORD)
    assert titles(at) == ["Data officer"]
    assert at.file_uploader
    assert "amal" in at.caption[0].value
    at.button(key="officer_sign_out").click().run()
    assert "Data officer" not in titles(at)
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("views/officer.py")


def test_users_and_flag_from_secrets_toml(warehouse):
    secrets = {"officers": {"enable_upload": True, "users": {"samir": passwords.hash_password(PASSWORD, FAST)}}}
    at = sign_in(open_sign_in(app(secrets)), "samir", PASSWORD)
    assert titles(at) == ["Data officer"]


OIDC = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                 "client_id": "dashboard", "client_secret": "s",
                 "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"}}


@pytest.mark.parametrize("allowed, email, reaches", [
    ([], "anyone@example.org", True),
    (["officer@example.org"], "Officer@example.org", True),
    (["officer@example.org"], "viewer@example.org", False),
])
def test_oidc_officer_and_allow_list(warehouse, allowed, email, reaches):
    secrets = OIDC | {"officers": {"enable_upload": True, "allowed_emails": allowed}}
    at = app(secrets, user={"is_logged_in": True, "email": email})
    if reaches:
        at.switch_page("views/officer.py").run()
        assert titles(at) == ["Data officer"]
        assert email.lower().replace(".", "\\.") in at.caption[0].value  # markdown-escaped
    else:
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page("views/officer.py")
        assert "not on the data officers' list" in open_sign_in(at).error[0].value


def test_oidc_signed_out_user_sees_the_provider_button(warehouse):
    at = open_sign_in(app(OIDC | {"officers": {"enable_upload": True}}, user={"is_logged_in": False}))
    assert at.button(key="oidc_None").label == "Sign in with your organisation account"


def _writes_as_viewer(db: str, file: str) -> None:
    """A page that skips the navigation and calls the write functions directly."""
    from pathlib import Path

    import streamlit as st

    from dashboard import auth

    for attempt in (lambda: auth.load_as_officer(Path(file), Path(db)), lambda: auth.rollback_as_officer(Path(db), 1)):
        try:
            attempt()
            st.text("written")
        except auth.NotAnOfficer as exc:
            st.text(f"refused: {exc}")


def test_write_functions_refuse_a_viewer_even_when_called_directly(warehouse, monkeypatch, real_data):
    _enable(monkeypatch)
    before = sha256(warehouse)
    at = AppTest.from_function(_writes_as_viewer, args=(str(warehouse), str(real_data / "idp_movements" / "idp_1.xlsx")),
                               default_timeout=60).run()
    assert [t.value for t in at.text] == ["refused: only a signed-in data officer can change the warehouse"] * 2
    assert sha256(warehouse) == before


def test_direct_run_of_the_officer_page_file_stops(warehouse, monkeypatch):
    _enable(monkeypatch)
    at = AppTest.from_file(str(ROOT / "dashboard" / "views" / "officer.py"), default_timeout=60).run()
    assert [e.value for e in at.error] == ["Only a signed-in data officer can use this page."]
    assert not at.file_uploader
