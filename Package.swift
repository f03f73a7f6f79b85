// swift-tools-version: 6.0
import PackageDescription

// Modules by responsibility; a module depends only on modules of the lines above its own:
//   BillingModel, Diagnostics       the vocabulary (money, VAT rates, days, periods) and diagnostics as values
//   ContractLanguage                the contract language: imports neither storage nor YAML
//   Settings (YAML), Accounting, Documents (PDF, CII), MailDispatch (SMTP), Spreadsheets (XLSX)
//   Ledger (SQLite; PostgreSQL beside it)
//   PlatformTransmission            the accredited e-invoicing platform's flow API (libcurl)
//   Imports, BillingEngine, Dashboards, ControlExports, Demo
//   Workspace                       a command's configuration, settings, contracts and ledger together
//   Benchmarks, WebApp, LanguageServer   the web app (Hummingbird): nothing below imports it; `ardoise lsp`
//   CommandSupport                  what the two executables share: exit codes, output, typed options
//   ardoise                         the thin CLI, the product: it links neither Demo nor Benchmarks
//   ardoise-dev                     the development tool: `demo` and `bench`
// Each target declares exactly the modules it imports (`.ci/check-dependencies`, run by `.ci/run`).
let package = Package(
    name: "Ardoise",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ardoise", targets: ["ardoise"]),
        // The development tool (`demo`, `bench`): not part of the product.
        .executable(name: "ardoise-dev", targets: ["ardoise-dev"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2")
    ],
    targets: [
        // Money, VAT rates, days, periods, payment terms. Depends on nothing.
        .target(name: "BillingModel"),
        // Diagnostics as values (code, severity, range, help) and their renderers.
        .target(name: "Diagnostics"),
        // The contract language: lexer, parser, checker, compiler, formatter.
        .target(name: "ContractLanguage", dependencies: ["BillingModel", "Diagnostics"]),
        // Accounting: sales-journal entries of issued documents, the FEC and a CSV for accounting software.
        .target(name: "Accounting", dependencies: ["BillingModel"]),
        // Master data from YAML (seller, clients, revenue types, indices).
        .target(name: "Settings", dependencies: ["BillingModel", "Diagnostics", "Yams"]),
        // The ledger: imported files, tickets, quarantine, orders, invoices. SQLite (GRDB) today; PostgreSQL's schema,
        // migrations and connection beside it (postgres-nio, imported by no other module).
        .target(
            name: "Ledger",
            dependencies: [
                "BillingModel", "Diagnostics", "Accounting", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio")
            ]),
        // Importers of register files, event orders and bank statements (camt.053, CSV): they parse, the ledger stores.
        .target(
            name: "Imports",
            dependencies: [
                "BillingModel", "Diagnostics", "Ledger", .product(name: "Crypto", package: "swift-crypto")
            ]),
        // Deterministic generator of realistic example revenue (registers, events).
        .target(name: "Demo", dependencies: ["BillingModel", "Diagnostics", "Ledger", "Imports", "Settings"]),
        // The billing engine: contracts over the ledger's revenue, invoice life.
        .target(
            name: "BillingEngine",
            dependencies: [
                "BillingModel", "ContractLanguage", "Settings", "Ledger", "Accounting"
            ]),
        // Benchmarks of issues 3, 4 and 5 (lint throughput, compiled evaluation, generation); they return printable reports.
        .target(
            name: "Benchmarks",
            dependencies: [
                "BillingModel", "ContractLanguage", "Settings", "Workspace", "Demo", "Ledger", "BillingEngine",
                "Documents",
                "Accounting", "Dashboards", .product(name: "Logging", package: "swift-log")
            ]),
        // The revenue dashboards' data: queries over the ledger's daily aggregate and SVG charts. No web framework.
        .target(name: "Dashboards", dependencies: ["BillingModel", "Ledger"]),
        // Ties configuration, settings, rules and ledger together for commands.
        .target(
            name: "Workspace",
            dependencies: [
                "BillingModel", "Diagnostics", "ContractLanguage", "Settings", "Ledger", "Imports", "BillingEngine",
                "Documents", "MailDispatch", "Accounting", "PlatformTransmission",
                .product(name: "Logging", package: "swift-log")
            ]),
        // The team's web app (issue 13): Hummingbird server, users and permissions, French screens, JSON API.
        // Nothing below it imports it: the engine and the ledger know nothing of the web.
        .target(
            name: "WebApp",
            dependencies: [
                "BillingModel", "Diagnostics", "Settings", "Ledger", "BillingEngine", "Workspace", "Imports",
                "Dashboards", "ControlExports",
                "ContractLanguage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log")
            ]),
        // `ardoise lsp`: the Language Server Protocol for contract files (diagnostics, hover, definition,
        // formatting, completion), JSON-RPC over stdio written here (no LSP library among the local packages).
        .target(
            name: "LanguageServer",
            dependencies: [
                "BillingModel", "ContractLanguage", "Diagnostics", "Ledger", "Settings", "Workspace"
            ]),
        // What the two executables share: failures to exit codes, output, the options both take.
        .target(
            name: "CommandSupport",
            dependencies: [
                "BillingModel", "BillingEngine", "Diagnostics", "Workspace",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]),
        // The executable only parses arguments and calls the libraries. The product: no demo generator, no benchmarks
        // (`.ci/check-dependencies` refuses a path from it to `Demo` or `Benchmarks`).
        .executableTarget(
            name: "ardoise",
            dependencies: [
                "WebApp", "Workspace", "CommandSupport", "BillingModel", "Diagnostics", "ContractLanguage", "Ledger",
                "Imports",
                "BillingEngine", "Documents", "ControlExports", "Spreadsheets", "LanguageServer",
                "PlatformTransmission",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log")
            ]),
        // The development tool: `ardoise-dev demo` (the example workspace) and `ardoise-dev bench` (the figures).
        .executableTarget(
            name: "ardoise-dev",
            dependencies: [
                "CommandSupport", "Benchmarks", "Demo", "BillingModel", "ControlExports", "Ledger",
                "PlatformTransmission", "Workspace",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]),

        // C libraries: cairo + pango (PDF rendering) and libcurl (SMTP).
        .systemLibrary(
            name: "CPangoCairo", pkgConfig: "pangocairo",
            providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // libxlsxwriter (XLSX files, constant-memory mode for big sheets).
        .systemLibrary(name: "CXlsxWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        // A small Swift API over libxlsxwriter: workbook, sheets, typed cells.
        .target(name: "Spreadsheets", dependencies: ["BillingModel", "CXlsxWriter"]),
        // The control exports of the ledger to XLSX (restaurants, events, unbilled).
        .target(
            name: "ControlExports",
            dependencies: [
                "BillingModel", "Settings", "Ledger", "BillingEngine", "Spreadsheets"
            ]),
        // Invoice documents: the PDF, the CII e-invoice XML and the Factur-X PDF/A-3.
        .target(name: "Documents", dependencies: ["BillingModel", "CPangoCairo"]),
        // Sending documents by e-mail over SMTP, and the retry policy. Not named
        // `Dispatch`: that is libdispatch's module, which Foundation imports.
        .target(name: "MailDispatch", dependencies: ["CCurl"]),
        // Handing issued documents and their life-cycle statuses to the accredited platform (AFNOR XP Z12-013 flow API)
        // over libcurl, and following their acknowledgements and statuses.
        .target(
            name: "PlatformTransmission",
            dependencies: ["BillingModel", "Ledger", "CCurl", .product(name: "Crypto", package: "swift-crypto")]),

        .target(name: "TestSupport", dependencies: ["BillingModel", "Ledger"], path: "Tests/TestSupport"),
        // A generated example month, imported: the starting point shared by the tests of billing, accounting, exports, dashboards, web.
        .target(
            name: "DemoMonthSupport",
            dependencies: ["Demo", "Workspace", "Ledger", "BillingEngine", "BillingModel", "TestSupport"],
            path: "Tests/DemoMonthSupport"),
        .testTarget(name: "BillingModelTests", dependencies: ["BillingModel"]),
        .testTarget(
            name: "AccountingTests",
            dependencies: [
                "Accounting", "BillingModel", "Workspace", "Ledger", "Demo", "BillingEngine", "TestSupport",
                "DemoMonthSupport", .product(name: "Logging", package: "swift-log")
            ]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"]),
        .testTarget(
            name: "ContractLanguageTests",
            dependencies: [
                "ContractLanguage", "BillingModel", "Diagnostics", "TestSupport"
            ], exclude: ["Golden"]),
        .testTarget(
            name: "SettingsTests", dependencies: ["Settings", "BillingModel", "Diagnostics", "TestSupport"],
            exclude: ["Golden"]),
        .testTarget(
            name: "LedgerTests",
            dependencies: [
                "Ledger", "Imports", "Demo", "BillingModel", "Accounting", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift")
            ]),
        .testTarget(
            name: "DemoTests",
            dependencies: [
                "Demo", "Workspace", "ContractLanguage", "BillingModel",
                "Diagnostics", "TestSupport"
            ]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks"]),
        // Dashboard figures against SQL over the ticket lines of a real ledger; SVG charts against golden files and xmllint.
        .testTarget(
            name: "DashboardsTests",
            dependencies: [
                "Dashboards", "Workspace", "Demo", "Ledger", "Imports", "BillingModel", "TestSupport"
            ], exclude: ["Golden"]),
        .testTarget(
            name: "WorkspaceTests", dependencies: ["Workspace", "Ledger", "BillingModel", "Diagnostics", "TestSupport"]),
        // Issued invoices to documents and e-mails: a real ledger, the official validators, a live SMTP server.
        .testTarget(
            name: "SendingTests",
            dependencies: [
                "Workspace", "BillingEngine", "Ledger", "Settings", "Documents", "MailDispatch", "Demo", "BillingModel",
                "TestSupport",
                "Accounting",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")
            ], exclude: ["Resources"]),
        .testTarget(
            name: "BillingEngineTests",
            dependencies: [
                "BillingEngine", "Workspace", "Ledger", "Documents", "BillingModel", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")
            ]),
        .testTarget(
            name: "DocumentsTests", dependencies: ["Documents", "BillingModel", "TestSupport"],
            exclude: ["Resources", "Golden"]),
        .testTarget(name: "MailDispatchTests", dependencies: ["MailDispatch", "TestSupport"], exclude: ["Resources"]),
        // Submissions, retries, statuses and kills against a test platform served on loopback (a Python stdlib server).
        .testTarget(
            name: "PlatformTransmissionTests",
            dependencies: [
                "ardoise", "ardoise-dev", "PlatformTransmission", "Workspace", "Ledger", "BillingModel", "TestSupport"
            ], exclude: ["Resources"]),
        // The built `ardoise` executable run as a subprocess: output, exit code and effect on the ledger of every command.
        // Depending on the executable target makes `swift test` build it first.
        // The web app served for real and driven by headless Chromium (selenium): screenshots of every screen.
        .testTarget(
            name: "WebBrowserTests", dependencies: ["ardoise", "ardoise-dev", "Ledger", "TestSupport"],
            exclude: ["Resources"]),
        .testTarget(
            name: "CommandTests",
            dependencies: [
                "ardoise", "ardoise-dev", "Ledger", "TestSupport", "BillingModel", "Dashboards",
                .product(name: "GRDB", package: "GRDB.swift")
            ],
            exclude: ["Golden"]),
        // The web app in-process (router) and live (HTTP on loopback): routes, permission matrix, sessions, CSRF.
        .testTarget(
            name: "WebAppTests",
            dependencies: [
                "ardoise-dev", "WebApp", "Workspace", "Dashboards", "Ledger", "BillingEngine", "BillingModel",
                "TestSupport", "DemoMonthSupport",
                "ContractLanguage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log")
            ]),
        // XLSX exports written from a real ledger, read back with openpyxl and LibreOffice.
        .testTarget(
            name: "ControlExportsTests",
            dependencies: [
                "ControlExports", "Spreadsheets", "Workspace", "BillingEngine", "Ledger", "BillingModel", "TestSupport",
                "DemoMonthSupport",
                .product(name: "GRDB", package: "GRDB.swift")
            ], exclude: ["Resources"]),

        // Fault campaigns (issue 18). The readers of untrusted bytes as libFuzzer targets: `.ci/fuzz` builds this
        // with `-sanitize=fuzzer,address -D FUZZING` in `.build-fuzz`; the normal build makes a replayer of inputs.
        .executableTarget(
            name: "ardoise-fuzz",
            dependencies: [
                "BillingModel", "ContractLanguage", "Diagnostics", "Imports", "Ledger", "Settings", "Workspace"
            ]),
        // Hostile environments and crash-found inputs: the built binaries run as subprocesses.
        .testTarget(name: "FaultTests", dependencies: ["ardoise", "ardoise-fuzz", "TestSupport"])
    ]
)
