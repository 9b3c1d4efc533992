// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Alongside",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "alongside", targets: ["alongside"]),
        .library(name: "AlongsideCore", targets: ["AlongsideCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        // The domain: pure Swift, no files, no database, no terminal.
        .target(name: "AlongsideCore"),
        // The storage contract: protocols, value types, StoreError, the audit policy. No driver.
        .target(
            name: "AlongsideStore",
            dependencies: [
                "AlongsideCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The single-site store: SQLite through GRDB (migrations, queries, triggers).
        .target(
            name: "AlongsideSQLite",
            dependencies: [
                "AlongsideCore",
                "AlongsideStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The trust's store: PostgreSQL through postgres-nio (the URL, the password lookup,
        // one synchronous connection; its own migrations, the same records and audit chain as
        // the SQLite store).
        .target(
            name: "AlongsidePostgres",
            dependencies: [
                "AlongsideCore",
                "AlongsideStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/AlongsidePostgres"
        ),
        // A throwaway PostgreSQL cluster for tests (initdb, pg_ctl, one per test process).
        .target(
            name: "PostgresTestSupport",
            dependencies: ["AlongsidePostgres"],
            path: "Tests/PostgresTestSupport"
        ),
        .systemLibrary(
            name: "CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),
        // Commands, the line grammar, completion, rendering, the REPL.
        .target(
            name: "AlongsideConsole",
            dependencies: [
                "AlongsideCore",
                "AlongsideStore",
                "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The composition root: chooses the store from --db and hands it to the console.
        .executableTarget(
            name: "alongside",
            dependencies: ["AlongsideConsole", "AlongsideSQLite", "AlongsidePostgres"]),
        .testTarget(name: "AlongsideCoreTests", dependencies: ["AlongsideCore"]),
        .testTarget(
            name: "AlongsideStoreTests", dependencies: ["AlongsideStore", "AlongsideSQLite"]),
        // The PostgreSQL store against the SQLite store on a real throwaway cluster.
        .testTarget(
            name: "AlongsidePostgresStoreTests",
            dependencies: [
                "AlongsideCore", "AlongsideStore", "AlongsidePostgres", "AlongsideSQLite",
                "PostgresTestSupport",
            ]
        ),
        .testTarget(
            name: "AlongsidePostgresTests",
            dependencies: ["AlongsidePostgres", "PostgresTestSupport"]
        ),
        // The store contract suite: the same tests against every store implementation.
        .testTarget(
            name: "StoreContractTests",
            dependencies: [
                "AlongsideCore", "AlongsideStore", "AlongsideSQLite", "AlongsidePostgres",
                "PostgresTestSupport", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "AlongsideConsoleTests",
            dependencies: ["AlongsideConsole", "AlongsideSQLite", "PostgresTestSupport", "alongside"]
        ),
    ]
)
