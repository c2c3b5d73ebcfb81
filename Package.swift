// swift-tools-version: 6.1
import PackageDescription

/// Conóceles: one package, one binary (`conoceles`), targets by responsibility (docs/DESIGN in shared/).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "conoceles",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "conoceles", targets: ["Conoceles"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", exact: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        .package(url: "https://github.com/apple/swift-system.git", exact: "1.8.1"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", exact: "2.5.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", exact: "1.5.0"),
    ],
    targets: [
        // Domain values and rules. No I/O.
        .target(name: "ConocelesCore", swiftSettings: swiftSettings),
        // Typed configuration (config/conoceles.yaml + CONOCELES_* environment) and process/catalog loading.
        .target(
            name: "ConocelesConfig",
            dependencies: [
                "ConocelesCore",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL plumbing shared by the queue and the application: the migrator (one
        // version space, several owners), the migration policy, error text.
        .target(
            name: "PostgresSupport",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The generic PostgreSQL-backed job queue, with its own schema (Migrations/). Knows nothing of elections.
        .target(
            name: "JobQueue",
            dependencies: [
                "PostgresSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        // C shim that owns every setjmp/longjmp of libjpeg and libpng.
        .target(
            name: "CImagingShim",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png")]
        ),
        .target(name: "Imaging", dependencies: ["CImagingShim"], swiftSettings: swiftSettings),
        // C shim with typed wrappers around libcurl's variadic calls.
        .target(name: "CMailShim", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "Mail", dependencies: ["CMailShim"], swiftSettings: swiftSettings),
        // PostgreSQL schema (numbered migrations), repositories, encryption of sensitive columns.
        .target(
            name: "Storage",
            dependencies: [
                "ConocelesCore", "PostgresSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        // The arguments of every job kind (each carrying its kind) and the enqueue helpers:
        // what the web imports to enqueue, without the workers.
        .target(
            name: "JobArguments",
            dependencies: ["JobQueue", "Storage"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ConocelesJobs",
            dependencies: [
                "ConocelesCore", "ConocelesConfig", "JobQueue", "JobArguments", "Imaging", "Mail", "Storage",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ConocelesWeb",
            dependencies: [
                "ConocelesCore", "ConocelesConfig", "Storage", "JobQueue", "JobArguments", "ConocelesJobs",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            resources: [.copy("Templates"), .copy("Static")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Conoceles",
            dependencies: [
                "ConocelesCore", "ConocelesConfig", "ConocelesJobs", "ConocelesWeb", "Storage", "JobQueue", "JobArguments", "Imaging", "Mail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support of the queue alone: throwaway databases migrated with the queue's own
        // migrations, Oban-style job assertions. No Storage.
        .target(
            name: "QueueTestSupport",
            dependencies: ["JobQueue", "PostgresSupport", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log")],
            path: "Tests/QueueTestSupport",
            swiftSettings: swiftSettings
        ),
        // Shared test support: a throwaway database per test on the cluster started by scripts/db.
        .target(
            name: "TestSupport",
            dependencies: ["ConocelesCore", "Storage", "ConocelesConfig", "JobQueue", "QueueTestSupport", "CImagingShim", .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ConocelesCoreTests", dependencies: ["ConocelesCore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ConocelesConfigTests", dependencies: ["ConocelesConfig"], swiftSettings: swiftSettings),
        .testTarget(
            name: "JobQueueTests",
            dependencies: ["JobQueue", "PostgresSupport", "QueueTestSupport", .product(name: "Prometheus", package: "swift-prometheus")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "CImagingShim"], swiftSettings: swiftSettings),
        .testTarget(name: "MailTests", dependencies: ["Mail"], swiftSettings: swiftSettings),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "PostgresSupport", "JobQueue", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ConocelesJobsTests",
            dependencies: ["ConocelesJobs", "JobArguments", "ConocelesConfig", "ConocelesCore", "Imaging", "CImagingShim", "JobQueue", "Storage", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConocelesWebTests",
            dependencies: [
                "ConocelesWeb", "ConocelesJobs", "JobArguments", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
