"""Hashed passwords for the data-officer login when no OIDC provider is configured.

Only a hash is ever stored (in .streamlit/secrets.toml or an environment
variable), in the form `pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`;
`python -m etl hash-password` makes one. The iteration count travels with the
hash, so it can be raised later without breaking the hashes already issued.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
MIN_ITERATIONS = 1_000  # below this a stored hash is refused as misconfigured
_DUMMY = f"{SCHEME}${ITERATIONS}${'00' * 16}${'00' * 32}"


class BadHash(ValueError):
    """A configured hash that is not in the pbkdf2_sha256$iterations$salt$hash form."""


def hash_password(password: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """A new salted hash of `password`, ready to paste into secrets.toml."""
    if not password:
        raise ValueError("the password is empty")
    if iterations < MIN_ITERATIONS:
        raise ValueError(f"use at least {MIN_ITERATIONS} iterations")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def parse(stored: str) -> tuple[int, bytes, bytes]:
    """(iterations, salt, digest) of a stored hash; BadHash says what is wrong with it."""
    parts = str(stored).strip().split("$")
    if len(parts) != 4 or parts[0] != SCHEME:
        raise BadHash(f"expected {SCHEME}$<iterations>$<salt>$<hash> (make one with `python -m etl hash-password`)")
    try:
        iterations, salt, digest = int(parts[1]), bytes.fromhex(parts[2]), bytes.fromhex(parts[3])
    except ValueError as exc:
        raise BadHash(f"iterations, salt or hash is malformed: {exc}") from exc
    if iterations < MIN_ITERATIONS or not salt or len(digest) != 32:
        raise BadHash(f"needs at least {MIN_ITERATIONS} iterations, a salt and a 32-byte hash")
    return iterations, salt, digest


def verify_password(password: str, stored: str | None) -> bool:
    """True only when `password` matches `stored`; compared in constant time.

    An unknown user (stored None) still costs one hash, so the time taken does
    not tell an attacker which names exist.
    """
    iterations, salt, digest = parse(_DUMMY if stored is None else stored)
    candidate = hashlib.pbkdf2_hmac("sha256", (password or "").encode("utf-8"), salt, iterations)
    return hmac.compare_digest(candidate, digest) and stored is not None and bool(password)
