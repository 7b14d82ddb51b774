"""Encrypted staging of raw (identified) records before de-identification.

Raw notes are never written in clear: when records must leave memory before de-identification
(partitions handed to parallel workers), each partition is serialised, encrypted with Fernet
(AES-128-CBC with HMAC-SHA256) and written to a private temporary folder, which is removed when
the stage closes. The Fernet key is derived with HKDF-SHA256 from secret material of the
de-identification key and exists in memory only; it is never written anywhere.
"""

from __future__ import annotations

import base64
import json
import logging
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from types import TracebackType

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from clinicode.errors import InputError
from clinicode.schema import NoteRecord

logger = logging.getLogger(__name__)

# A fixed, public context string: it separates this key from any other use of the same secret.
_HKDF_INFO = b"clinicode/raw-staging/v1"
_HKDF_SALT = b"clinicode-staging-salt"


def derive_staging_key(secret: bytes) -> bytes:
    """Fernet key derived from ``secret`` with HKDF-SHA256 (32 bytes, url-safe base64).

    Args:
        secret: Key material tied to the de-identification key (at least 16 bytes).

    Returns:
        A Fernet key; the same secret always gives the same key.
    """
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(
        secret
    )
    return base64.urlsafe_b64encode(raw)


def encrypt_records(records: list[NoteRecord], key: bytes) -> bytes:
    """Fernet token of the records serialised as JSON (identifiers included)."""
    payload = json.dumps([asdict(record) for record in records], ensure_ascii=False)
    return Fernet(key).encrypt(payload.encode("utf-8"))


def decrypt_records(token: bytes, key: bytes) -> list[NoteRecord]:
    """Records back from a token of ``encrypt_records``.

    Raises:
        InputError: The token was altered or encrypted with another key (no content quoted).
    """
    try:
        payload = Fernet(key).decrypt(token)
    except InvalidToken as exc:
        raise InputError("staging", "staged partition cannot be decrypted with this key") from exc
    return [NoteRecord(**item) for item in json.loads(payload.decode("utf-8"))]


def read_partition(path: str, key: bytes, delete: bool = True) -> list[NoteRecord]:
    """Decrypt a staged partition file and, by default, delete it once read."""
    file = Path(path)
    records = decrypt_records(file.read_bytes(), key)
    if delete:
        file.unlink(missing_ok=True)
    return records


class EncryptedStage:
    """A private temporary folder of encrypted partitions, removed on close.

    Args:
        secret: Key material the Fernet key is derived from (kept in memory only).
        parent: Folder to create the stage in (default: the system temporary folder).
    """

    def __init__(self, secret: bytes, parent: Path | None = None) -> None:
        self.key = derive_staging_key(secret)
        self.folder = Path(tempfile.mkdtemp(prefix="clinicode-stage-", dir=parent))
        self.folder.chmod(0o700)  # raw notes, even encrypted, are for this user only
        self._count = 0

    def put(self, records: list[NoteRecord]) -> Path:
        """Encrypt a partition to a new file of the stage and return its path."""
        path = self.folder / f"part-{self._count:06d}.fernet"
        self._count += 1
        path.write_bytes(encrypt_records(records, self.key))
        return path

    def close(self) -> None:
        """Delete every staged file and the folder."""
        shutil.rmtree(self.folder, ignore_errors=True)
        logger.debug("staging folder removed (%d partitions staged)", self._count)

    def __enter__(self) -> EncryptedStage:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
