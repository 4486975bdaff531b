// swift-tools-version:6.1
// The comparison peer for the benchmark suite: grpc.testing.BenchmarkService on stock grpc-swift-2
// (GRPCCore + GRPCNIOTransportHTTP2 + GRPCProtobuf). A separate package so the main build never depends on it.
import PackageDescription

let package = Package(
    name: "GRPCSwiftBaseline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "grpc-swift-baseline-server", targets: ["GRPCSwiftBaselineServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "GRPCSwiftBaselineServer",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/GRPCSwiftBaselineServer",
            swiftSettings: [.swiftLanguageMode(.v6)]),
    ]
)
