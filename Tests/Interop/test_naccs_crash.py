"""Issue 5's durable outbox, proved against the real executables: the NACCS relay (cyberport-naccs) is killed with
SIGKILL while sends are in flight to the NACCS simulator, restarted on the same database, and every send it had
accepted ends with exactly one outcome, processed by NACCS exactly once.

Identity and Deals start as in test_deals_scenario.py (SQLite, or PostgreSQL when CYBERPORT_TEST_POSTGRES_URL is set);
the relay gets its service credential and a key-encryption key as deploy/run-local.sh gives them; naccs-simulator
plays NACCS with --latency-ms, so that each input is in flight for a while. A carrier registers a NACCS credential
and 30 bookings (BKR forms with distinct booking numbers, each registered once by the simulator: a second
registration of a booking is refused with E0002), sends them with distinct idempotency keys, and the relay is killed
while one of them is TRANSMITTING. After the restart the relay reconciles the one in doubt from the simulator's
mailbox by its input-information id (instead of declaring it again) and sends the rest.

Checked: every accepted send is ACCEPTED with one processing-result notice and no other output; the simulator logged
"input processed" exactly once for each send's input-information id, and for nothing else; a send request retried
with the same idempotency key after the restart returns the same send, already complete.
"""

from __future__ import annotations

import base64
import collections
import json
import os
import re
import secrets
import signal
import time
from pathlib import Path

import grpc
import interop_protos
import pytest
import support
import test_deals_scenario as scenario

relay = interop_protos.load("cyberport/naccs/v1/relay_pb2")
relay_grpc = interop_protos.load("cyberport/naccs/v1/relay_pb2_grpc")
credentials = interop_protos.load("cyberport/naccs/v1/credentials_pb2")
credentials_grpc = interop_protos.load("cyberport/naccs/v1/credentials_pb2_grpc")

SENDS = 30
LATENCY_MS = 150
# The NACCS user the simulator accepts and the carrier registers (as in deploy/run-local.sh).
USER_CODE, IDENTIFICATION, PASSWORD = "CAR01", "001", "Carr1erP"
BOOKING_ITEMS = {
    "SCC": ["ONEY"], "VSN": ["JXYZ"], "VOY": ["001E"], "POL": ["JPTYO"], "POD": ["USLAX"], "RST": ["22G1"], "RQT": ["1"],
}
FINAL = {relay.ACCEPTED, relay.REJECTED, relay.FAILED}
# After the restart: the killed relay's credential lease (15 s) expires, the send in doubt is reconciled (3 s), and
# the rest go out one at a time.
SETTLE_SECONDS = 60


class Simulator:
    """naccs-simulator on a free loopback port (--port 0; it prints the port it bound)."""

    def __init__(self, home: Path):
        users = home / "naccs-users.txt"
        users.write_text(f"# userCode identificationNumber password\n{USER_CODE} {IDENTIFICATION} {PASSWORD}\n")
        users.chmod(0o600)
        self.process = support.ServerProcess(
            executable="naccs-simulator",
            argv=[str(support.bin_dir() / "naccs-simulator"), "--host", "127.0.0.1", "--port", "0",
                  "--users-file", str(users), "--latency-ms", str(LATENCY_MS), "--log-level", "debug"],
            port=0, log_path=home / "naccs-simulator.log")

    def start(self) -> None:
        if not Path(self.process.argv[0]).exists():
            pytest.fail(f"{self.process.argv[0]} does not exist: build it with `swift build`", pytrace=False)
        self.process.start()
        deadline = time.monotonic() + support.STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            found = re.search(r"naccs-simulator listening on [^\s:]+:(\d+)", self.process.output(limit=1 << 20))
            if found:
                self.process.port = int(found.group(1))
                return
            assert self.process.alive(), f"naccs-simulator exited:\n{self.process.describe()}"
            time.sleep(0.05)
        pytest.fail(f"naccs-simulator did not report its port:\n{self.process.describe()}", pytrace=False)

    def processed(self) -> collections.Counter:
        """How often each input-information id was processed, from the simulator's "input processed" lines."""
        ids = collections.Counter()
        for line in self.process.output(limit=1 << 30).splitlines():
            if "input processed" in line:
                found = re.search(r"inputInformationId=(\S+)", line)
                assert found, f"an 'input processed' line without the input id: {line}"
                ids[found.group(1)] += 1
        return ids


class Relay:
    """cyberport-naccs with fixed storage: started again on the same database after a crash."""

    def __init__(self, port: scenario.Port, simulator: Simulator, service_key: str, patch: pytest.MonkeyPatch):
        self.port = port
        self.env = {
            "CYBERPORT_NACCS_SERVICE_CREDENTIAL": service_key,
            # 32 random bytes, base64url, the same for every start: the restarted relay opens what the first sealed.
            "CYBERPORT_NACCS_KEY_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("="),
        }
        self.flags = ["--identity-address", port.identity.address, "--deals-address", port.deals.address,
                      "--naccs-address", simulator.process.address, "--poll-interval-ms", "100",
                      *port.storage("naccs", patch)]
        # The database URL (PostgreSQL runs) that storage() put in the environment, for every start.
        url = os.environ.get("CYBERPORT_NACCS_DATABASE_URL")
        if url:
            self.env["CYBERPORT_NACCS_DATABASE_URL"] = url
        self.server: support.ServerProcess | None = None

    def start(self) -> support.ServerProcess:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in self.env.items():
                patch.setenv(name, value)
            self.server = support.start_server("cyberport-naccs", self.flags, log_dir=self.port.home)
        return self.server

    def kill(self) -> None:
        assert self.server is not None and self.server.alive(), "the relay is not running"
        self.server.proc.send_signal(signal.SIGKILL)
        self.server.proc.wait(10)
        self.server.stop()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """Identity, Deals, the simulator and the relay; a carrier company logged in; yields (port, simulator, relay)."""
    port = scenario.start_port(tmp_path_factory, with_actors=False)
    simulator = Simulator(port.home)
    naccs: Relay | None = None
    try:
        simulator.start()
        platform = port.whoami(port.operator)["organization"]
        key = port.identity_call("ApiKeyService/CreateApiKey", {
            "parent": platform, "apiKey": {"displayName": "Naccs service", "serviceName": "naccs"}}, port.operator)
        with pytest.MonkeyPatch.context() as patch:
            naccs = Relay(port, simulator, key["key"], patch)
        naccs.start()
        carrier = scenario.Actor("carrier", "oceanShipping", "外航船株式会社", "Ocean Network Express", "3010001000004",
                                 port.home / "sessions" / "carrier.json")
        scenario.enrol(port, carrier)
        port.actors["carrier"] = carrier
        yield port, simulator, naccs
    finally:
        if naccs is not None and naccs.server is not None:
            naccs.server.stop()
        simulator.process.stop()
        port.stop()


def bearer(session: Path) -> list[tuple[str, str]]:
    """The call metadata of the session `cyberport login` saved."""
    token = json.loads(session.read_text())["accessToken"]
    return [("authorization", f"Bearer {token}")]


def sends_of(channel: grpc.Channel, deal: str, auth) -> list:
    listed = relay_grpc.NaccsRelayServiceStub(channel).ListNaccsSends(
        relay.ListNaccsSendsRequest(parent=deal, page_size=100), metadata=auth, timeout=10)
    assert not listed.next_page_token
    return list(listed.naccs_sends)


@pytest.mark.slow
def test_sigkill_mid_stream_every_accepted_send_has_exactly_one_outcome(deployment):
    port, simulator, naccs = deployment
    carrier = port.actors["carrier"]
    auth = bearer(carrier.session)
    deal = port.call("DealService/CreateDeal", {"deal": {
        "displayName": "NACCS crash test", "direction": "EXPORT", "ownerBusinessType": "oceanShipping",
        "loadType": "FCL"}}, carrier.session)["name"]

    with support.channel(naccs.server.port) as ch:
        credential = credentials_grpc.NaccsCredentialServiceStub(ch).CreateNaccsCredential(
            credentials.CreateNaccsCredentialRequest(parent=carrier.organization, naccs_credential=credentials.NaccsCredential(
                display_name="Carrier NACCS user", user_code=USER_CODE, identification_number=IDENTIFICATION,
                password=PASSWORD)), metadata=auth, timeout=10)
        stub = relay_grpc.NaccsRelayServiceStub(ch)
        forms = []
        for index in range(SENDS):
            items = {**BOOKING_ITEMS, "BKN": [f"BKCRASH{index:03d}"]}
            form = stub.CreateNaccsForm(relay.CreateNaccsFormRequest(
                parent=deal, business_code="BKR", custom_id=f"b{index}",
                items=[relay.NaccsItem(item=item, values=values) for item, values in items.items()]),
                metadata=auth, timeout=10)
            assert not form.missing_items, form
            forms.append(form.name)

        def send(index: int):
            return stub.SendNaccsForm(relay.SendNaccsFormRequest(
                name=forms[index], request_id=f"crash-{index}", naccs_credential=credential.name),
                metadata=auth, timeout=10)

        # Two thirds are accepted and the relay starts transmitting them; the rest are accepted while it does.
        accepted = {}
        for index in range(SENDS * 2 // 3):
            accepted[index] = send(index)
        deadline = time.monotonic() + 30
        while len([s for s in sends_of(ch, deal, auth) if s.state in FINAL]) < 5:
            assert time.monotonic() < deadline, "the relay completed fewer than 5 sends in 30 s"
            time.sleep(0.05)
        for index in range(SENDS * 2 // 3, SENDS):
            accepted[index] = send(index)
        # Kill it while a send is in flight to NACCS (marked TRANSMITTING, the simulator still processing it).
        deadline = time.monotonic() + 30
        while True:
            seen = sends_of(ch, deal, auth)
            if any(s.state == relay.TRANSMITTING for s in seen):
                break
            assert time.monotonic() < deadline, "no send was seen TRANSMITTING"
    naccs.kill()
    final_before = [s.name for s in seen if s.state in FINAL]
    assert len(final_before) < SENDS, "the relay finished every send before it was killed: nothing was in flight"
    for index, answer in accepted.items():
        assert answer.state in (relay.QUEUED, relay.TRANSMITTING, relay.ACCEPTED), (index, answer)

    naccs.start()
    with support.channel(naccs.server.port) as ch:
        stub = relay_grpc.NaccsRelayServiceStub(ch)
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            after = sends_of(ch, deal, auth)
            if all(s.state in FINAL for s in after):
                break
            assert time.monotonic() < deadline, (
                f"not every send reached a final state within {SETTLE_SECONDS} s after the restart: "
                f"{[(s.name, relay.NaccsSendState.Name(s.state), s.error) for s in after if s.state not in FINAL]}\n"
                f"{naccs.server.describe()}")
            time.sleep(0.2)

        # Exactly the accepted sends, one each, and every one ACCEPTED by NACCS (a booking registered twice would
        # have been refused with E0002, which would make its send REJECTED).
        by_name = {s.name: s for s in after}
        assert len(after) == SENDS and len(by_name) == SENDS, [s.name for s in after]
        assert {answer.name for answer in accepted.values()} == set(by_name)
        for index, answer in accepted.items():
            done = by_name[answer.name]
            assert done.request_id == f"crash-{index}" and done.naccs_form == forms[index], done
            assert done.input_information_id == answer.input_information_id, (answer, done)
            assert done.state == relay.ACCEPTED, (
                f"{done.name}: {relay.NaccsSendState.Name(done.state)} {done.error} "
                f"{[code.code for code in done.result_codes]}")
            assert [code.code for code in done.result_codes] == ["00000-0000-0000"], done
            assert len(done.outputs) == 1, done

        # One output per send, its processing-result notice: no send has a second outcome.
        outputs = stub.ListNaccsOutputs(relay.ListNaccsOutputsRequest(parent=deal, page_size=100, format=relay.JSON),
                                        metadata=auth, timeout=10)
        assert not outputs.next_page_token
        per_send = collections.Counter(output.naccs_send for output in outputs.naccs_outputs)
        assert per_send == collections.Counter(set(by_name)), per_send
        assert all(output.kind == relay.RESULT_NOTICE and output.output_information_code == "*SBKR"
                   for output in outputs.naccs_outputs), outputs

        # NACCS processed each input exactly once, and nothing else.
        processed = simulator.processed()
        expected = collections.Counter(s.input_information_id.strip() for s in after)
        assert len(expected) == SENDS, "input-information ids are unique per send"
        assert processed == expected, (
            f"processed more than once: {[i for i, n in processed.items() if n > 1]}; "
            f"never: {[i for i in expected if i not in processed]}; "
            f"unknown: {[i for i in processed if i not in expected]}")

        # The same idempotency key after the restart: the same send, complete, not sent again.
        for index in (0, SENDS - 1, *(i for i, a in accepted.items() if a.name not in final_before)):
            again = stub.SendNaccsForm(relay.SendNaccsFormRequest(
                name=forms[index], request_id=f"crash-{index}", naccs_credential=credential.name),
                metadata=auth, timeout=10)
            assert again.name == accepted[index].name, (index, again)
            assert again.input_information_id == accepted[index].input_information_id
            assert again.state == relay.ACCEPTED, again
        assert len(sends_of(ch, deal, auth)) == SENDS
