"""The four Cyber Port services through a stock client: the catalogue each one publishes, per its .proto contract
(List ordered and paged, Get by resource name, NOT_FOUND for an unknown name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import grpc
import pytest
import support
from support import PB


@dataclass
class Catalogue:
    executable: str
    stub: Callable
    list_method: str
    list_request: Any
    items_field: str
    get_method: str
    get_request: Any
    name_prefix: str  # resource names are f"{name_prefix}{key}"
    key: Callable  # item -> the key in its resource name
    order: Callable  # item -> sort key of the documented order
    unknown_name: str


CATALOGUES = {
    "identity": Catalogue(
        "cyberport-identity",
        PB.identity_grpc.IdentityServiceStub,
        "ListBusinessTypes",
        PB.identity.ListBusinessTypesRequest,
        "business_types",
        "GetBusinessType",
        PB.identity.GetBusinessTypeRequest,
        "businessTypes/",
        lambda i: i.key,
        lambda i: i.id,
        "businessTypes/noSuchType",
    ),
    "deals": Catalogue(
        "cyberport-deals",
        PB.deals_grpc.DealServiceStub,
        "ListFormDefinitions",
        PB.deals.ListFormDefinitionsRequest,
        "form_definitions",
        "GetFormDefinition",
        PB.deals.GetFormDefinitionRequest,
        "formDefinitions/",
        lambda i: i.code,
        lambda i: i.code,
        "formDefinitions/UL999X",
    ),
    "naccs": Catalogue(
        "cyberport-naccs",
        PB.naccs_grpc.NaccsServiceStub,
        "ListNaccsProcedures",
        PB.naccs.ListNaccsProceduresRequest,
        "procedures",
        "GetNaccsProcedure",
        PB.naccs.GetNaccsProcedureRequest,
        "naccsProcedures/",
        lambda i: i.code,
        lambda i: i.form_id,
        "naccsProcedures/ZZZZ",
    ),
    "stats": Catalogue(
        "cyberport-stats",
        PB.stats_grpc.StatisticalTableServiceStub,
        "ListSurveyTables",
        PB.stats.ListSurveyTablesRequest,
        "survey_tables",
        "GetSurveyTable",
        PB.stats.GetSurveyTableRequest,
        "surveyTables/",
        lambda i: str(i.number),
        lambda i: i.number,
        "surveyTables/99",
    ),
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Each executable started once for the whole module (on first use), stopped at the end."""
    started: dict[str, support.ServerProcess] = {}

    def get(executable: str) -> support.ServerProcess:
        if executable not in started:
            started[executable] = support.start_server(executable, log_dir=tmp_path_factory.mktemp("logs"))
        return started[executable]

    yield get
    for server in started.values():
        server.stop()


@pytest.fixture(params=list(CATALOGUES))
def catalogue(request, servers):
    cat = CATALOGUES[request.param]
    server = servers(cat.executable)
    with support.channel(server.port) as ch:
        yield cat, cat.stub(ch), server


def _stub(servers, key: str):
    cat = CATALOGUES[key]
    server = servers(cat.executable)
    ch = support.channel(server.port)
    return cat, cat.stub(ch), ch


def _list(cat, stub, **fields):
    return getattr(stub, cat.list_method)(cat.list_request(**fields), timeout=10)


def _all_items(cat, stub):
    reply = _list(cat, stub, page_size=100)
    return list(getattr(reply, cat.items_field)), reply


def test_list_returns_the_whole_catalogue_in_order(catalogue):
    cat, stub, _ = catalogue
    items, reply = _all_items(cat, stub)
    assert items, f"{cat.list_method} returned no entries"
    assert reply.total_size == len(items), f"total_size {reply.total_size} but {len(items)} entries on one page of 100"
    assert reply.next_page_token == "", f"all entries fit one page, yet next_page_token={reply.next_page_token!r}"
    keys = [cat.order(i) for i in items]
    assert keys == sorted(keys), f"{cat.list_method} is not in the documented order: {keys}"
    names = [i.name for i in items]
    assert len(set(names)) == len(names), f"duplicate resource names: {names}"
    for item in items:
        assert item.name == f"{cat.name_prefix}{cat.key(item)}", f"resource name {item.name!r} of {item}"
    default_page = list(getattr(_list(cat, stub), cat.items_field))
    assert len(default_page) == min(len(items), 50), (
        f"page_size 0 means the default of 50: got {len(default_page)} of {len(items)} entries"
    )


def test_list_pages_walk_the_same_catalogue(catalogue):
    cat, stub, _ = catalogue
    items, _ = _all_items(cat, stub)
    walked, token = [], ""
    for _ in range(len(items) + 2):  # bounded: one page per entry, plus slack
        reply = _list(cat, stub, page_size=2, page_token=token)
        page = list(getattr(reply, cat.items_field))
        assert len(page) <= 2, f"page_size=2 returned {len(page)} entries"
        walked.extend(page)
        token = reply.next_page_token
        if not token:
            break
    else:
        pytest.fail(f"paging with page_size=2 did not end after {len(items) + 2} pages")
    assert [i.name for i in walked] == [i.name for i in items], "paging returns other entries than one big page"


def test_get_each_entry_by_name(catalogue):
    cat, stub, _ = catalogue
    items, _ = _all_items(cat, stub)
    for item in items:
        got = getattr(stub, cat.get_method)(cat.get_request(name=item.name), timeout=10)
        assert got == item, f"{cat.get_method}({item.name!r}) returned {got}, the list has {item}"


def test_get_unknown_name_is_not_found(catalogue):
    cat, stub, server = catalogue
    with pytest.raises(grpc.RpcError) as info:
        getattr(stub, cat.get_method)(cat.get_request(name=cat.unknown_name), timeout=10)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND, (
        f"{server.executable}: {cat.get_method}({cat.unknown_name!r}): expected NOT_FOUND, got {info.value.code()}"
    )


def test_identity_has_the_twelve_business_types(servers):
    cat, stub, ch = _stub(servers, "identity")
    with ch:
        items, _ = _all_items(cat, stub)
    ids = [b.id for b in items]
    assert ids == list(range(1, 13)), f"the 12 business types have ids 1..12 in order; got {ids}"
    assert all(b.key and b.display_name_ja for b in items), "every business type has a key and a Japanese name"


def test_stats_survey_table_numbers(servers):
    cat, stub, ch = _stub(servers, "stats")
    with ch:
        items, _ = _all_items(cat, stub)
    numbers = [i.number for i in items]
    assert numbers and all(1 <= n <= 5 for n in numbers), f"survey tables are numbered 1..5; got {numbers}"


@pytest.mark.parametrize("direction", ["EXPORT", "IMPORT"])
def test_deals_filter_by_direction(servers, direction):
    cat, stub, ch = _stub(servers, "deals")
    value = PB.deals.TradeDirection.Value(direction)
    with ch:
        everything, _ = _all_items(cat, stub)
        filtered = list(_list(cat, stub, page_size=100, direction=value).form_definitions)
    expected = [f.name for f in everything if value in f.directions]
    assert expected, f"no form is used in direction {direction}"
    assert [f.name for f in filtered] == expected, f"direction={direction}: got {[f.name for f in filtered]}"


@pytest.mark.parametrize("kind", ["REGISTER", "CALL", "REGISTER_AND_CALL", "INQUIRY"])
def test_naccs_filter_by_kind(servers, kind):
    cat, stub, ch = _stub(servers, "naccs")
    value = PB.naccs.ProcedureKind.Value(kind)
    with ch:
        everything, _ = _all_items(cat, stub)
        filtered = list(_list(cat, stub, page_size=100, kind=value).procedures)
    expected = [p.name for p in everything if p.kind == value]
    assert [p.name for p in filtered] == expected, f"kind={kind}: got {[p.name for p in filtered]}"
