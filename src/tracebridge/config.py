"""Settings read from the environment once, validated, and frozen.

Nothing here touches the network or the database: it only reads ``os.environ``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

INSECURE_KEY = "tracebridge-insecure-development-key-do-not-use-in-production"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """The environment describes a node that must not start."""


@dataclass(frozen=True)
class Config:
    home: Path
    database_url: str
    secret_key: str
    debug: bool
    allowed_hosts: tuple[str, ...]
    node_name: str
    csrf_trusted_origins: tuple[str, ...]
    public_check_per_minute: int = 120
    public_min_count: int = 5
    redis_url: str = ""
    worker_timeout: int = 120
    email: dict[str, Any] = field(default_factory=dict)  # Django's EMAIL_* settings

    @property
    def upload_dir(self) -> Path:
        """Where uploads too large for memory are spooled, one folder per server process."""
        return self.home / "tmp" / "uploads"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def allowed_hosts_are_local(self) -> bool:
        """True when the node only answers on loopback (cookies then need no TLS)."""
        local = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}
        return all(host in local for host in self.allowed_hosts)


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def _positive_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a positive whole number; got {raw!r}")
    return int(raw)


def email_settings(env: dict[str, str], home: Path) -> dict[str, Any]:
    """SMTP when TRACEBRIDGE_EMAIL_HOST is set; otherwise each message is a file in home/mail."""
    host = env.get("TRACEBRIDGE_EMAIL_HOST", "").strip()
    out: dict[str, Any] = {
        "DEFAULT_FROM_EMAIL": env.get("TRACEBRIDGE_EMAIL_FROM", "") or "tracebridge@localhost"
    }
    if not host:
        out["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
        out["EMAIL_FILE_PATH"] = str(home / "mail")
        return out
    return out | {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": host,
        "EMAIL_PORT": _positive_int(env, "TRACEBRIDGE_EMAIL_PORT", 587),
        "EMAIL_HOST_USER": env.get("TRACEBRIDGE_EMAIL_USER", ""),
        "EMAIL_HOST_PASSWORD": env.get("TRACEBRIDGE_EMAIL_PASSWORD", ""),
        "EMAIL_USE_TLS": _flag(env, "TRACEBRIDGE_EMAIL_TLS", default=True),
        "EMAIL_TIMEOUT": 10,
    }


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def load(env: dict[str, str] | None = None) -> Config:
    """Build the node's configuration from ``env`` (default: the process environment)."""
    env = dict(os.environ if env is None else env)
    home = Path(env.get("TRACEBRIDGE_HOME", "var")).expanduser().resolve()
    debug = _flag(env, "TRACEBRIDGE_DEBUG", default=False)
    secret = env.get("TRACEBRIDGE_SECRET_KEY", "")
    if not secret:
        if not debug:
            raise ConfigError(
                "TRACEBRIDGE_SECRET_KEY is not set and TRACEBRIDGE_DEBUG is off: refusing to start. "
                "Set TRACEBRIDGE_SECRET_KEY to a long random value "
                '(python3 -c "import secrets; print(secrets.token_urlsafe(50))"), '
                "or set TRACEBRIDGE_DEBUG=1 on a development machine."
            )
        secret = INSECURE_KEY
    elif not debug and (secret == INSECURE_KEY or len(secret) < 32):
        raise ConfigError("TRACEBRIDGE_SECRET_KEY must be at least 32 characters in production")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{home / 'tracebridge.sqlite3'}"
    if not database_url.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise ConfigError(f"DATABASE_URL must be sqlite:// or postgresql://; got {database_url!r}")
    redis_url = env.get("REDIS_URL", "").strip()
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"REDIS_URL must be redis://, rediss:// or unix://; got {redis_url!r}")
    default_hosts = "127.0.0.1,localhost,[::1]" if debug else "127.0.0.1,localhost"
    return Config(
        home=home,
        database_url=database_url,
        secret_key=secret,
        debug=debug,
        allowed_hosts=_csv(env.get("TRACEBRIDGE_ALLOWED_HOSTS", default_hosts)),
        node_name=env.get("TRACEBRIDGE_NODE_NAME", "tracebridge-node"),
        csrf_trusted_origins=_csv(env.get("TRACEBRIDGE_CSRF_TRUSTED_ORIGINS", "")),
        public_check_per_minute=_positive_int(env, "TRACEBRIDGE_PUBLIC_CHECK_PER_MINUTE", 120),
        public_min_count=_positive_int(env, "TRACEBRIDGE_PUBLIC_MIN_COUNT", 5),
        redis_url=redis_url,
        worker_timeout=_positive_int(env, "TRACEBRIDGE_WORKER_TIMEOUT", 120),
        email=email_settings(env, home),
    )
