// swift-tools-version:6.0
// Cyber Port Open: four gRPC services (Identity, Deals, Naccs, Stats) on a shared protocol module (protobuf-c) and a
// gRPC runtime on nghttp2 + SwiftNIO. See README.md for the layout.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "CyberPortOpen",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cyberport", targets: ["cyberport"]),
        .executable(name: "cyberport-identity", targets: ["IdentityService"]),
        .executable(name: "cyberport-deals", targets: ["DealsService"]),
        .executable(name: "cyberport-naccs", targets: ["NaccsService"]),
        .executable(name: "cyberport-stats", targets: ["StatsService"]),
        .executable(name: "port-interop-server", targets: ["InteropServer"]),
        .executable(name: "port-protogen", targets: ["ProtoGen"]),
        .executable(name: "port-load", targets: ["LoadGenerator"]),
        .executable(name: "port-identity-bench", targets: ["IdentityBench"]),
        .executable(name: "port-deals-bench", targets: ["DealsBench"]),
        .executable(name: "naccs-simulator", targets: ["NaccsSimulator"]),
        .executable(name: "port-naccs-bench", targets: ["NaccsBench"]),
        .executable(name: "port-stats-bench", targets: ["StatsBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // C at the edges: the system libraries and the protoc-c generated protocol module.
        .systemLibrary(
            name: "CNGHTTP2", path: "Sources/CNGHTTP2",
            providers: [.apt(["libnghttp2-dev"])]),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "CPortProtocol", path: "Sources/CPortProtocol",
            cSettings: [.headerSearchPath(".")],
            linkerSettings: [.linkedLibrary("protobuf-c")]),

        // Shared Swift libraries.
        .target(name: "PortDescriptors", path: "Sources/PortDescriptors", swiftSettings: swiftSettings),
        .target(
            name: "PortProtocol", dependencies: ["CPortProtocol"], path: "Sources/PortProtocol",
            swiftSettings: swiftSettings),
        .target(
            name: "PortRPC",
            dependencies: [
                "CNGHTTP2", "PortProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PortRPC", swiftSettings: swiftSettings),
        .target(
            name: "PortAPI", dependencies: ["PortProtocol", "PortRPC", "CPortProtocol"], path: "Sources/PortAPI",
            swiftSettings: swiftSettings),
        .target(
            name: "PortInterop", dependencies: ["PortAPI", "PortRPC", "PortProtocol"], path: "Sources/PortInterop",
            swiftSettings: swiftSettings),
        .target(
            name: "PortStore",
            dependencies: [
                "CSQLite", "CLibPQ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PortStore", swiftSettings: swiftSettings),
        .target(name: "PortCrypto", dependencies: ["CSodium"], path: "Sources/PortCrypto", swiftSettings: swiftSettings),
        .target(
            name: "PortAuth",
            dependencies: [
                "PortCrypto", "PortRPC", "PortProtocol",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PortAuth", swiftSettings: swiftSettings),
        .target(
            name: "PortServiceKit",
            dependencies: [
                "PortAPI", "PortRPC", "PortProtocol", "PortDescriptors", "PortStore", "PortAuth",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/PortServiceKit", swiftSettings: swiftSettings),
        // Outbound webhooks: a durable outbox in the service's own database, a delivery worker, a libcurl poster.
        .target(
            name: "PortWebhooks",
            dependencies: [
                "CCurl", "PortStore", "PortCrypto", "PortServiceKit", "PortAPI", "PortRPC", "PortProtocol", "PortAuth",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/PortWebhooks", swiftSettings: swiftSettings),
        // NACCS: the message format (pure Swift, the catalog embedded from catalog/), and the link to NACCS over TCP.
        // Domain validators shared by the services: ISO 6346 container numbers, IMO numbers, UN/LOCODE, HS codes,
        // UN numbers and IMDG classes, Number(p,s), dates, times, seals (pure Swift).
        .target(name: "PortValidation", path: "Sources/PortValidation", swiftSettings: swiftSettings),
        .target(
            name: "NaccsMessages", dependencies: ["PortValidation"], path: "Sources/NaccsMessages", exclude: ["catalog"],
            swiftSettings: swiftSettings),
        .target(
            name: "NaccsLink",
            dependencies: [
                "NaccsMessages",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/NaccsLink", swiftSettings: swiftSettings),

        // The four services.
        .target(
            name: "IdentityKit",
            dependencies: [
                "PortServiceKit", "PortAPI", "PortRPC", "PortProtocol", "PortStore", "PortAuth", "PortCrypto",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Identity/IdentityKit", swiftSettings: swiftSettings),
        .executableTarget(
            name: "IdentityService",
            dependencies: [
                "IdentityKit", "PortServiceKit", "PortCrypto", "PortStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/Identity/Executable", swiftSettings: swiftSettings),
        .target(
            name: "DealsKit",
            dependencies: [
                "PortServiceKit", "PortAPI", "PortRPC", "PortProtocol", "PortStore", "PortAuth", "PortWebhooks", "PortValidation",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Services/Deals/DealsKit", swiftSettings: swiftSettings),
        .executableTarget(
            name: "DealsService",
            dependencies: [
                "DealsKit", "PortServiceKit", "PortStore", "PortRPC", "PortAuth", "PortWebhooks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Deals/Executable", swiftSettings: swiftSettings),
        .target(
            name: "NaccsKit",
            dependencies: [
                "PortServiceKit", "PortAPI", "PortRPC", "PortProtocol", "PortStore", "PortAuth", "PortCrypto", "PortWebhooks",
                "NaccsMessages", "NaccsLink",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Services/Naccs/NaccsKit", swiftSettings: swiftSettings),
        .executableTarget(
            name: "NaccsService",
            dependencies: [
                "NaccsKit", "NaccsLink", "PortServiceKit", "PortStore", "PortRPC", "PortAuth", "PortWebhooks", "PortCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Naccs/Executable", swiftSettings: swiftSettings),
        .target(
            name: "StatsKit",
            dependencies: [
                "PortServiceKit", "PortAPI", "PortRPC", "PortProtocol", "PortStore", "PortAuth", "PortValidation",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Stats/StatsKit", swiftSettings: swiftSettings),
        .executableTarget(
            name: "StatsService",
            dependencies: [
                "StatsKit", "PortServiceKit", "PortStore", "PortRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/Stats/Executable", swiftSettings: swiftSettings),

        // Tools.
        .executableTarget(
            name: "ProtoGen", dependencies: ["PortDescriptors"], path: "Tools/ProtoGen",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "cyberport",
            dependencies: [
                "PortRPC", "PortDescriptors", "PortAPI", "PortProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/cyberport", swiftSettings: swiftSettings),
        .executableTarget(
            name: "InteropServer",
            dependencies: [
                "PortServiceKit", "PortInterop",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/InteropServer", swiftSettings: swiftSettings),
        .executableTarget(
            name: "LoadGenerator",
            dependencies: [
                "PortRPC", "PortAPI", "PortProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/LoadGenerator", swiftSettings: swiftSettings),
        // Shared by the benchmark tools: timed windows, concurrent callers, CPU sampling, machine facts, number formats.
        .target(name: "BenchKit", path: "Tools/BenchKit", swiftSettings: swiftSettings),
        // Shared by the service benchmarks: Identity in-process on a benchmark database (SQLite or PostgreSQL),
        // companies, users, API keys and access tokens.
        .target(
            name: "BenchFixtures",
            dependencies: [
                "BenchKit", "IdentityKit", "PortStore", "PortAuth", "PortCrypto", "PortRPC", "PortAPI", "PortProtocol",
                "PortServiceKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/BenchFixtures", swiftSettings: swiftSettings),
        .executableTarget(
            name: "IdentityBench",
            dependencies: [
                "BenchKit", "BenchFixtures", "IdentityKit", "PortStore", "PortAuth", "PortCrypto", "PortRPC", "PortAPI", "PortProtocol", "PortServiceKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/IdentityBench", swiftSettings: swiftSettings),
        .executableTarget(
            name: "DealsBench",
            dependencies: [
                "BenchKit", "BenchFixtures", "DealsKit", "IdentityKit", "PortStore", "PortAuth", "PortCrypto", "PortRPC", "PortAPI",
                "PortProtocol", "PortServiceKit", "PortWebhooks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/DealsBench", swiftSettings: swiftSettings),
        .target(
            name: "NaccsSimulatorKit",
            dependencies: [
                "NaccsMessages", "NaccsLink",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/NaccsSimulator/NaccsSimulatorKit", swiftSettings: swiftSettings),
        .executableTarget(
            name: "NaccsSimulator",
            dependencies: [
                "NaccsSimulatorKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/NaccsSimulator/Executable", swiftSettings: swiftSettings),
        .executableTarget(
            name: "NaccsBench",
            dependencies: [
                "BenchKit", "BenchFixtures", "NaccsKit", "NaccsLink", "NaccsSimulatorKit", "DealsKit", "IdentityKit", "PortStore",
                "PortAuth", "PortCrypto", "PortRPC", "PortAPI", "PortProtocol", "PortServiceKit", "PortWebhooks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/NaccsBench", swiftSettings: swiftSettings),
        .executableTarget(
            name: "StatsBench",
            dependencies: [
                "BenchKit", "StatsKit", "PortStore", "PortAuth", "PortCrypto", "PortRPC", "PortAPI", "PortProtocol", "PortServiceKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/StatsBench", swiftSettings: swiftSettings),

        // Tests.
        // Shared by IdentityTests, DealsTests and StatsTests: the storage backends, the in-process Identity harness and the
        // RPC-error expectations.
        .target(
            name: "CyberPortTestSupport",
            dependencies: [
                "IdentityKit", "PortStore", "PortAuth", "PortCrypto", "PortRPC", "PortAPI", "PortProtocol", "PortServiceKit",
                "PortWebhooks",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/CyberPortTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "PortDescriptorsTests", dependencies: ["PortDescriptors"], path: "Tests/PortDescriptorsTests",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PortProtocolTests", dependencies: ["PortProtocol", "PortAPI", "PortDescriptors"], path: "Tests/PortProtocolTests",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PortStoreTests",
            dependencies: ["PortStore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/PortStoreTests",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "PortAuthTests",
            dependencies: ["PortAuth", "PortCrypto", "PortRPC", "PortProtocol", .product(name: "Logging", package: "swift-log")],
            path: "Tests/PortAuthTests",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "DealsTests",
            dependencies: [
                "CyberPortTestSupport", "DealsKit", "PortValidation", "IdentityKit", "PortAPI", "PortRPC", "PortProtocol", "PortStore", "PortAuth",
                "PortServiceKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/DealsTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "StatsTests",
            dependencies: [
                "CyberPortTestSupport", "StatsKit", "DealsKit", "IdentityKit", "PortAPI", "PortRPC", "PortProtocol", "PortStore",
                "PortAuth", "PortServiceKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/StatsTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "PortRPCTests",
            dependencies: ["PortRPC", "PortAPI", "PortProtocol", "PortServiceKit", "PortInterop",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio")],
            path: "Tests/PortRPCTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "IdentityTests",
            dependencies: [
                "CyberPortTestSupport", "IdentityKit", "PortStore", "PortAuth", "PortCrypto", "PortRPC", "PortAPI", "PortProtocol",
                "PortServiceKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/IdentityTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "PortWebhooksTests",
            dependencies: [
                "PortWebhooks", "CyberPortTestSupport", "PortStore", "PortCrypto", "PortServiceKit", "PortAPI", "PortRPC",
                "PortProtocol", "PortAuth",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/PortWebhooksTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "NaccsMessagesTests", dependencies: ["NaccsMessages"], path: "Tests/NaccsMessagesTests",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "NaccsTests",
            dependencies: [
                "CyberPortTestSupport", "NaccsKit", "DealsKit", "IdentityKit", "NaccsSimulatorKit", "NaccsLink", "NaccsMessages",
                "PortAPI", "PortRPC", "PortProtocol", "PortStore", "PortAuth", "PortServiceKit", "PortWebhooks", "PortCrypto",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/NaccsTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "NaccsSimulatorTests",
            dependencies: [
                "NaccsSimulatorKit", "NaccsLink", "NaccsMessages",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/NaccsSimulatorTests", swiftSettings: swiftSettings),
    ]
)
