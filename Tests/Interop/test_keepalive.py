"""Keepalive and the ping-strike policy (gRPC core's defaults: pings closer than 5 minutes apart while no call is
active count as strikes; after 2 strikes the server sends GOAWAY ENHANCE_YOUR_CALM "too_many_pings")."""

from __future__ import annotations

import time

import support
from rawh2 import ErrorCodes, RawH2


def test_pings_without_calls_end_in_too_many_pings(interop_server):
    with RawH2(interop_server.port) as conn:
        conn.wait_until(lambda: conn.events.settings or conn.ended, 5)
        for index in range(6):
            if conn.ended:
                break
            conn.send(RawH2.ping(index.to_bytes(8, "big")))
            conn.wait_until(lambda: conn.events.ping_acks > index or conn.ended, 5)
        conn.wait_until(lambda: conn.ended, 5)
        assert conn.events.goaway, f"four quick PINGs with no call should end the connection: {conn.goaway_summary()}"
        code, _, debug = conn.events.goaway[-1]
        assert code == ErrorCodes.ENHANCE_YOUR_CALM and debug == b"too_many_pings", conn.goaway_summary()
        assert conn.events.ping_acks >= 3, f"PINGs before the last strike are answered: {conn.events.ping_acks}"
    support.assert_serving(interop_server, "the ping-strike GOAWAY")


def test_server_keepalive_pings_an_idle_connection_and_closes_it_without_an_ack(tmp_path):
    with support.running_server(
        "port-interop-server", ["--keepalive-time", "0.3", "--keepalive-timeout", "1.0"]
    ) as server:
        with RawH2(server.port, ack_pings=False) as silent:
            silent.wait_until(lambda: silent.events.settings or silent.ended, 5)
            assert silent.wait_until(lambda: silent.events.pings_received >= 1, 5), "no keepalive PING within 5 s"
            assert silent.wait_closed(5), "the server kept a connection that never answered its keepalive PING"

        with RawH2(server.port) as answering:
            answering.wait_until(lambda: answering.events.settings or answering.ended, 5)
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline and not answering.ended:
                answering.pump(0.1)
            assert not answering.ended, f"a connection that answers keepalive PINGs was closed: {answering.goaway_summary()}"
            assert answering.events.pings_received >= 2, f"expected repeated keepalive PINGs, got {answering.events.pings_received}"
        support.assert_serving(server, "keepalive closing a silent connection")
