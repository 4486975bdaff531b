"""Issue 4 through the command line only: the export scenario (booking request → booking confirmation → S/I →
container data → carry-in slips → B/L) and the import scenario (arrival notice → delivery order), driven with
`cyberport login` and `cyberport call` against a real cyberport-identity and cyberport-deals on loopback.

One Identity (SQLite, a bootstrap operator, `--password-hash minimum`) and one Deals (SQLite, its service credential
made through the CLI as the operator, as deploy/run-local.sh does) serve the whole module. Five companies register
anonymously, the operator approves them, and each administrator logs in with a session file of its own
($CYBERPORT_SESSION_FILE), so that the five are logged in at once. Every step reads its input (deal and form names,
etags) from the JSON the previous command printed, and checks the JSON it prints: who may see and write what
(Services/Deals/catalog/permissions.tsv), shared values flowing between forms, edit locks, read receipts and the
timeline. Tests/DealsTests/ExportScenarioTests.swift runs the same scenario through the Swift client.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import support

# Set (as for the Swift suites, by `source scripts/postgres-test-db.sh`): both services store their data in PostgreSQL,
# each deployment in schemas of its own, dropped when it stops. Otherwise SQLite in temporary directories.
POSTGRES_URL = os.environ.get("CYBERPORT_TEST_POSTGRES_URL", "")

OPERATOR_EMAIL = "operator@example.com"
OPERATOR_PASSWORD = "Platform-secret-42"

# Exit codes of `cyberport call`: the gRPC status code.
INVALID_ARGUMENT = 3
PERMISSION_DENIED = 7
FAILED_PRECONDITION = 9
ABORTED = 10

FIRST, SECOND = "MSCU1234566", "TGHU1111114"

# The required fields of a booking request (UL010), plus the forwarder's name, which the carry-in slip shows later.
BOOKING_REQUEST = {
    "shipperName": "Nippon Export Co.", "forwarderName": "Port Forwarding KK",
    "oceanCarrierName": "Ocean Network Express", "portOfLoading": "Tokyo", "portOfLoadingCode": "JPTYO",
    "portOfDischarge": "Los Angeles", "portOfDischargeCode": "USLAX", "etd": "2026-11-21", "modeFclLcl": "FCL",
    "freightPaymentTerms": "PREPAID", "commodity": "Machine parts",
}
BOOKING_CONFIRMATION = {
    "bookingNo": "BK123456", "scacCode": "ONEY", "vesselName": "ONE HARMONY", "voyageNo": "012E",
    "cargoCutOffDate": "2026-11-19", "containerDeliveryPlaceName": "Oi Terminal",
}
CARGO_LINE = {
    "description": "Machine parts", "numberOfPackages": "20", "packageType": "CT", "grossWeight": "8000",
    "grossWeightUnit": "KGM", "hsCode": "8483.40.000",
}


@dataclass
class Actor:
    """A company's administrator, logged in with a session file of its own."""

    key: str
    business_type: str
    legal_name_ja: str
    legal_name_en: str
    corporate_number: str
    session: Path
    organization: str = ""

    @property
    def email(self) -> str:
        return f"admin@{self.key}.example"

    @property
    def password(self) -> str:
        return f"Portpass-2026-{self.key}"


class Port:
    """Identity and Deals on loopback, an operator session and the five actors."""

    def __init__(self, home: Path):
        self.home = home
        self.identity: support.ServerProcess | None = None
        self.deals: support.ServerProcess | None = None
        self.schemas: list[str] = []
        self.operator = home / "sessions" / "operator.json"
        self.actors: dict[str, Actor] = {}

    def storage(self, service: str, patch: pytest.MonkeyPatch) -> list[str]:
        """The storage flags (and environment) of `service`."""
        flags = ["--data-dir", str(self.home / service)]
        if POSTGRES_URL:
            schema = f"scenario_{service}_{uuid.uuid4().hex[:12]}"
            self.schemas.append(schema)
            patch.setenv(f"CYBERPORT_{service.upper()}_DATABASE_URL", POSTGRES_URL)
            flags += ["--database-schema", schema]
        return flags

    def stop(self) -> None:
        for server in (self.deals, self.identity):
            if server is not None:
                server.stop()
        psql = shutil.which("psql")
        for schema in self.schemas if psql else []:
            subprocess.run([psql, POSTGRES_URL, "-qc", f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'],
                           capture_output=True, timeout=60)

    def cli(self, *args: str, session: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        path = support.bin_dir() / "cyberport"
        if not path.exists():
            pytest.fail(f"{path} does not exist: build it with `swift build`", pytrace=False)
        scrubbed = {k: v for k, v in os.environ.items() if not k.startswith("CYBERPORT_")}
        scrubbed["CYBERPORT_SESSION_FILE"] = str(session)
        scrubbed.update(env or {})
        return subprocess.run([str(path), *args], env=scrubbed, capture_output=True, text=True, timeout=60)

    def call(self, method: str, request: dict, session: Path, *flags: str, address: str | None = None,
             expect: int = 0) -> dict | str:
        """`cyberport call METHOD --compact -d JSON` (on Deals unless `address` says otherwise). With expect=0 the
        printed JSON, otherwise the command must exit with `expect` and its standard error is returned."""
        address = address or self.deals.address
        result = self.cli("call", method, "--address", address, "--compact", "-d", json.dumps(request), *flags,
                          session=session)
        where = f"{method} {json.dumps(request)[:300]}\nexit {result.returncode}\nstdout: {result.stdout}\n" \
                f"stderr: {result.stderr}"
        assert result.returncode == expect, where
        if expect:
            return result.stderr
        return json.loads(result.stdout)

    def identity_call(self, method: str, request: dict, session: Path, *flags: str, expect: int = 0):
        return self.call(method, request, session, *flags, address=self.identity.address, expect=expect)

    def login(self, session: Path, email: str, password: str) -> None:
        result = self.cli("login", "--address", self.identity.address, "--email", email, session=session,
                          env={"CYBERPORT_PASSWORD": password})
        assert result.returncode == 0, f"login {email}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"

    def whoami(self, session: Path) -> dict:
        result = self.cli("whoami", "--address", self.identity.address, "--json", session=session)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


def start_port(tmp_path_factory, operator_email: str = OPERATOR_EMAIL, with_actors: bool = True) -> Port:
    """Identity and Deals; with_actors also registers, approves and logs in the five companies."""
    home = tmp_path_factory.mktemp("deals-scenario")
    port = Port(home)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("CYBERPORT_IDENTITY_OPERATOR_EMAIL", operator_email)
            patch.setenv("CYBERPORT_IDENTITY_OPERATOR_PASSWORD", OPERATOR_PASSWORD)
            port.identity = support.start_server(
                "cyberport-identity", [*port.storage("identity", patch), "--password-hash", "minimum"], log_dir=home)
        port.login(port.operator, operator_email, OPERATOR_PASSWORD)
        # Deals' service credential: an API key for "deals" on the operator's platform organization.
        platform = port.whoami(port.operator)["organization"]
        key = port.identity_call("ApiKeyService/CreateApiKey", {
            "parent": platform, "apiKey": {"displayName": "Deals service", "serviceName": "deals"}}, port.operator)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("CYBERPORT_DEALS_SERVICE_CREDENTIAL", key["key"])
            port.deals = support.start_server(
                "cyberport-deals",
                ["--identity-address", port.identity.address, *port.storage("deals", patch)], log_dir=home)
        for actor in [] if not with_actors else [
            Actor("shipper", "shipperOrConsignee", "日本輸出株式会社", "Nippon Export Co., Ltd.", "6010001000001",
                  home / "sessions" / "shipper.json"),
            Actor("forwarder", "forwarder", "港湾海貨株式会社", "Port Forwarding KK", "5010001000002",
                  home / "sessions" / "forwarder.json"),
            Actor("broker", "customsBroker", "港湾通関株式会社", "Port Customs Brokerage KK", "4010001000003",
                  home / "sessions" / "broker.json"),
            Actor("carrier", "oceanShipping", "外航船株式会社", "Ocean Network Express", "3010001000004",
                  home / "sessions" / "carrier.json"),
            Actor("trucker", "roadTransport", "港湾陸運株式会社", "Port Road Transport KK", "2010001000005",
                  home / "sessions" / "trucker.json"),
        ]:
            enrol(port, actor)
            port.actors[actor.key] = actor
    except BaseException:
        port.stop()
        raise
    return port


def enrol(port: Port, actor: Actor) -> None:
    """Registers the actor's company anonymously, approves it as the operator and logs its administrator in."""
    registered = port.identity_call("CompanyService/RegisterCompany", {
        "company": {
            "legalNameJa": actor.legal_name_ja, "legalNameEn": actor.legal_name_en,
            "corporateNumber": actor.corporate_number,
            "address": {"addressLine": "東京都港区海岸1-1-1"},
            "contact": {"personName": "港 太郎", "email": f"contact@{actor.key}.example"},
            "businessTypes": [{"businessType": actor.business_type, "evidenceDocument": f"permit-{actor.key}"}],
        },
        "administrator": {"email": actor.email, "displayName": f"{actor.key} admin", "password": actor.password},
    }, port.home / "sessions" / "anonymous.json", "--no-session")
    assert registered["company"]["status"] == "COMPANY_STATUS_PENDING", registered
    approved = port.identity_call("CompanyService/ApproveCompany", {"name": registered["company"]["name"]},
                                  port.operator)
    assert approved["status"] == "COMPANY_STATUS_APPROVED", approved
    port.login(actor.session, actor.email, actor.password)
    caller = port.whoami(actor.session)
    assert caller["organization"] == registered["organization"]
    assert caller["businessTypes"] == [actor.business_type], caller
    actor.organization = caller["organization"]


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    deployment = start_port(tmp_path_factory)
    yield deployment
    deployment.stop()


# --------------------------------------------------------------------------------------------------------------------
# Deals and forms through the CLI


class Trade:
    """A deal of the five actors, with the form calls of the scenario (each returns the printed JSON)."""

    def __init__(self, port: Port, deal: dict):
        self.port = port
        self.deal = deal
        self.name = deal["name"]
        a = port.actors
        self.shipper, self.forwarder, self.broker = a["shipper"], a["forwarder"], a["broker"]
        self.carrier, self.trucker = a["carrier"], a["trucker"]

    def form_name(self, form_id: str) -> str:
        return f"{self.name}/forms/{form_id}"

    def call(self, method: str, request: dict, by: Actor, expect: int = 0):
        return self.port.call(method, request, by.session, expect=expect)

    def create(self, code: str, by: Actor, key: str = "", expect: int = 0):
        request = {"parent": self.name, "formCode": code}
        if key:
            request["unitKey"] = key
        return self.call("FormService/CreateForm", request, by, expect)

    def get(self, form_id: str, by: Actor, expect: int = 0):
        return self.call("FormService/GetForm", {"name": self.form_name(form_id)}, by, expect)

    def update(self, form: dict, by: Actor, values: dict | None = None, groups: dict | None = None,
               expect: int = 0):
        """UpdateForm with the etag of `form` (the JSON a previous command printed); the mask names the fields."""
        values, groups = values or {}, groups or {}
        data = {"values": values, "groups": {
            name: {"rows": [{"values": row} for row in rows]} for name, rows in groups.items()}}
        request = {
            "form": {"name": form["name"], "etag": form["etag"], "data": data},
            "updateMask": ",".join([*values, *groups]),
        }
        return self.call("FormService/UpdateForm", request, by, expect)

    def send(self, form: dict, by: Actor, expect: int = 0):
        return self.call("FormService/SendForm", {"name": form["name"], "etag": form["etag"]}, by, expect)

    def form_ids(self, by: Actor, expect: int = 0):
        listed = self.call("FormService/ListForms", {"parent": self.name, "pageSize": 100}, by, expect)
        if expect:
            return listed
        assert "nextPageToken" not in listed, listed
        return [form["name"].rsplit("/", 1)[1] for form in listed.get("forms", [])]

    def timeline(self, by: Actor, form: str = "") -> list[dict]:
        request = {"parent": self.name, "pageSize": 200}
        if form:
            request["form"] = form
        listed = self.call("TimelineService/ListTimelineEntries", request, by)
        assert "nextPageToken" not in listed, listed
        return listed["timelineEntries"]


def open_deal(port: Port, direction: str, display_name: str) -> Trade:
    """The shipper creates the deal and adds its forwarder, customs broker, carrier and trucker."""
    shipper = port.actors["shipper"]
    deal = port.call("DealService/CreateDeal", {"deal": {
        "displayName": display_name, "direction": direction, "ownerBusinessType": shipper.business_type,
        "loadType": "FCL"}}, shipper.session)
    prefix = "EXP_" if direction == "EXPORT" else "IMP_"
    assert deal["dealNumber"].startswith(prefix) and deal["name"] == f"deals/{deal['dealNumber']}", deal
    assert deal["ownerOrganization"] == shipper.organization and deal["direction"] == direction, deal
    trade = Trade(port, deal)
    for actor in [trade.forwarder, trade.broker, trade.carrier, trade.trucker]:
        participant = port.call("DealService/AddParticipant", {
            "parent": trade.name,
            "participant": {"organization": actor.organization, "businessType": actor.business_type}},
            shipper.session)
        assert participant["organization"] == actor.organization, participant
        assert participant["businessType"] == actor.business_type, participant
        assert participant["addedByOrganization"] == shipper.organization, participant
    listed = port.call("DealService/ListParticipants", {"parent": trade.name}, trade.trucker.session)
    assert {p["businessType"] for p in listed["participants"]} == {
        "shipperOrConsignee", "forwarder", "customsBroker", "oceanShipping", "roadTransport"}, listed
    return trade


def values(form: dict) -> dict:
    return form.get("data", {}).get("values", {})


def rows(form: dict, group: str) -> list[dict]:
    return [row.get("values", {}) for row in form.get("data", {}).get("groups", {}).get(group, {}).get("rows", [])]


def recipients(form: dict) -> set[str]:
    return set(form.get("recipients", []))


def locks(form: dict) -> dict[str, str]:
    """Locked field → the form holding the lock."""
    return {lock["field"]: lock["lockedByForm"] for lock in form.get("lockedFields", [])}


def orgs(*actors: Actor) -> set[str]:
    return {actor.organization for actor in actors}


# --------------------------------------------------------------------------------------------------------------------
# The scenarios


def test_export_scenario_from_booking_request_to_bill_of_lading(port):
    t = open_deal(port, "EXPORT", "Machine parts to Los Angeles")
    shipper, forwarder, broker, carrier, trucker = t.shipper, t.forwarder, t.broker, t.carrier, t.trucker

    # 1. The shipper's booking request (UL010) goes to its forwarder and the carrier.
    request = t.create("UL010", shipper)
    assert request["state"] == "DRAFT" and request["callerPermission"] == "FORM_PERMISSION_READ_WRITE", request
    assert request["name"] == t.form_name("UL010") and not values(request), request
    written = t.update(request, shipper, values=BOOKING_REQUEST,
                       groups={"containerRequests": [{"sizeType": "22G1", "numberOfContainers": "2"}]})
    assert values(written) == BOOKING_REQUEST, written
    assert rows(written, "containerRequests") == [{"sizeType": "22G1", "numberOfContainers": "2"}]
    assert written["etag"] != request["etag"]
    stale = t.send(request, shipper, expect=ABORTED)
    assert "ABORTED" in stale and "STALE_ETAG" in stale, stale
    sent = t.send(written, shipper)
    assert sent["state"] == "SENT" and sent["sendTime"], sent
    assert recipients(sent) == orgs(forwarder, carrier), sent
    # The matrix gives the trucker and the customs broker nothing on UL010.
    denied = t.get("UL010", trucker, expect=PERMISSION_DENIED)
    assert "PERMISSION_DENIED" in denied and "roadTransport" in denied, denied
    t.create("UL010", broker, expect=PERMISSION_DENIED)
    receipt = t.call("FormService/MarkFormRead", {"name": sent["name"]}, carrier)
    assert receipt["organization"] == carrier.organization and receipt["readTime"], receipt
    assert receipt["name"] == f"{sent['name']}/readReceipts/{carrier.organization.rsplit('/', 1)[1]}", receipt
    receipts = t.call("FormService/ListReadReceipts", {"parent": sent["name"]}, shipper)
    assert [r["organization"] for r in receipts["readReceipts"]] == [carrier.organization], receipts
    assert receipts["unreadOrganizations"] == [forwarder.organization], receipts

    # 2. The carrier's booking confirmation (UL050) starts with the request's values; it adds vessel and cut-off.
    confirmation = t.create("UL050", carrier)
    assert values(confirmation)["portOfDischargeCode"] == "USLAX", confirmation
    assert values(confirmation)["shipperName"] == "Nippon Export Co.", confirmation
    assert rows(confirmation, "containerRequests") == [{"sizeType": "22G1", "numberOfContainers": "2"}]
    confirmation = t.update(confirmation, carrier, values=BOOKING_CONFIRMATION)
    confirmation = t.send(confirmation, carrier)
    assert recipients(confirmation) == orgs(shipper, forwarder, trucker), confirmation
    seen = t.get("UL050", trucker)
    assert seen["callerPermission"] == "FORM_PERMISSION_READ" and values(seen)["vesselName"] == "ONE HARMONY", seen
    t.get("UL050", broker, expect=PERMISSION_DENIED)

    # 3. The forwarder's S/I (UL040): the booking request's and the confirmation's values are there, and the
    # fields UL050 carries are locked by it once sent.
    instruction = t.create("UL040", forwarder)
    shown = values(instruction)
    assert shown["vesselName"] == "ONE HARMONY" and shown["bookingNo"] == "BK123456", instruction
    assert shown["portOfDischargeCode"] == "USLAX" and shown["commodity"] == "Machine parts", instruction
    assert locks(instruction)["vesselName"] == confirmation["name"], instruction
    locked = t.update(instruction, forwarder, values={"vesselName": "OTHER VESSEL"}, expect=FAILED_PRECONDITION)
    assert "FAILED_PRECONDITION" in locked and "vesselName" in locked and "FIELD_LOCKED" in locked, locked
    instruction = t.update(instruction, forwarder, values={"consigneeName": "US Buyer Inc.", "blType": "ORIGINAL"},
                           groups={"cargoLines": [CARGO_LINE]})
    assert rows(instruction, "cargoLines")[0]["hsCode"] == "848340000", instruction  # canonical form
    instruction = t.send(instruction, forwarder)
    assert recipients(instruction) == orgs(shipper, carrier, broker), instruction
    # The carrier reads the sent S/I but may not write it.
    assert t.get("UL040", carrier)["callerPermission"] == "FORM_PERMISSION_READ"
    t.update(instruction, carrier, values={"consigneeName": "Someone"}, expect=PERMISSION_DENIED)
    assert rows(t.get("UL040", broker), "cargoLines")[0]["description"] == "Machine parts"
    t.get("UL040", trucker, expect=PERMISSION_DENIED)

    # 4. Container data: the forwarder's load plan (UL140) per container fills the deal's container rows.
    for container, seal in [(FIRST, "SL001"), (SECOND, "SL002")]:
        plan = t.create("UL140", forwarder, key=container)
        assert plan["name"] == t.form_name(f"UL140~{container}") and plan["unitKey"] == container, plan
        assert values(plan)["vesselName"] == "ONE HARMONY", plan
        assert rows(plan, "stowedCargo")[0]["description"] == "Machine parts", plan
        plan = t.update(plan, forwarder, values={
            "sizeType": "22G1", "sealNo": seal, "cargoGrossWeight": "10200", "cargoGrossWeightUnit": "KGM",
            "verifiedGrossMass": "12400", "verifiedGrossMassUnit": "KGM", "dangerousGoods": "false"})
        assert values(plan)["sealNo"] == seal, plan

    # 5. The trucker's carry-in slips (UL090) show the container data, the booking and the forwarder's name.
    for container, seal in [(FIRST, "SL001"), (SECOND, "SL002")]:
        slip = t.create("UL090", trucker, key=container)
        shown = values(slip)
        assert shown["sealNo"] == seal and shown["cargoWeight"] == "10200", slip
        assert shown["containerDeliveryPlaceName"] == "Oi Terminal", slip
        assert shown["forwarderName"] == "Port Forwarding KK", slip
        slip = t.update(slip, trucker, values={
            "containerDeliveryDate": "2026-11-18", "containerDeliveryTime": "0930", "commodity": "Machine parts"})
        slip = t.send(slip, trucker)
        assert recipients(slip) == orgs(shipper, forwarder, carrier), slip

    # 6. The carrier's B/L (UL150): containers, cargo and the booking request's ports are there.
    bl = t.create("UL150", carrier)
    assert [row["containerNo"] for row in rows(bl, "containers")] == [FIRST, SECOND], bl
    assert rows(bl, "containers")[0]["sealNo"] == "SL001", bl
    shown = values(bl)
    assert shown["consigneeName"] == "US Buyer Inc." and shown["portOfDischargeCode"] == "USLAX", bl
    assert shown["commodity"] == "Machine parts" and shown["shipperName"] == "Nippon Export Co.", bl
    bl = t.update(bl, carrier, values={
        "blNo": "ONEYTYO000001", "issuedAt": "Tokyo", "issueDate": "2026-11-21", "ladenOnBoardDate": "2026-11-21",
        "numberOfBl": "3"})
    bl = t.send(bl, carrier)
    assert recipients(bl) == orgs(shipper, forwarder, broker), bl
    # The sent B/L locks the container rows: the trucker's slip can no longer change a seal.
    slip = t.get(f"UL090~{FIRST}", trucker)
    assert locks(slip)["sealNo"] == bl["name"], slip
    locked = t.update(slip, trucker, values={"sealNo": "SL999"}, expect=FAILED_PRECONDITION)
    assert "sealNo" in locked and "FIELD_LOCKED" in locked, locked

    # Each participant sees exactly what the matrix allows (drafts only with ReadWrite).
    everything = ["UL010", "UL040", "UL050", f"UL090~{FIRST}", f"UL090~{SECOND}", f"UL140~{FIRST}",
                  f"UL140~{SECOND}", "UL150"]
    assert t.form_ids(shipper) == everything
    assert t.form_ids(forwarder) == everything
    assert t.form_ids(carrier) == ["UL010", "UL040", "UL050", f"UL090~{FIRST}", f"UL090~{SECOND}", "UL150"]
    assert t.form_ids(trucker) == ["UL050", f"UL090~{FIRST}", f"UL090~{SECOND}"]
    assert t.form_ids(broker) == ["UL040", "UL150"]
    root = t.call("FormService/GetRootDocument", {"name": f"{t.name}/rootDocument"}, broker)
    shared = {value["path"]: value.get("value") for value in root["values"]}
    assert shared["billOfLading.number"] == "ONEYTYO000001", root
    assert "deal.containerDeliveryPlaceName" not in shared, root  # only on forms the broker may not read

    # The timeline has every step, in order; each participant sees what it may: the entries of the forms it may read
    # once sent, and a draft's entries only with ReadWrite on its code (so not the carrier's UL050 and UL150 drafts).
    entries = t.timeline(shipper)
    kinds = [entry["kind"] for entry in entries]
    assert kinds[:5] == ["DEAL_CREATED"] + ["PARTICIPANT_ADDED"] * 4, kinds
    created = [entry["form"].rsplit("/", 1)[1] for entry in entries if entry["kind"] == "FORM_CREATED"]
    assert created == ["UL010", "UL040", f"UL140~{FIRST}", f"UL140~{SECOND}", f"UL090~{FIRST}", f"UL090~{SECOND}"]
    sends = [entry["form"].rsplit("/", 1)[1] for entry in entries if entry["kind"] == "FORM_SENT"]
    assert sends == ["UL010", "UL050", "UL040", f"UL090~{FIRST}", f"UL090~{SECOND}", "UL150"], sends
    assert [entry["form"] for entry in entries if entry["kind"] == "FORM_READ"] == [request["name"]], kinds
    ids = [int(entry["name"].rsplit("/", 1)[1]) for entry in entries]
    assert ids == sorted(set(ids)) and all(e["name"].startswith(f"{t.name}/timelineEntries/") for e in entries), ids
    update = next(e for e in entries if e["kind"] == "FORM_UPDATED" and e["formCode"] == "UL010")
    assert {"field": "portOfDischargeCode", "newValue": "USLAX"} in update["changes"], update
    assert update["actorOrganization"] == shipper.organization, update
    broker_forms = {entry.get("formCode") for entry in t.timeline(broker)} - {None}
    assert broker_forms == {"UL040", "UL150"}, broker_forms
    bl_entries = t.timeline(carrier, form=bl["name"])
    assert [e["kind"] for e in bl_entries] == ["FORM_CREATED", "FORM_UPDATED", "FORM_SENT"], bl_entries


def test_import_scenario_from_arrival_notice_to_delivery_order(port):
    t = open_deal(port, "IMPORT", "Furniture from Shanghai")
    shipper, forwarder, broker, carrier, trucker = t.shipper, t.forwarder, t.broker, t.carrier, t.trucker

    # The carrier's arrival notice (UL290) reaches everyone who reads UL290.
    notice = t.create("UL290", carrier)
    notice = t.update(notice, carrier, values={
        "blNo": "ONEYSHA000777", "oceanCarrierName": "Ocean Network Express", "consigneeName": "Nippon Import KK",
        "vesselName": "ONE PROSPERITY", "voyageNo": "034W", "portOfLoading": "Shanghai", "portOfLoadingCode": "CNSHA",
        "portOfDischarge": "Tokyo", "portOfDischargeCode": "JPTYO", "etaPod": "2026-12-02", "commodity": "Furniture",
        "containerTerminalOperator": "Oi Terminal", "amountJpy": "120000", "currency": "USD",
        "amountForeign": "812.345",
    }, groups={"containers": [{"containerNo": FIRST, "sizeType": "42G1", "sealNo": "CN123"}]})
    notice = t.send(notice, carrier)
    assert recipients(notice) == orgs(shipper, forwarder, trucker, broker), notice
    read = t.get("UL290", shipper)
    assert read["callerPermission"] == "FORM_PERMISSION_READ" and values(read)["amountForeign"] == "812.345", read
    t.update(read, shipper, values={"commodity": "Chairs"}, expect=PERMISSION_DENIED)
    t.call("FormService/MarkFormRead", {"name": notice["name"]}, shipper)
    t.call("FormService/MarkFormRead", {"name": notice["name"]}, trucker)
    receipts = t.call("FormService/ListReadReceipts", {"parent": notice["name"]}, carrier)
    assert {r["organization"] for r in receipts["readReceipts"]} == orgs(shipper, trucker), receipts
    assert set(receipts["unreadOrganizations"]) == orgs(forwarder, broker), receipts

    # The consignee's import instruction (UL270) shows the notice's data, locked by it.
    instruction = t.create("UL270", shipper)
    assert values(instruction)["vesselName"] == "ONE PROSPERITY", instruction
    locked = t.update(instruction, shipper, values={"vesselName": "OTHER"}, expect=FAILED_PRECONDITION)
    assert "vesselName" in locked and "FIELD_LOCKED" in locked, locked

    # The carrier's delivery order (UL300) carries the notice's B/L, terminal and containers over.
    order = t.create("UL300", carrier)
    assert values(order)["blNo"] == "ONEYSHA000777", order
    assert values(order)["containerTerminalOperator"] == "Oi Terminal", order
    assert rows(order, "containers") == [{"containerNo": FIRST, "sizeType": "42G1", "sealNo": "CN123"}], order
    order = t.update(order, carrier, values={"deliveryOrderNo": "DO-0001", "issueDate": "2026-12-03"})
    order = t.send(order, carrier)
    assert trucker.organization in recipients(order), order
    assert rows(t.get("UL300", trucker), "containers")[0]["containerNo"] == FIRST
    assert values(t.get("UL300", broker))["deliveryOrderNo"] == "DO-0001"
    assert t.form_ids(trucker) == ["UL290", "UL300"]
    assert t.form_ids(shipper) == ["UL270", "UL290", "UL300"]
    # Export-only forms do not exist in an import deal.
    wrong = t.create("UL010", shipper, expect=INVALID_ARGUMENT)
    assert "form_code" in wrong, wrong
    sends = [e["formCode"] for e in t.timeline(trucker) if e["kind"] == "FORM_SENT"]
    assert sends == ["UL290", "UL300"], sends


# --------------------------------------------------------------------------------------------------------------------
# docs/deals-walkthrough.md, as written

WALKTHROUGH = support.REPO_ROOT / "docs" / "deals-walkthrough.md"


@pytest.fixture
def bare_port(tmp_path_factory):
    """Identity and Deals with the operator run-local.sh creates, and no companies yet."""
    deployment = start_port(tmp_path_factory, operator_email="operator@cyberport.localhost", with_actors=False)
    yield deployment
    deployment.stop()


@pytest.mark.slow
@pytest.mark.timeout(300)  # some 170 commands and helper calls: seconds on an idle machine, more on a busy CI runner
def test_the_walkthrough_runs_as_written(bare_port, tmp_path):
    """Runs the walkthrough's shell blocks (all but the one starting the services) in one bash, against this
    module's servers instead of run-local.sh's ports, and checks the outcomes it shows."""
    blocks = [b for b in re.findall(r"```sh\n(.*?)```", WALKTHROUGH.read_text(), re.S)
              if not b.startswith("# terminal 1")]
    script = "set -u\n" + "\n".join(blocks)
    for documented, real in [("127.0.0.1:50051", bare_port.identity.address),
                             ("127.0.0.1:50052", bare_port.deals.address)]:
        assert documented in script, f"the walkthrough no longer names {documented}"
        script = script.replace(documented, real)
    # run-local.sh keeps the operator's password in data/operator-password under the repository root.
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "operator-password").write_text(OPERATOR_PASSWORD + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CYBERPORT_")}
    # This interpreter's directory first: a python3 that is a version manager's shim costs a noticeable startup
    # time on each of the helpers' many calls.
    env["PATH"] = os.pathsep.join([str(support.bin_dir()), str(Path(sys.executable).parent), env.get("PATH", "")])
    env["TMPDIR"] = str(tmp_path)
    run = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=240)
    out = run.stdout
    assert run.returncode == 0, out
    for problem in ["Traceback", "command not found", "No such file", "unbound variable", "usage:"]:
        assert problem not in out, out
    errors = re.findall(r"^ERROR (\w+)", out, re.M)
    assert errors == ["ABORTED", "PERMISSION_DENIED", "FAILED_PRECONDITION", "PERMISSION_DENIED",
                      "FAILED_PRECONDITION", "FAILED_PRECONDITION", "INVALID_ARGUMENT"], out
    assert re.findall(r"^exit status (\d+)", out, re.M) == ["10", "7", "9", "9"], out
    assert out.count("COMPANY_STATUS_PENDING") == 5 and out.count("COMPANY_STATUS_APPROVED") == 5, out
    lines = out.splitlines()
    for expected in [
        '["forwarder", "carrier"]', '["shipper", "forwarder", "trucker"]', '["shipper", "broker", "carrier"]',
        '["shipper", "forwarder", "broker"]', '["shipper", "forwarder", "broker", "trucker"]',
        "vesselName: ONE HARMONY", "  forwarderName: Port Forwarding KK", "US Buyer Inc.", "ONE PROSPERITY",
        "blNo: ONEYSHA000777",
        f"shipper   UL010 UL040 UL050 UL090~{FIRST} UL090~{SECOND} UL140~{FIRST} UL140~{SECOND} UL150",
        f"carrier   UL010 UL040 UL050 UL090~{FIRST} UL090~{SECOND} UL150",
        f"trucker   UL050 UL090~{FIRST} UL090~{SECOND}",
        "broker    UL040 UL150",
        "UL290 UL300",
    ]:
        assert expected in lines, f"{expected!r} is not a line of the output:\n{out}"
    assert len([line for line in lines if line == "SENT"]) == 4, out
    assert re.search(r"^ +28 FORM_SENT +UL150$", out, re.M), out
