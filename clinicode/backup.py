"""Backup and restore of MLflow's database, the artifact store and the audit log.

A backup is one folder ``clinicode-backup-<UTC time>`` holding a dump of each database (SQLite
through its online backup API, PostgreSQL through ``pg_dump``), the artifact folder as a tar
archive, and ``manifest.json`` with a SHA-256 per file plus the audit log's record count and head
hash. ``restore`` checks every checksum before it touches anything, restores, then verifies the
audit chain end to end and that it ends on the backed-up head. Stop the servers (and workers)
before a restore: it replaces the databases underneath them.

An S3 artifact root is not archived here: use the bucket's versioning or replication instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from clinicode.config import Workspace
from clinicode.errors import ConfigError, GovernanceError
from clinicode.io import write_text_atomic
from clinicode.servers import Servers, is_http, redact

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
ARTIFACTS_FILE = "artifacts.tar.gz"


@dataclass(frozen=True)
class Stores:
    """What a backup covers.

    Attributes:
        mlflow_db: SQLAlchemy URL of MLflow's backend store.
        artifact_root: Local artifact folder, or None when artifacts live in an object store.
        audit_url: SQLAlchemy URL of the audit log.
    """

    mlflow_db: str
    artifact_root: Path | None
    audit_url: str


def stores_of(workspace: Workspace, servers: Servers) -> Stores:
    """The stores of this configuration.

    Raises:
        ConfigError: MLflow is a tracking server and ``servers.mlflow_backend_store`` is unset,
            so its database is unknown.
    """
    mlflow_db = servers.mlflow_backend_store
    if not mlflow_db:
        if is_http(workspace.mlflow_uri):
            raise ConfigError(
                f"MLflow is the server {redact(workspace.mlflow_uri)}: set "
                "servers.mlflow_backend_store (or CLINICODE_MLFLOW_BACKEND_STORE) to its database"
            )
        mlflow_db = workspace.mlflow_uri
    root = servers.artifact_root
    if root and urlsplit(root).scheme not in ("", "file"):
        logger.warning("artifact root %s is an object store: not archived", redact(root))
        artifacts = None
    else:
        artifacts = Path(urlsplit(root).path if root else workspace.mlflow_artifacts)
    return Stores(mlflow_db, artifacts, workspace.audit_url)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _url_parts(url: str):
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"{redact(url)}: backup supports SQLite and PostgreSQL, not {backend}")
    return parsed


def _pg_command(tool: str, parsed, *args: str) -> tuple[list[str], dict[str, str]]:
    """A libpq tool's argument list and environment (the password goes in env, not argv)."""
    command = [tool, "--host", parsed.host or "127.0.0.1", "--port", str(parsed.port or 5432)]
    command += ["--username", parsed.username or "postgres", "--dbname", parsed.database, *args]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return command, env


def _run_tool(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise ConfigError(f"{command[0]} not found: install the PostgreSQL client tools")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1][:300]
        raise ConfigError(f"{command[0]} failed (exit {done.returncode}): {last}")


def dump_database(url: str, target: Path) -> Path:
    """Write a consistent copy of the database at ``url`` to ``target`` (suffix added).

    Returns:
        The file written: ``<target>.sqlite`` or ``<target>.pgdump`` (pg_dump custom format).
    """
    parsed = _url_parts(url)
    if parsed.get_backend_name() == "sqlite":
        out = target.with_suffix(".sqlite")
        source = Path(parsed.database)
        if not source.exists():
            raise ConfigError(f"{source}: database file not found")
        # The online backup API copies a consistent snapshot even while others write.
        with sqlite3.connect(source) as src, sqlite3.connect(out) as dst:
            src.backup(dst)
        return out
    out = target.with_suffix(".pgdump")
    command, env = _pg_command("pg_dump", parsed, "--format=custom", "--no-owner", "--file")
    _run_tool([*command, str(out)], env)
    return out


def load_database(url: str, dump: Path) -> None:
    """Replace the database at ``url`` with the contents of ``dump``."""
    parsed = _url_parts(url)
    if parsed.get_backend_name() == "sqlite":
        if dump.suffix != ".sqlite":
            raise ConfigError(f"{dump}: not a SQLite dump, cannot restore into {redact(url)}")
        target = Path(parsed.database)
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(dump, staged)
        os.replace(staged, target)
        return
    if dump.suffix != ".pgdump":
        raise ConfigError(f"{dump}: not a pg_dump file, cannot restore into {redact(url)}")
    command, env = _pg_command("pg_restore", parsed, "--clean", "--if-exists", "--no-owner")
    _run_tool([*command, "--single-transaction", str(dump)], env)


def archive_folder(folder: Path, out: Path) -> Path:
    """Archive ``folder`` (an empty archive when it does not exist yet)."""
    with tarfile.open(out, "w:gz") as tar:
        if folder.exists():
            tar.add(folder, arcname=".")
    return out


def extract_folder(archive: Path, folder: Path) -> None:
    """Replace ``folder`` with the archive's contents (swap by rename: no half-restored folder)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(staged, filter="data")  # "data" refuses absolute paths and links out
    old = folder.with_name(f".{folder.name}.old")
    if folder.exists():
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
    staged.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def _audit_state(url: str) -> dict:
    from governance.audit import AuditLog

    log = AuditLog(url)
    try:
        result = log.verify()
        records = log.records()
    finally:
        log.close()
    head = records[-1]["hash"] if records else None
    return {"ok": result.ok, "n_records": result.n_records, "head_hash": head}


def backup(stores: Stores, dest: Path) -> dict:
    """Back up MLflow's database, the artifact folder and the audit log into a new folder.

    Args:
        stores: What to back up (``stores_of``).
        dest: Parent folder; the backup goes to ``dest/clinicode-backup-<UTC time>``.

    Returns:
        The manifest, with ``path`` set to the backup folder.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = dest / f"clinicode-backup-{stamp}"
    dest.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=".backup.", dir=dest))
    audit = _audit_state(stores.audit_url)
    if not audit["ok"]:
        logger.warning("the audit chain does not verify; backing it up as it is")
    files = [dump_database(stores.mlflow_db, staged / "mlflow")]
    if stores.artifact_root is not None:
        files.append(archive_folder(stores.artifact_root, staged / ARTIFACTS_FILE))
    files.append(dump_database(stores.audit_url, staged / "audit"))
    manifest = {
        "created": stamp,
        "sources": {
            "mlflow_db": redact(stores.mlflow_db),
            "artifact_root": str(stores.artifact_root) if stores.artifact_root else None,
            "audit_url": redact(stores.audit_url),
        },
        "files": {f.name: {"sha256": _sha256(f), "bytes": f.stat().st_size} for f in files},
        "audit": audit,
    }
    write_text_atomic(staged / MANIFEST, json.dumps(manifest, indent=2))
    staged.rename(final)
    logger.info("backup of %d files written to %s", len(files), final)
    return {**manifest, "path": str(final)}


def read_manifest(folder: Path) -> dict:
    """The backup's manifest, after checking every file against its SHA-256.

    Raises:
        ConfigError: No readable manifest, or a file is missing or altered.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{folder / MANIFEST}: not a readable backup manifest") from exc
    for name, expected in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            raise ConfigError(f"{path}: file of the backup is missing")
        if _sha256(path) != expected["sha256"]:
            raise ConfigError(f"{path}: checksum differs from {MANIFEST}; backup altered")
    return manifest


def _file_named(manifest: dict, folder: Path, stem: str) -> Path:
    names = [n for n in manifest["files"] if Path(n).stem == stem and n != ARTIFACTS_FILE]
    if len(names) != 1:
        raise ConfigError(f"{folder / MANIFEST}: no single '{stem}' dump listed")
    return folder / names[0]


def restore(stores: Stores, folder: Path) -> dict:
    """Restore a backup into ``stores``, then verify the audit chain.

    Args:
        stores: Where to restore (the stores of this configuration).
        folder: A folder written by ``backup``.

    Returns:
        What was restored and the audit check (``ok``, ``n_records``, ``head_hash``).

    Raises:
        ConfigError: The backup is incomplete or altered, or a tool failed.
        GovernanceError: The restored audit log does not verify or does not end on the backed-up
            head (nothing is rolled back: restore another backup).
    """
    manifest = read_manifest(folder)
    load_database(stores.mlflow_db, _file_named(manifest, folder, "mlflow"))
    restored = ["mlflow"]
    if ARTIFACTS_FILE in manifest["files"] and stores.artifact_root is not None:
        extract_folder(folder / ARTIFACTS_FILE, stores.artifact_root)
        restored.append("artifacts")
    load_database(stores.audit_url, _file_named(manifest, folder, "audit"))
    restored.append("audit")
    audit = _audit_state(stores.audit_url)
    expected = manifest["audit"]
    if not audit["ok"] or audit["head_hash"] != expected["head_hash"]:
        raise GovernanceError(
            f"restored audit log from {folder} does not verify: {audit['n_records']} records, "
            f"head {audit['head_hash']}, expected head {expected['head_hash']}"
        )
    logger.info("restored %s from %s; audit chain verified", ", ".join(restored), folder)
    return {"restored": restored, "audit": audit, "from": str(folder)}
