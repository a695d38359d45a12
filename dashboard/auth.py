"""Who may change data: viewing is open, loading and rolling back need a data officer.

Two ways to sign in (docs/roles.md):
- OIDC through Streamlit (`st.login`) when `.streamlit/secrets.toml` has an
  `[auth]` section; optionally only the e-mails in `[officers] allowed_emails`.
- Otherwise a local password, stored only as a PBKDF2 hash
  (`[officers] users = { name = "pbkdf2_sha256$..." }` in secrets.toml, or
  $DISPLACEMENT_OFFICER_PASSWORD_HASH with $DISPLACEMENT_OFFICER_NAME).

The whole officer area stays off until it is switched on
($DISPLACEMENT_ENABLE_UPLOAD=1 or `[officers] enable_upload = true`).

Defence in depth: the officer page is added to the navigation only for a
signed-in officer (so its URL shows the sign-in form to anyone else), and the
write functions below check the role again before touching the warehouse.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from etl import passwords

ENABLE_ENV = "DISPLACEMENT_ENABLE_UPLOAD"
HASH_ENV = "DISPLACEMENT_OFFICER_PASSWORD_HASH"
NAME_ENV = "DISPLACEMENT_OFFICER_NAME"
URL_PATH = "officer"
MAX_FAILURES = 5
_IDENTITY = "_officer_identity"   # an Officer instance: no widget can put one there
_FAILURES = "_officer_failed_sign_ins"


@dataclass(frozen=True)
class Officer:
    """A signed-in data officer; `name` is what the load history records as loaded_by."""

    name: str
    method: str  # "oidc" | "password"


class NotAnOfficer(PermissionError):
    """A write was attempted without a signed-in data officer."""


def _section(name: str) -> dict:
    """A secrets.toml section as a dict ({} when there is no secrets file or no such section)."""
    try:
        return dict(st.secrets.get(name) or {})
    except Exception:  # no secrets.toml at all: Streamlit raises rather than returning nothing
        return {}


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def upload_enabled() -> bool:
    """The officer area is off unless switched on (env or secrets)."""
    return _truthy(os.environ.get(ENABLE_ENV, "")) or _truthy(_section("officers").get("enable_upload", ""))


def oidc_providers() -> list[str | None]:
    """Configured OIDC providers: [None] for the default `[auth]` provider, else the named sub-sections."""
    auth = _section("auth")
    if auth.get("client_id"):
        return [None]
    return [name for name, value in auth.items() if isinstance(value, dict) and value.get("client_id")]


def allowed_emails() -> set[str]:
    return {str(e).strip().lower() for e in _section("officers").get("allowed_emails", []) if str(e).strip()}


def password_users() -> dict[str, str]:
    """name -> stored hash, from secrets.toml and the environment."""
    users = {str(k): str(v) for k, v in dict(_section("officers").get("users") or {}).items()}
    if os.environ.get(HASH_ENV):
        users[os.environ.get(NAME_ENV) or "officer"] = os.environ[HASH_ENV]
    return users


def login_configured() -> bool:
    return bool(oidc_providers() or password_users())


def _oidc_officer() -> Officer | None:
    if not oidc_providers():
        return None
    try:
        user = st.user
        if not user.get("is_logged_in"):
            return None
        email = str(user.get("email") or "").lower()
    except Exception:
        return None
    allowed = allowed_emails()
    if allowed and email not in allowed:
        return None
    return Officer(email or str(user.get("name") or "oidc user"), "oidc")


def current_officer() -> Officer | None:
    """The signed-in data officer of this session, or None for a viewer."""
    if not upload_enabled():
        return None
    officer = _oidc_officer()
    if officer:
        return officer
    identity = st.session_state.get(_IDENTITY)
    if isinstance(identity, Officer) and identity.method == "password" and identity.name in password_users():
        return identity
    return None


def require_officer() -> Officer:
    """The officer, or NotAnOfficer: every write calls this, whatever page asked for it."""
    officer = current_officer()
    if officer is None:
        raise NotAnOfficer("only a signed-in data officer can change the warehouse")
    return officer


def sign_in(name: str, password: str) -> Officer | None:
    """Check a local password; remember the officer for this session on success."""
    failures = st.session_state.get(_FAILURES, 0)
    if failures >= MAX_FAILURES:
        return None
    stored = password_users().get((name or "").strip())
    try:
        ok = passwords.verify_password(password, stored)
    except passwords.BadHash:
        ok = False
    if not ok:
        st.session_state[_FAILURES] = failures + 1
        return None
    officer = Officer(name.strip(), "password")
    st.session_state[_IDENTITY] = officer
    st.session_state[_FAILURES] = 0
    return officer


def sign_out() -> None:
    st.session_state.pop(_IDENTITY, None)
    if _oidc_officer() is not None:
        st.logout()


def sign_in_page() -> None:
    """The sign-in form, shown at the officer URL to anyone who is not a signed-in officer."""
    st.title("Data officer sign-in")
    st.caption("Viewing the dashboard needs no account. Loading, correcting or rolling back data does.")
    if not login_configured():
        st.warning("No data-officer login is configured on this server. See docs/roles.md: "
                   "an OIDC provider in .streamlit/secrets.toml or a password hash from `python -m etl hash-password`.")
        return
    if oidc_providers() and st.user.get("is_logged_in") and _oidc_officer() is None:
        st.error("You are signed in, but your e-mail address is not on the data officers' list.")
    for provider in oidc_providers():
        if st.button(f"Sign in with {provider or 'your organisation account'}", key=f"oidc_{provider}"):
            st.login(provider) if provider else st.login()
    if password_users():
        _password_form()


def _password_form() -> None:
    if st.session_state.get(_FAILURES, 0) >= MAX_FAILURES:
        st.error(f"{MAX_FAILURES} wrong passwords: sign-in is locked for this session. Reload the page later.")
        return
    with st.form("officer_sign_in"):
        name = st.text_input("Name", key="officer_name")
        password = st.text_input("Password", type="password", key="officer_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        if sign_in(name, password):
            st.rerun()
        st.error("Wrong name or password.")
        if st.session_state.get(_FAILURES, 0) >= MAX_FAILURES:
            st.error(f"{MAX_FAILURES} wrong passwords: sign-in is locked for this session.")


def officer_pages(views: Path) -> list:
    """What app.py adds to the navigation: nothing, the sign-in form, or the officer page.

    Both use the same URL (/officer), so a bookmark works after signing in and
    reaches only the sign-in form before.
    """
    if not upload_enabled():
        return []
    if current_officer() is None:
        return [st.Page(Path(views) / "officer_sign_in.py", title="Data officer sign-in", url_path=URL_PATH,
                        icon=":material/login:")]
    return [st.Page(Path(views) / "officer.py", title="Data officer", url_path=URL_PATH, icon=":material/upload_file:")]


# Writes, checked again -------------------------------------------------------------------------------

def load_as_officer(path: Path, db_path: Path, *, kind: str | None = None, progress=None, seen: str | None = None):
    """etl.load.load_file with loaded_by = the signed-in officer; refuses anyone else. `seen`: the
    warehouse version the officer's preview checked against (the report names loads landed since)."""
    from etl.load import load_file

    officer = require_officer()
    return load_file(Path(path), Path(db_path), kind=kind, loaded_by=officer.name, progress=progress, seen=seen)


def rollback_as_officer(db_path: Path, load_id: int) -> str:
    """etl.load.rollback for a signed-in officer only."""
    from etl.load import rollback

    officer = require_officer()
    return f"{rollback(Path(db_path), int(load_id), by=officer.name)} (by {officer.name})"


def restore_as_officer(db_path: Path, number: int) -> str:
    """warehouse.db.restore_version for a signed-in officer only."""
    from warehouse.db import restore_version

    officer = require_officer()
    made = restore_version(Path(db_path), int(number), by=officer.name)
    return (f"Version {number} is live again as version {made.number} (by {officer.name}). "
            f"To undo, restore version {made.number - 1}.")
