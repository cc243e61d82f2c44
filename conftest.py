"""Root pytest configuration: nbval's sanitizer file, found from any folder."""

from pathlib import Path

HERE = Path(__file__).parent


def pytest_configure(config):
    if getattr(config.option, "nbval_sanitize_with", "unset") is None:
        config.option.nbval_sanitize_with = str(HERE / "tests" / "nbval-sanitize.cfg")
