"""The compose file and Dockerfile name services and commands that exist."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_defines_every_production_service():
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    assert "healthcheck" in services["postgres"]
    assert any("pgdata" in volume for volume in services["postgres"]["volumes"])


def test_it_runs_commands_that_exist_in_the_project():
    services = compose()["services"]
    assert services["migrate"]["command"][:3] == ["python", "manage.py", "migrate"]
    assert "migrate" in get_commands()
    web = services["web"]["command"]
    assert web[0] == "gunicorn" and web[1] == "factcheck.wsgi:application"
    assert (ROOT / "factcheck" / "wsgi.py").exists()
    for name in ("worker", "beat"):
        command = services[name]["command"]
        assert command[:3] == ["celery", "-A", "factcheck"] and command[3] == name
    from factcheck.celery import app

    assert app.main == "factcheck"


def test_it_waits_for_the_database_and_the_migration():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_postgres_has_no_published_password_to_fall_back_on():
    password = compose()["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD:?")  # compose stops, saying to set it


def test_the_env_example_sets_every_variable_the_settings_require():
    example = (ROOT / ".env.example").read_text()
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "DEBUG"):
        assert f"\n{name}=" in f"\n{example}"


def settings_read_from_the_environment() -> set[str]:
    """The variables factcheck/settings.py reads, through its env_* helpers or os.environ."""
    import re

    source = (ROOT / "factcheck" / "settings.py").read_text()
    return set(re.findall(r'\benv_\w+\(\s*"([A-Z][A-Z0-9_]*)"', source)) | set(
        re.findall(r'os\.environ(?:\.get)?[(\[]\s*"([A-Z][A-Z0-9_]*)"', source)
    )


def test_every_setting_is_in_the_env_example_and_the_readme():
    # LOG_LEVEL and DATABASE_CONNECT_TIMEOUT, among others, were in neither .env.example nor
    # anywhere an operator copying it would see them.
    import re

    names = settings_read_from_the_environment()
    assert {"DATABASE_URL", "LOG_LEVEL", "FACTCHECK_TIME_ZONE"} <= names  # the search works
    example = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))
    readme = (ROOT / "README.md").read_text()
    table = readme.split("\n## Configuration\n")[1].split("\n## ")[0]
    assert sorted(names - example) == []
    assert sorted(name for name in names if f"`{name}`" not in table) == []


def test_the_web_health_check_is_answered_with_the_env_example(client, settings):
    # It asked as 127.0.0.1, which the example's ALLOWED_HOSTS lacks: a 400, always unhealthy.
    import re

    check = " ".join(compose()["services"]["web"]["healthcheck"]["test"])
    host = re.search(r"'Host': '([^']+)'", check).group(1)
    example = (ROOT / ".env.example").read_text()
    settings.ALLOWED_HOSTS = re.search(r"^ALLOWED_HOSTS=(.*)$", example, re.M).group(1).split(",")
    assert "/healthz" in check
    assert client.get("/healthz", HTTP_HOST=host).status_code in (200, 503)
    assert client.get("/healthz", HTTP_HOST="127.0.0.1").status_code == 400  # as it asked


def test_flower_is_optional_and_open_on_this_host_only():
    flower = compose()["services"]["flower"]
    assert flower["profiles"] == ["monitoring"]  # not started by a plain `up`
    script = flower["command"][2]
    assert flower["command"][:2] == ["sh", "-c"]
    assert "exec celery -A factcheck flower " in script
    # Without its login Flower would show every task to anyone reaching the port.
    assert 'test -n "$$FLOWER_BASIC_AUTH" ||' in script
    # Nor with the example's published password.
    assert 'case "$$FLOWER_BASIC_AUTH" in *change-me*)' in script
    assert all(port.startswith("127.0.0.1:") for port in flower["ports"])
    assert "\nFLOWER_BASIC_AUTH=" in (ROOT / ".env.example").read_text()


def dockerignored(path: str) -> bool:
    """Whether the image's build context leaves `path` out, as Docker reads .dockerignore:
    the last line that matches decides, and a line starting with ! lets a path back in."""
    import fnmatch

    ignored = False
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pattern = line.removeprefix("!").strip("/")
        if fnmatch.fnmatchcase(path, pattern) or path.startswith(f"{pattern}/"):
            ignored = not line.startswith("!")
    return ignored


@pytest.mark.parametrize(
    "path",
    [".env", ".env.production", "db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", ".venv/bin"],
)
def test_the_image_carries_no_secrets_or_local_data(path):
    # README has .env written in the build context: `COPY . .` put SECRET_KEY and the
    # database password in the image, and the last writes of a SQLite desk with them.
    assert dockerignored(path)


def test_the_image_keeps_what_it_is_built_from():
    for path in (".env.example", "manage.py", "factcheck/settings.py", "requirements.txt"):
        assert not dockerignored(path)


def test_the_worker_and_beat_log_at_the_level_the_env_file_sets():
    # Both ran at a fixed --loglevel=INFO whatever LOG_LEVEL said.
    services = compose()["services"]
    for name in ("worker", "beat"):
        assert "--loglevel=${LOG_LEVEL:-INFO}" in services[name]["command"]


def test_a_stopped_worker_is_given_time_to_finish_its_tasks():
    # `docker compose stop` (every deploy) sends SIGTERM, and the worker finishes the
    # tasks it runs; compose's default grace of 10 s then killed it in the middle of a slow
    # fetch, and the article waited out the visibility timeout (15 minutes) to be retried.
    from django.conf import settings

    grace = compose()["services"]["worker"].get("stop_grace_period", "10s")
    assert grace.endswith("s") and int(grace[:-1]) > settings.CELERY_TASK_TIME_LIMIT
