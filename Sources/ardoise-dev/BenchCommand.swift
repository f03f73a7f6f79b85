import ArgumentParser
import Benchmarks
import CommandSupport
import Demo
import Foundation
import Ledger

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that print figures (build with -c release).",
        subcommands: [
            Lint.self, Evaluate.self, Import.self, Generate.self, Documents.self, Exports.self, Entries.self, Web.self,
            Dashboard.self,
            Faults.self, Year.self, Month.self
        ]
    )

    struct Year: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "A year in one ledger: each month imported, billed, validated with documents, its FEC, bank statement and closing; "
                + "seconds per stage and month, the idle daily run, ledger size and peak memory; then a dashboard and verify over the year."
        )
        @Option(help: "Scratch folder for the generated months (reused between runs).") var directory: String =
            "/tmp/ardoise-bench-year"
        @Option(help: "Consecutive months (1 to 36).") var months: Int = 12
        @Option(help: "The first month.", transform: MonthArgument.parse) var first: MonthArgument = .exampleMonth
        @Option var sites: Int = 60
        @Option var clients: Int = 850
        @Option(
            help: ArgumentHelp(
                "A PostgreSQL server (postgres://USER@HOST:PORT/DATABASE, password from PGPASSWORD): the year's ledger is a database `\(YearBenchmark.postgresDatabase)` made there (dropped first) instead of a SQLite file.",
                valueName: "address"))
        var postgres: String?
        func validate() throws {
            try checkServerAddress(postgres)
            if !(1...36).contains(months) { throw ValidationError("--months is 1 to 36") }
            if sites < 1 || clients < 1 { throw ValidationError("--sites and --clients are at least 1") }
        }
        func run() throws {
            try YearBenchmark.run(
                directory: URL(fileURLWithPath: directory), months: months, first: first.text, sites: sites,
                clients: clients, postgres: postgres, output: { emit($0 + "\n") })
        }
    }

    struct Month: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The whole month in a fresh ledger: import, billing, validation with documents, entries and closing; "
                + "each stage's seconds and their sum (target under 20 s).")
        @Option(help: "Scratch folder for the generated month (reused between runs).") var directory: String =
            "/tmp/ardoise-bench-month"
        @Option(help: "The month.", transform: MonthArgument.parse) var month: MonthArgument = .exampleMonth
        @Option var sites: Int = 60
        @Option var clients: Int = 850
        func validate() throws {
            if sites < 1 || clients < 1 { throw ValidationError("--sites and --clients are at least 1") }
        }
        func run() throws {
            try MonthBenchmark.run(
                directory: URL(fileURLWithPath: directory), month: month.text, sites: sites, clients: clients,
                output: { emit($0 + "\n") })
        }
    }

    struct Lint: ParsableCommand {
        @Option var files: Int = 1000
        func run() { emit(LintBenchmark.run(files: files, seed: 1) + "\n") }
    }

    struct Evaluate: ParsableCommand {
        @Option var iterations: Int = 20_000
        func run() { emit(EvaluationBenchmark.run(iterations: iterations) + "\n") }
    }

    struct Import: ParsableCommand {
        @Option(help: "Scratch folder for the generated month.") var directory: String = "/tmp/ardoise-bench-import"
        @Option var sites: Int = 60
        @Option var clients: Int = 850
        @Option(
            help:
                "A PostgreSQL server (postgres://USER@HOST:PORT/DATABASE, password from PGPASSWORD): the month is imported into a database `\(ImportBenchmark.postgresDatabase)` made there (dropped first), beside psql \\copy."
        )
        var postgres: String?
        func validate() throws { try checkServerAddress(postgres) }
        func run() throws {
            emit(
                try ImportBenchmark.run(
                    directory: URL(fileURLWithPath: directory), sites: sites, clients: clients, postgres: postgres)
                    + "\n")
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Seconds to generate a full month's proformas after import, against a plain sqlite3 aggregation of the same revenue."
        )
        @Option(help: "Scratch folder for the generated workspace (reused between runs).") var directory: String =
            "/tmp/ardoise-bench-generate"
        @Option var sites: Int = 60
        @Option var clients: Int = 850
        func run() throws {
            emit(
                try GenerationBenchmark.run(directory: URL(fileURLWithPath: directory), sites: sites, clients: clients))
        }
    }

    struct Web: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The web app: each page alone, warm and cold (a write before each request), p50/p95; then 20 signed-in sessions on the dashboard and the proforma list with wrk; p50/p95/p99 and errors."
        )
        @Option(help: "Scratch folder for the generated workspace (reused between runs).") var directory: String =
            "/tmp/ardoise-bench-web"
        @Option var sites: Int = 60
        @Option var clients: Int = 850
        @Option(help: "Seconds of load.") var seconds: Int = 20
        func run() throws {
            // The product binary serves the app under test.
            let executable = try ProductBinary.url()
            emit(
                try WebBenchmark.run(
                    executable: executable, directory: URL(fileURLWithPath: directory), sites: sites, clients: clients,
                    seconds: seconds))
        }
    }

    struct Entries: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Seconds to post a full month's issued documents to the sales journal and write its FEC (target 2 s).")
        @Option(help: "Scratch folder for the generated workspace (shared with `bench generate`).") var directory:
            String = "/tmp/ardoise-bench-generate"
        @Option var sites: Int = 60
        @Option var clients: Int = 850
        func run() throws {
            emit(try EntriesBenchmark.run(directory: URL(fileURLWithPath: directory), sites: sites, clients: clients))
        }
    }

    struct Documents: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Render every issued document of the example month (Factur-X), beside WeasyPrint from HTML; --validate checks them all."
        )
        @Option(help: "A billed example workspace (`ardoise-dev demo run`); generated in --directory when missing.")
        var config: String = "examples/demo/ardoise.yaml"
        @Option(help: "Scratch folder.") var directory: String = "/tmp/ardoise-bench-documents"
        @Option var sites: Int = 60
        @Option var clients: Int = 850
        @Flag(help: "Skip the WeasyPrint comparison.") var noWeasyprint = false
        @Flag(help: "Validate every XML and embedded file with the official artefacts (.ci/validate_einvoices.py).")
        var validate = false
        func run() throws {
            emit(
                try DocumentsBenchmark.run(
                    config: config, directory: URL(fileURLWithPath: directory), sites: sites, clients: clients,
                    weasyprint: !noWeasyprint, validate: validate) + "\n")
        }
    }
}

/// A benchmark's `--postgres` is a server's address, refused before anything is generated or made.
func checkServerAddress(_ address: String?) throws {
    guard let address, !PlainPostgreSQL.isServerAddress(address) else { return }
    throw ValidationError(
        "--postgres: `\(address)` is not a PostgreSQL address postgres://USER@HOST:PORT/DATABASE (the password from PGPASSWORD)"
    )
}
