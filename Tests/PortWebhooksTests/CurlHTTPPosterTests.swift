import CyberPortTestSupport
import PortWebhooks
import Testing

/// The libcurl poster against a real HTTP server on loopback.
@Suite("CurlHTTPPoster", .timeLimit(.minutes(1)))
struct CurlHTTPPosterTests {
    @Test("posts the body and headers and returns the status and body")
    func post() async throws {
        try await withReceiver({ _, _ in .respond(201, body: Array("accepted".utf8)) }) { receiver in
            let poster = CurlHTTPPoster(threads: 2, userAgent: "test-agent/2")
            let body = Array(#"{"こんにちは":[1,2,3]}"#.utf8) + Array(repeating: UInt8(ascii: " "), count: 5000)
            let response = try await poster.post(HTTPPostRequest(
                url: receiver.url("/in?x=1"), headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-Custom", "v")],
                body: body))
            await poster.shutdown()
            #expect(response == HTTPPostResponse(statusCode: 201, body: Array("accepted".utf8), bodyTruncated: false))
            let request = try #require(receiver.requests.first)
            #expect(receiver.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.uri == "/in?x=1")
            #expect(request.body == body)
            #expect(request.header("content-type") == "application/json")
            #expect(request.header("x-custom") == "v")
            #expect(request.header("user-agent") == "test-agent/2")
            #expect(request.header("expect") == nil, "no 100-continue round trip")
        }
    }

    @Test("redirects are returned, not followed")
    func noRedirects() async throws {
        try await withReceiver({ _, _ in .respond(302, headers: [("Location", "/elsewhere")]) }) { receiver in
            let poster = CurlHTTPPoster(threads: 1)
            let response = try await poster.post(HTTPPostRequest(url: receiver.url(), headers: [], body: Array("{}".utf8)))
            await poster.shutdown()
            #expect(response.statusCode == 302)
            #expect(receiver.requests.count == 1)
        }
    }

    @Test("reads at most the response limit")
    func responseLimit() async throws {
        let large = [UInt8](repeating: UInt8(ascii: "a"), count: 200_000)
        try await withReceiver({ _, _ in .respond(200, body: large) }) { receiver in
            let poster = CurlHTTPPoster(threads: 1, maxResponseBytes: 100)
            let response = try await poster.post(HTTPPostRequest(url: receiver.url(), headers: [], body: []))
            await poster.shutdown()
            #expect(response.statusCode == 200)
            #expect(response.body == Array(large.prefix(100)))
            #expect(response.bodyTruncated)
        }
    }

    @Test("connection failures, timeouts, bad URLs, cancellation and shutdown are typed errors")
    func errors() async throws {
        let poster = CurlHTTPPoster(threads: 2)
        // A port that was just closed.
        let closed = try await WebhookReceiver.start()
        let closedURL = closed.url()
        await closed.stop()
        do throws(HTTPPostError) {
            _ = try await poster.post(HTTPPostRequest(url: closedURL, headers: [], body: []))
            Issue.record("a closed port accepted the request")
        } catch {
            guard case .connectionFailed = error else { Issue.record("expected connectionFailed, got \(error)"); return }
        }
        do throws(HTTPPostError) {
            _ = try await poster.post(HTTPPostRequest(url: "ftp://127.0.0.1/x", headers: [], body: []))
            Issue.record("ftp:// was accepted")
        } catch {
            guard case .invalidURL = error else { Issue.record("expected invalidURL, got \(error)"); return }
        }

        try await withReceiver({ _, _ in .hold }) { receiver in
            do throws(HTTPPostError) {
                _ = try await poster.post(HTTPPostRequest(
                    url: receiver.url(), headers: [], body: [], connectTimeout: .seconds(5), totalTimeout: .milliseconds(200)))
                Issue.record("a held request did not time out")
            } catch {
                guard case .timedOut = error else { Issue.record("expected timedOut, got \(error)"); return }
            }

            let task = Task { () async throws -> HTTPPostResponse in
                try await poster.post(HTTPPostRequest(url: receiver.url(), headers: [], body: [], totalTimeout: .seconds(60)))
            }
            try await eventually("the request is held") { receiver.heldCount == 2 }
            task.cancel()
            let result = await task.result
            guard case .failure(let error) = result, error as? HTTPPostError == .cancelled else {
                Issue.record("expected cancelled, got \(result)")
                return
            }
        }
        await poster.shutdown()
        do throws(HTTPPostError) {
            _ = try await poster.post(HTTPPostRequest(url: "http://127.0.0.1:1/", headers: [], body: []))
            Issue.record("a shut-down poster posted")
        } catch {
            #expect(error == .shutDown)
        }
    }
}
