"""The node's Ed25519 keys: one signs the ledger's checkpoints, one cosigns partners' checkpoints.

Stored as C2SP signer keys ("PRIVATE+KEY+…") in TRACEBRIDGE_HOME/keys with mode 0600, or given
in the environment: TRACEBRIDGE_NODE_KEY (checkpoint signer) and TRACEBRIDGE_COSIGNER_KEY.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.conf import settings

from tracebridge.agencies.services import ServiceError
from tracebridge.evidence import checkpoint as notes

ROLES = {
    "node": ("node.key", "TRACEBRIDGE_NODE_KEY", notes.ALG_ED25519, "evidence"),
    "cosigner": ("cosigner.key", "TRACEBRIDGE_COSIGNER_KEY", notes.ALG_COSIGNATURE_V1, "witness"),
}


def origin() -> str:
    """The log's origin line and key name: <node name>/evidence, without spaces or '+'."""
    return key_name("node")


def key_name(role: str) -> str:
    base = re.sub(r"[\s+]+", "-", str(settings.NODE_NAME).strip()) or "tracebridge-node"
    return f"{base}/{ROLES[role][3]}"


def key_dir() -> Path:
    return Path(settings.HOME) / "keys"


def init_keys(force: bool = False) -> dict[str, Path]:
    """Create missing keys (0600). Existing keys are kept unless ``force``."""
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    written = {}
    for role, (filename, _, algorithm, _) in ROLES.items():
        path = folder / filename
        if path.exists() and not force:
            continue
        signer = notes.generate_signer(key_name(role), algorithm)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(signer.encode() + "\n")
        os.chmod(path, 0o600)
        written[role] = path
    return written


def signer(role: str = "node") -> notes.Signer:
    filename, variable, _, _ = ROLES[role]
    text = os.environ.get(variable, "")
    source = variable
    if not text:
        path = key_dir() / filename
        if not path.exists():
            raise ServiceError(f"no {role} key: run `tracebridge keys init` (or set {variable})")
        if path.stat().st_mode & 0o077:
            raise ServiceError(f"{path} must be readable by its owner only (chmod 600)")
        text, source = path.read_text(encoding="utf-8"), str(path)
    try:
        return notes.parse_signer(text)
    except notes.NoteError as exc:
        raise ServiceError(f"{source}: {exc}") from None


def verifier_key(role: str = "node") -> str:
    return signer(role).verifier.encode()
