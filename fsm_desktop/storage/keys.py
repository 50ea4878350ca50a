"""A project's key: SQLCipher 4 with its default settings, derived once per opening.

A project file that holds real citizens is encrypted (docs/architecture.md, "Encrypted project
files"). SQLCipher 4 derives the page key from the passphrase with PBKDF2-HMAC-SHA512, 256,000
rounds, over the file's first 16 bytes (its salt). That costs 0.1–0.3 s, and every connection
(a worker's too) would pay it again: so the program derives the key once, here, and gives every
connection the raw key with the salt (``x'<key><salt>'``), which opens in under a millisecond.
The file stays one that standard tools open with the passphrase (the sqlcipher shell, DB
Browser for SQLite, both SQLCipher 4 or newer), for support and recovery.

Nothing here opens the project file with Python: its salt is read by SQLite itself
(``PRAGMA cipher_salt``), because a descriptor this process opens and closes on an open project
drops SQLite's POSIX locks on it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.storage.sqlite import dbapi

#: SQLCipher 4's defaults (kdf_iter, the KDF's hash, the salt's and the key's sizes).
KDF_ITERATIONS = 256_000
KDF_HASH = "sha512"
SALT_BYTES = 16
KEY_BYTES = 32
PAGE_SIZE = 4096
#: The first 16 bytes of every plain SQLite file; an encrypted file starts with its salt.
PLAIN_HEADER = b"SQLite format 3\x00"
#: The shortest password a new project or a change accepts (the dialog says why).
MIN_PASSWORD = 8


class PasswordRequired(KnownError):
    """The project is encrypted and no password was given."""


class WrongPassword(KnownError):
    """The password does not open the project. Nothing was written."""


@dataclass(frozen=True)
class Key:
    """The raw page key and the file's salt. Not printable: a repr shows neither."""

    raw: bytes = field(repr=False)
    salt: bytes = field(repr=False)

    def pragma(self) -> str:
        """What ``PRAGMA key`` / ``set_key`` take: the raw key with the salt (needed for a new
        file, or SQLCipher would pick a random salt the passphrase cannot open)."""
        return f"x'{self.raw.hex()}{self.salt.hex()}'"


def derive(password: str, salt: bytes) -> Key:
    """SQLCipher 4's own derivation: the same key as ``PRAGMA key = 'password'`` on the file."""
    raw = hashlib.pbkdf2_hmac(KDF_HASH, password.encode("utf-8"), salt, KDF_ITERATIONS, KEY_BYTES)
    return Key(raw, salt)


def new_key(password: str) -> Key:
    """The key of a new file: a fresh random salt."""
    return derive(password, secrets.token_bytes(SALT_BYTES))


def file_salt(path: Path) -> bytes | None:
    """The salt of an encrypted project, or None for a plain (or empty) SQLite file. Read by
    SQLite with a dummy key (nothing is decrypted; about 0.1 ms)."""
    size = path.stat().st_size if path.exists() else 0
    if size == 0 or size % PAGE_SIZE:
        return None  # empty, or no database at all (a database is whole pages)
    conn = dbapi.connect(str(path))
    try:
        conn.set_key("x'" + "00" * KEY_BYTES + "'")
        row = conn.execute("PRAGMA cipher_salt").fetchone()
    finally:
        conn.close()
    salt = bytes.fromhex(row[0]) if row and row[0] else b""
    if len(salt) != SALT_BYTES or salt == PLAIN_HEADER:
        return None
    return salt


def is_encrypted(path: Path) -> bool:
    return file_salt(path) is not None


def apply(conn: dbapi.Connection, key: Key | None) -> None:
    """Give a new connection its key, before anything else touches the file."""
    if key is not None:
        conn.set_key(key.pragma())


def password_problem(password: str, again: str | None = None) -> str | None:
    """What is wrong with a new password, in Danish, or None."""
    if len(password) < MIN_PASSWORD:
        return f"Adgangskoden skal have mindst {MIN_PASSWORD} tegn."
    if password != password.strip():
        return "Adgangskoden må ikke begynde eller slutte med mellemrum."
    if again is not None and password != again:
        return "De to adgangskoder er ikke ens."
    return None


#: For the dialogs: what a good password is, and that it cannot be recovered.
PASSWORD_HINT = (
    "Brug mindst 12 tegn – gerne fire-fem tilfældige ord i en sætning, som du kan huske. "
    "Adgangskoden kan ikke genskabes: glemmes den, kan projektet ikke åbnes."
)
