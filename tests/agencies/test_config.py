from pathlib import Path

import pytest

from tracebridge.config import INSECURE_KEY, ConfigError, load


def test_refuses_production_without_secret() -> None:
    with pytest.raises(ConfigError, match="TRACEBRIDGE_SECRET_KEY is not set"):
        load({})


def test_refuses_short_or_default_secret_in_production() -> None:
    with pytest.raises(ConfigError, match="at least 32"):
        load({"TRACEBRIDGE_SECRET_KEY": "short"})
    with pytest.raises(ConfigError, match="at least 32"):
        load({"TRACEBRIDGE_SECRET_KEY": INSECURE_KEY})


def test_debug_uses_development_key_and_sqlite_under_home(tmp_path: Path) -> None:
    config = load({"TRACEBRIDGE_DEBUG": "1", "TRACEBRIDGE_HOME": str(tmp_path)})
    assert config.debug is True
    assert config.secret_key == INSECURE_KEY
    assert config.database_url == f"sqlite:///{tmp_path / 'tracebridge.sqlite3'}"
    assert config.uses_sqlite
    assert config.allowed_hosts_are_local


def test_production_settings_from_environment() -> None:
    config = load(
        {
            "TRACEBRIDGE_SECRET_KEY": "x" * 40,
            "DATABASE_URL": "postgresql://tb@db:5432/tb",
            "TRACEBRIDGE_ALLOWED_HOSTS": "node.cbi.gov.in, 10.0.0.5",
            "TRACEBRIDGE_DEBUG": "off",
        }
    )
    assert config.debug is False
    assert config.allowed_hosts == ("node.cbi.gov.in", "10.0.0.5")
    assert not config.uses_sqlite
    assert not config.allowed_hosts_are_local


def test_bad_flag_and_bad_database_url_name_the_variable() -> None:
    with pytest.raises(ConfigError, match="TRACEBRIDGE_DEBUG"):
        load({"TRACEBRIDGE_DEBUG": "maybe"})
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load({"TRACEBRIDGE_DEBUG": "1", "DATABASE_URL": "mysql://x"})


def test_public_check_rate_is_a_positive_number() -> None:
    assert load({"TRACEBRIDGE_DEBUG": "1"}).public_check_per_minute == 120
    config = load({"TRACEBRIDGE_DEBUG": "1", "TRACEBRIDGE_PUBLIC_CHECK_PER_MINUTE": "600"})
    assert config.public_check_per_minute == 600
    with pytest.raises(ConfigError, match="TRACEBRIDGE_PUBLIC_CHECK_PER_MINUTE"):
        load({"TRACEBRIDGE_DEBUG": "1", "TRACEBRIDGE_PUBLIC_CHECK_PER_MINUTE": "-5"})
