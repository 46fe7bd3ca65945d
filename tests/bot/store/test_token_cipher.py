from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.store.token_cipher import SecretKeyError, TokenCipher, TokenDecryptError, fernet_key_for


def test_a_fernet_key_is_used_as_it_is_and_a_passphrase_is_stretched() -> None:
    key = Fernet.generate_key().decode()

    assert fernet_key_for(key) == key.encode()
    derived = fernet_key_for("correct horse battery staple")
    assert derived == fernet_key_for("correct horse battery staple") != fernet_key_for("correct horse battery stapler")
    Fernet(derived)  # a valid Fernet key


def test_round_trip_and_the_ciphertext_hides_the_token() -> None:
    cipher = TokenCipher.from_secret("a passphrase long enough")
    sealed = cipher.encrypt("xoxb-123-secret")

    assert "xoxb" not in sealed and sealed.startswith("gAAAA")
    assert cipher.decrypt(sealed) == "xoxb-123-secret"


def test_another_key_cannot_read_it() -> None:
    sealed = TokenCipher.from_secret("a passphrase long enough").encrypt("xoxb-1")

    with pytest.raises(TokenDecryptError, match="NEWSBOT_SECRET_KEY"):
        TokenCipher.from_secret("another passphrase, long too").decrypt(sealed)


@pytest.mark.parametrize(("secret", "message"), [(None, "not set"), ("  ", "not set"), ("short", "too short")])
def test_missing_or_weak_keys_are_refused_with_how_to_make_one(secret: str | None, message: str) -> None:
    with pytest.raises(SecretKeyError, match=message) as raised:
        fernet_key_for(secret)

    assert "Fernet.generate_key" in str(raised.value)
