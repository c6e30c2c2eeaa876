// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tidings",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tidingsd", targets: ["tidingsd"]),
        .executable(name: "tidings", targets: ["tidings"]),
        .library(name: "TidingsCore", targets: ["TidingsCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        // Counters, gauges and histograms (swift-metrics), rendered in the Prometheus text format
        // (swift-prometheus) for node_exporter's textfile collector: no exposition code of our own.
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
    ],
    targets: [
        // libcurl, opened with dlopen when first needed (a `tidings` command that does not fetch
        // starts without loading it and the thirty libraries behind it) and reached through typed
        // entry points because Swift cannot call C variadics. The headers come from
        // libcurl4-openssl-dev.
        .target(name: "CCurl"),
        // libxml2's HTML parser: lenient, like a browser, for article pages.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // glibc's malloc controls and statistics (<malloc.h>): arena cap, trimming, heap gauges.
        .systemLibrary(name: "CMalloc"),
        // The MinHash inner loop, compiled for AVX2 and chosen at run time.
        .target(name: "CMinHash"),
        // SQLite's page-cache pool outside malloc (sqlite3_config is variadic: C only).
        .target(name: "CSQLitePages", dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")]),
        // Search ranking: an FTS5 auxiliary function (FTS5's extension API is C only).
        .target(name: "CSearchRank", dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .target(
            name: "TidingsCore",
            dependencies: [
                "CCurl",
                "CLibXML2",
                "CMalloc",
                "CMinHash",
                "CSQLitePages",
                "CSearchRank",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // The system SQLite GRDB links, for its process-wide memory figure (a metric).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "tidingsd",
            dependencies: [
                "TidingsCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "tidings",
            dependencies: [
                "TidingsCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // jemalloc (libjemalloc2) in place of glibc's malloc, for every library in the process:
            // `tidings dedup` makes and frees millions of per-article arrays on two threads, and
            // glibc's malloc and free were 11-12% of its time (with jemalloc, in turns: 3.5-3.8 s
            // instead of 4.1-4.9 s for 100,000 articles).
            // The daemon keeps glibc's malloc, whose arenas it tunes and reports (MallocArenas).
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        .target(
            name: "TidingsTestSupport",
            path: "Tests/TidingsTestSupport"
        ),
        .testTarget(
            name: "TidingsCoreTests",
            dependencies: ["TidingsCore", "TidingsTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "TidingsEndToEndTests",
            // Drives the built `tidingsd` and `tidings` from outside (`swift build --build-tests`
            // builds them). Not dependencies: that would link their code into the test runner, and
            // with `tidings` its jemalloc, under the malloc arena tests that need glibc's malloc.
            dependencies: ["TidingsCore", "TidingsTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The libFuzzer targets exist only for `make fuzz` (TIDINGS_FUZZ=1), which builds
// them with -sanitize=fuzzer: libFuzzer provides main, so no ordinary build links them.
if Context.environment["TIDINGS_FUZZ"] == "1" {
    package.products.append(.executable(name: "tidings-fuzz", targets: ["tidings-fuzz"]))
    package.targets.append(.executableTarget(name: "tidings-fuzz", dependencies: ["TidingsCore"]))
}
