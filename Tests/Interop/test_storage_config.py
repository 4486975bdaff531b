"""Start-up with a database that cannot be used: every service stops at once with a message that says what failed,
and never prints the password of the database URL."""
import os
import subprocess

import pytest

from support import bin_dir

SERVICES = ["cyberport-identity", "cyberport-deals", "cyberport-naccs", "cyberport-stats"]


@pytest.mark.parametrize("executable", SERVICES)
def test_unreachable_postgres_is_a_clear_startup_error(executable, tmp_path):
    url = "postgresql://cyberport:s3cret-Passw0rd@127.0.0.1:1/cyberport"
    run = subprocess.run(
        [str(bin_dir() / executable), "--port", "0", "--data-dir", str(tmp_path), "--database-url", url,
         "--log-format", "text"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "CYBERPORT_IDENTITY_OPERATOR_EMAIL": ""},
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "cannot connect to PostgreSQL at 127.0.0.1:1" in output, output
    assert "s3cret-Passw0rd" not in output, output


@pytest.mark.parametrize("executable", SERVICES)
def test_unwritable_sqlite_location_is_a_clear_startup_error(executable, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    # The database file's place is taken by a directory: SQLite cannot open it.
    (data / (executable.removeprefix("cyberport-") + ".sqlite3")).mkdir()
    run = subprocess.run(
        [str(bin_dir() / executable), "--port", "0", "--data-dir", str(data), "--log-format", "text"],
        capture_output=True, text=True, timeout=60,
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "database" in output and ".sqlite3" in output, output


def test_bad_schema_name_is_rejected_before_start(tmp_path):
    run = subprocess.run(
        [str(bin_dir() / "cyberport-deals"), "--port", "0", "--data-dir", str(tmp_path),
         "--database-url", "postgresql://x@127.0.0.1:1/db", "--database-schema", "Deals; DROP"],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode != 0
    assert "database-schema" in run.stderr
