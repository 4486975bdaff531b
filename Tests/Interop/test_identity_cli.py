"""`cyberport login`, `whoami`, `logout` and the saved session against a real Identity service: the session file
(mode 0600, no token printed), calls authorized by it, the transparent refresh with refresh-token rotation, API-key
sessions and the documented exit codes.

Each Identity server gets its own data directory, a bootstrap operator and one approved forwarding company whose
administrator logs in. Every `cyberport` runs with a scrubbed environment (no CYBERPORT_* variables from the caller)
and its own CYBERPORT_SESSION_FILE, so the tests never touch ~/.config.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
import support

OPERATOR_EMAIL = "operator@example.com"
OPERATOR_PASSWORD = "Platform-secret-42"
ADMIN_EMAIL = "admin@forwarder.example"
ADMIN_PASSWORD = "Forwarder-pass-2024"
CORPORATE_NUMBER = "1180301018771"
EXPIRED = "2000-01-01T00:00:00Z"


def run_cli(
    *args: str, session: Path, env: dict[str, str] | None = None, stdin: str = "", timeout: float = 30
) -> subprocess.CompletedProcess:
    path = support.bin_dir() / "cyberport"
    if not path.exists():
        pytest.fail(f"{path} does not exist: build it with `swift build`", pytrace=False)
    scrubbed = {k: v for k, v in os.environ.items() if not k.startswith("CYBERPORT_")}
    scrubbed["CYBERPORT_SESSION_FILE"] = str(session)
    scrubbed.update(env or {})
    return subprocess.run(
        [str(path), *args], input=stdin, env=scrubbed, capture_output=True, text=True, timeout=timeout
    )


@dataclass
class Deployment:
    """An Identity server with an operator and one approved company."""

    server: support.ServerProcess
    home: Path
    company: str = ""
    organization: str = ""
    administrator: str = ""

    def cli(self, *args: str, session: Path, env: dict[str, str] | None = None, stdin: str = ""):
        return run_cli(*args, "--address", self.server.address, session=session, env=env, stdin=stdin)

    def call(self, method: str, request: dict, session: Path, *flags: str, env: dict[str, str] | None = None):
        return self.cli("call", method, "--compact", "-d", json.dumps(request), *flags, session=session, env=env)

    def login(self, session: Path, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD, *flags: str):
        return self.cli("login", "--email", email, *flags, session=session, env={"CYBERPORT_PASSWORD": password})

    def session_file(self, name: str) -> Path:
        return self.home / name / "session.json"


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result


def read_session(path: Path) -> dict:
    return json.loads(path.read_text())


def expire_access_token(path: Path) -> None:
    data = read_session(path)
    data["accessTokenExpireTime"] = EXPIRED
    path.write_text(json.dumps(data))


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def start_identity(tmp_path_factory, *extra: str) -> Deployment:
    home = tmp_path_factory.mktemp("identity-cli")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CYBERPORT_IDENTITY_OPERATOR_EMAIL", OPERATOR_EMAIL)
        patch.setenv("CYBERPORT_IDENTITY_OPERATOR_PASSWORD", OPERATOR_PASSWORD)
        server = support.start_server(
            "cyberport-identity",
            ["--data-dir", str(home / "data"), "--password-hash", "minimum", *extra],
            log_dir=home,
        )
    deployment = Deployment(server=server, home=home)
    try:
        provision(deployment)
    except BaseException:
        server.stop()
        raise
    return deployment


def provision(deployment: Deployment) -> None:
    """Registers a company anonymously, and approves it as the bootstrap operator."""
    anonymous = deployment.session_file("anonymous")
    registered = ok(deployment.call("CompanyService/RegisterCompany", {
        "company": {
            "legalNameJa": "テスト海貨株式会社",
            "legalNameEn": "Test Forwarding Co., Ltd.",
            "corporateNumber": CORPORATE_NUMBER,
            "address": {"addressLine": "東京都港区海岸1-1-1"},
            "contact": {"personName": "山田太郎", "email": "contact@forwarder.example"},
            "businessTypes": [{"businessType": "forwarder", "evidenceDocument": "permit-123"}],
        },
        "administrator": {"email": ADMIN_EMAIL, "displayName": "管理者 太郎", "password": ADMIN_PASSWORD},
    }, anonymous, "--no-session"))
    answer = json.loads(registered.stdout)
    deployment.company = answer["company"]["name"]
    deployment.organization = answer["organization"]
    deployment.administrator = answer["administrator"]
    operator = deployment.session_file("operator")
    ok(deployment.login(operator, OPERATOR_EMAIL, OPERATOR_PASSWORD))
    approved = ok(deployment.call("CompanyService/ApproveCompany", {"name": deployment.company}, operator))
    assert json.loads(approved.stdout)["status"] == "COMPANY_STATUS_APPROVED", approved.stdout


@pytest.fixture(scope="module")
def identity(tmp_path_factory):
    deployment = start_identity(tmp_path_factory)
    yield deployment
    deployment.server.stop()


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory):
    """Access tokens live 60 s, the shortest the service allows."""
    deployment = start_identity(tmp_path_factory, "--access-token-ttl", "60")
    yield deployment
    deployment.server.stop()


def test_wrong_password_is_unauthenticated_and_saves_nothing(identity):
    session = identity.session_file("wrong")
    failed = identity.login(session, ADMIN_EMAIL, "Not-the-password-1")
    assert failed.returncode == 16, (failed.returncode, failed.stderr)
    assert "UNAUTHENTICATED" in failed.stderr and "password" in failed.stderr, failed.stderr
    assert "Not-the-password-1" not in failed.stdout + failed.stderr
    assert not session.exists()


def test_login_saves_a_private_session_and_prints_no_token(identity):
    session = identity.session_file("login")
    # No $CYBERPORT_PASSWORD and standard input is not a terminal: the password is its first line.
    logged_in = ok(identity.cli("login", "--email", ADMIN_EMAIL, session=session, stdin=ADMIN_PASSWORD + "\n"))
    assert mode(session) == 0o600, oct(mode(session))
    assert mode(session.parent) == 0o700, oct(mode(session.parent))
    saved = read_session(session)
    assert saved["accessToken"] and saved["refreshToken"], saved.keys()
    assert saved["identityAddress"] == identity.server.address
    assert parse_time(saved["accessTokenExpireTime"]) > datetime.now(timezone.utc)
    output = logged_in.stdout + logged_in.stderr
    assert saved["accessToken"] not in output and saved["refreshToken"] not in output, output
    assert ADMIN_EMAIL in logged_in.stdout and identity.organization in logged_in.stdout, logged_in.stdout
    assert "forwarder" in logged_in.stdout, logged_in.stdout
    assert ADMIN_PASSWORD not in session.read_text() + output


def test_print_token_prints_only_the_access_token(identity):
    session = identity.session_file("print-token")
    printed = ok(identity.login(session, ADMIN_EMAIL, ADMIN_PASSWORD, "--print-token"))
    token = printed.stdout.strip()
    assert printed.stdout.count("\n") == 1 and token.count(".") == 2, printed.stdout
    assert token == read_session(session)["accessToken"]
    who = ok(identity.cli("whoami", "--no-session", "--token", token, session=identity.session_file("none")))
    assert identity.administrator in who.stdout, who.stdout


def test_whoami_shows_the_sessions_caller(identity):
    session = identity.session_file("whoami")
    ok(identity.login(session))
    text = ok(identity.cli("whoami", session=session)).stdout
    for expected in [identity.administrator, "user", identity.organization, identity.company, "forwarder", "expires"]:
        assert expected in text, text
    caller = json.loads(ok(identity.cli("whoami", "--json", session=session)).stdout)
    assert caller["subject"] == identity.administrator
    assert caller["kind"] == "user"
    assert caller["company"] == identity.company and caller["organization"] == identity.organization
    assert "forwarder" in caller["businessTypes"] and caller["roles"], caller
    assert parse_time(caller["expireTime"]) > datetime.now(timezone.utc)
    nobody = identity.cli("whoami", session=identity.session_file("nobody"))
    assert nobody.returncode == 16 and "cyberport login" in nobody.stderr, (nobody.returncode, nobody.stderr)


def test_calls_are_authorized_by_the_session(identity):
    session = identity.session_file("call")
    ok(identity.login(session))
    before = read_session(session)
    got = ok(identity.call("CompanyService/GetCompany", {"name": identity.company}, session))
    assert json.loads(got.stdout)["name"] == identity.company
    # A fresh access token is used as it is: no refresh, so the refresh token stays.
    assert read_session(session)["refreshToken"] == before["refreshToken"]
    anonymous = identity.call("CompanyService/GetCompany", {"name": identity.company}, session, "--no-session")
    assert anonymous.returncode == 16, (anonymous.returncode, anonymous.stderr)


def test_a_broken_session_file_is_a_warning(identity):
    session = identity.session_file("broken")
    session.parent.mkdir(mode=0o700)
    session.write_text("{not json")
    session.chmod(0o600)
    listed = ok(identity.call("IdentityService/ListBusinessTypes", {"pageSize": 1}, session))
    assert "warning" in listed.stderr and str(session) in listed.stderr, listed.stderr
    assert "Fatal error" not in listed.stderr
    denied = identity.call("CompanyService/GetCompany", {"name": identity.company}, session)
    assert denied.returncode == 16 and "warning" in denied.stderr, (denied.returncode, denied.stderr)


def test_an_expired_access_token_is_refreshed_and_the_rotated_token_saved(short_lived):
    session = short_lived.session_file("refresh")
    ok(short_lived.login(session))
    old = read_session(session)
    expire_access_token(session)
    got = ok(short_lived.call("CompanyService/GetCompany", {"name": short_lived.company}, session))
    assert json.loads(got.stdout)["name"] == short_lived.company
    assert "session expired" not in got.stderr, got.stderr
    new = read_session(session)
    assert new["refreshToken"] != old["refreshToken"], "the rotated refresh token was not saved"
    assert new["accessToken"] != old["accessToken"]
    assert parse_time(new["accessTokenExpireTime"]) > datetime.now(timezone.utc)
    assert mode(session) == 0o600, oct(mode(session))
    output = got.stdout + got.stderr
    assert new["accessToken"] not in output and new["refreshToken"] not in output

    # The used refresh token is dead; presenting it again ends the whole session (reuse detection) ...
    reused = short_lived.call("AuthService/Refresh", {"refreshToken": old["refreshToken"]}, session, "--no-session")
    assert reused.returncode == 16, (reused.returncode, reused.stderr)
    # ... so the next renewal fails: the user is told, and the command goes on without a token.
    expire_access_token(session)
    anonymous = ok(short_lived.call("IdentityService/ListBusinessTypes", {"pageSize": 1}, session))
    assert "session expired: run cyberport login" in anonymous.stderr, anonymous.stderr
    expire_access_token(session)
    denied = short_lived.call("CompanyService/GetCompany", {"name": short_lived.company}, session)
    assert denied.returncode == 16, (denied.returncode, denied.stderr)
    assert "session expired: run cyberport login" in denied.stderr, denied.stderr


def test_logout_deletes_the_session_and_ends_it(identity):
    session = identity.session_file("logout")
    ok(identity.login(session))
    refresh_token = read_session(session)["refreshToken"]
    logged_out = ok(identity.cli("logout", session=session))
    assert refresh_token not in logged_out.stdout + logged_out.stderr
    assert not session.exists()
    refused = identity.call("AuthService/Refresh", {"refreshToken": refresh_token}, session, "--no-session")
    assert refused.returncode == 16, (refused.returncode, refused.stderr)
    again = ok(identity.cli("logout", session=session))
    assert "not logged in" in again.stdout, again.stdout
    nobody = identity.cli("whoami", session=session)
    assert nobody.returncode == 16, (nobody.returncode, nobody.stderr)


def test_api_key_sessions_store_no_key_and_renew_from_the_environment(identity):
    admin = identity.session_file("api-key-admin")
    ok(identity.login(admin))
    created = ok(identity.call(
        "ApiKeyService/CreateApiKey", {"parent": identity.organization, "apiKey": {"displayName": "cli test"}}, admin))
    key = json.loads(created.stdout)["key"]

    session = identity.session_file("api-key")
    unset = identity.cli("login", "--api-key-env", session=session)
    assert unset.returncode == 64 and "CYBERPORT_API_KEY" in unset.stderr, (unset.returncode, unset.stderr)
    logged_in = ok(identity.cli("login", "--api-key-env", session=session, env={"CYBERPORT_API_KEY": key}))
    text = session.read_text()
    assert key not in text and key not in logged_in.stdout + logged_in.stderr
    saved = json.loads(text)
    assert saved["source"] == "apiKey" and not saved.get("refreshToken"), saved.keys()
    assert saved["accessToken"] not in logged_in.stdout + logged_in.stderr
    assert mode(session) == 0o600
    caller = json.loads(ok(identity.cli("whoami", "--json", session=session)).stdout)
    assert caller["kind"] == "apiKey" and caller["organization"] == identity.organization, caller

    expire_access_token(session)
    renewed = ok(identity.cli("whoami", "--json", session=session, env={"CYBERPORT_API_KEY": key}))
    assert json.loads(renewed.stdout)["kind"] == "apiKey"
    assert parse_time(read_session(session)["accessTokenExpireTime"]) > datetime.now(timezone.utc)
    assert key not in session.read_text()

    expire_access_token(session)
    expired = identity.cli("whoami", session=session)
    assert expired.returncode == 16, (expired.returncode, expired.stderr)
    assert "session expired: run cyberport login" in expired.stderr, expired.stderr

    key_file = identity.home / "api-key.txt"
    key_file.write_text(key + "\n")
    ok(identity.cli("login", "--api-key-file", str(key_file), session=session))
    assert key not in session.read_text()
    expire_access_token(session)
    ok(identity.cli("whoami", session=session))
