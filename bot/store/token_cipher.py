"""Encryption of platform tokens at rest, keyed by NEWSBOT_SECRET_KEY.

The key may be a Fernet key (``Fernet.generate_key()``) or any passphrase of at least
``MIN_PASSPHRASE_CHARS`` characters, stretched into one with scrypt. The salt is fixed (and versioned)
because every replica must derive the same key from the same setting with nothing else shared; scrypt's
cost is what slows a guess at a passphrase, so a generated key remains the better choice.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MIN_PASSPHRASE_CHARS = 16
KDF_SALT = b"newsbot/stored-platform-tokens/v1"
GENERATE_HINT = (
    "generate one with: python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\""
)


class SecretKeyError(ValueError):
    """NEWSBOT_SECRET_KEY is missing or too weak; the message says how to make one."""


class TokenDecryptError(ValueError):
    """A stored token does not decrypt: it was written under another NEWSBOT_SECRET_KEY, or damaged."""


class TokenCipher:
    """Encrypts and decrypts short secrets (tokens) as ASCII text for a database column."""

    def __init__(self, fernet_key: bytes) -> None:
        self._fernet = Fernet(fernet_key)

    @classmethod
    def from_secret(cls, secret: str | None) -> TokenCipher:
        """The cipher for a NEWSBOT_SECRET_KEY value; ``SecretKeyError`` when it is unusable."""
        return cls(fernet_key_for(secret))

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, stored: str) -> str:
        try:
            return self._fernet.decrypt(stored.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise TokenDecryptError(
                "a stored token does not decrypt with the current NEWSBOT_SECRET_KEY "
                "(was the key changed? the workspace must reinstall the app)") from exc


def fernet_key_for(secret: str | None) -> bytes:
    """The Fernet key ``secret`` names: itself when it is one, else derived from it with scrypt."""
    if secret is None or not secret.strip():
        raise SecretKeyError(f"NEWSBOT_SECRET_KEY is not set: it encrypts stored tokens; {GENERATE_HINT}")
    secret = secret.strip()
    if _is_fernet_key(secret):
        return secret.encode("ascii")
    if len(secret) < MIN_PASSPHRASE_CHARS:
        raise SecretKeyError(f"NEWSBOT_SECRET_KEY is too short ({len(secret)} characters): use a passphrase of "
                             f"at least {MIN_PASSPHRASE_CHARS} characters, or a Fernet key; {GENERATE_HINT}")
    return _derived(secret)


@lru_cache(maxsize=4)
def _derived(passphrase: str) -> bytes:
    # n=2**15 costs ~0.1 s and 32 MB once per process (cached): cheap at start-up, dear for a guesser.
    kdf = Scrypt(salt=KDF_SALT, length=32, n=2**15, r=8, p=1)
    return base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8")))


def _is_fernet_key(text: str) -> bool:
    if len(text) != 44:
        return False
    try:
        return len(base64.urlsafe_b64decode(text.encode("ascii"))) == 32
    except (binascii.Error, UnicodeError, ValueError):
        return False
