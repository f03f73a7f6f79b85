import Foundation
import Ledger
import Testing
import TestSupport

/// A malformed value is refused while the arguments are parsed: exit 2, a
/// message naming the option (and the shape expected), and nothing done.
@Suite struct TypedOptionsTests {
    static let golden = Repository.root.appendingPathComponent("Tests/CommandTests/Golden").path

    @Test func aMisspelledPeriodValidatesNothing() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let before = try ws.ledgerState()
        #expect(try ws.ledger().invoices(status: .proforma).count > 0)

        let r = try ws.run("validate", "--all", "--period", "2026-1l", "--date", "2026-11-02")
        #expect(r.status == 2, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("'2026-1l' is invalid for '--period <period>'"))
        #expect(r.stderr.contains("expected a month 2026-10"))
        #expect(try ws.ledgerState() == before)
        Golden.assertMatches(r.stderr, file: "\(Self.golden)/validate-malformed-period.stderr")
    }

    @Test func aMisspelledPeriodListsNothing() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let r = try ws.run("invoices", "list", "--period", "2026-1l")
        #expect(r.status == 2, "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("--period"))
        let good = try ws.run("invoices", "list", "--period", "2026-10")
        #expect(good.status == 0 && good.stdout.contains("documents\n"))
    }

    /// Each subcommand, given a malformed value, a missing one or an unknown
    /// option: exit 2, the option named on standard error, the ledger untouched.
    @Test func everySubcommandRefusesWrongArgumentsAndDoesNothing() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let issued = try #require(try ws.ledger().invoices(status: .issued).first?.number)
        let before = try ws.ledgerState()
        let line = "Prestation|1|10.00|20"
        let cases: [(arguments: [String], names: String)] = [
            (["bill", "--period", "2026-1l", "--date", "2026-11-02"], "--period"),
            (["bill", "--events", "--period", "2026-1l", "--date", "2026-11-02"], "--period"),
            (["bill", "--period", "2026-10", "--date", "2026-11-31"], "--date"),
            (["bill", "--period", "2026-10", "--client", "C9999", "--date", "2026-11-02"], "--client C9999"),
            (["bill", "--period", "2026-10", "--reason", "why", "--date", "2026-11-02"], "--reason"),
            (["run", "--date", "2026-13-01", "--no-send"], "--date"),
            (["run", "--log-format", "yaml", "--no-send"], "--log-format"),
            (["lint", "--format", "yaml"], "--format"),
            (["lint", "--date", "tomorrow"], "--date"),
            (["fmt", "--chek"], "--chek"),
            (["test", "--verbos"], "--verbos"),
            (["import", "--format", "xml"], "--format"),
            (["invoices", "list", "--status", "issud"], "--status"),
            (["invoices", "list", "--format", "jsno"], "--format"),
            (["invoices", "show", "1", "--format", "jsno"], "--format"),
            (["invoices", "pdf"], "<id>"),
            (["invoices", "xml", issued, "--output"], "--output"),
            (["invoices", "export", "--period", "Q4", "--directory", "out"], "--period"),
            (["validate"], "--all"),
            (["validate", "1", "--period", "2026-10"], "--period"),
            (["validate", "x1"], "<ids>"),
            (["outbox", "list", "--status", "sentt"], "--status"),
            (["outbox", "list", "--format", "csv"], "--format"),
            (["outbox", "send", "--now"], "--now"),
            (["outbox", "retry"], "--all"),
            (["outbox", "retry", "x"], "<ids>"),
            (["edit", "1", "--reason", "r", "--add", "Prestation|two|10.00|20"], "--add"),
            (["edit", "1", "--reason", "r", "--set", "first", "|2||"], "--set"),
            (["edit", "1", "--reason", "r"], "--set, --remove or --add"),
            (["credit", issued, "--reason", "r", "--amount", "1.00", "--line", "1"], "--amount"),
            (["credit", issued, "--reason", "r", "--line", "1", "--amount", "1.0O"], "--amount"),
            (["credit", issued, "--reason", "r", "--line", "1", "--amount", "-1.00"], "--amount"),
            (["credit", issued, "--reason", "r", "--line", "one"], "--line"),
            (["manual", "--client", "C0001", "--type", "credit", "--line", line, "--reason", "r"], "--type"),
            (["manual", "--client", "C0001", "--period", "2026-1l", "--line", line, "--reason", "r"], "--period"),
            (["manual", "--client", "C0001", "--line", "Prestation|1|10.00", "--reason", "r"], "--line"),
            (["manual", "--client", "C0001", "--type", "credit-note", "--line", line, "--reason", "r"], "--credits"),
            (["discard", "abc", "--reason", "r"], "<ids>"),
            (["discard", "1"], "--reason"),
            (["explain"], "<id>"),
            (["diff", "--rules-before", "rules", "--period", "2026-1l"], "--period"),
            (["diff", "--rules-before", "rules", "--period", "2026-10", "--format", "html"], "--format"),
            (["diff", "--rules-before", "rules", "--period", "2026-10", "--client", "C9999"], "--client C9999"),
            (["report", "unbilled", "--period", "2026-1l"], "--period"),
            (["entries", "export", "--period", "2026-1l"], "--period"),
            (["verify", "--format", "yaml"], "--format"),
            (["export", "restaurants", "--period", "2026-1l"], "--period"),
            (["export", "events"], "--period"),
            (["export", "closing", "--period", "2026-10", "--output"], "--output"),
            (["entries", "export", "--period", "2026-10", "--format", "xlsx"], "--format"),
            (["close", "2026-1O"], "<month>"),
            (["close", "2026-10", "--format", "csv"], "--format"),
            (["close", "2026-10", "--force"], "--reason"),
            (["close", "2026-10", "--reason", "why"], "--force"),
            (["unbilled", "acknowledge", "--period", "2026-10", "--reason", "r"], "--all"),
            (
                ["unbilled", "acknowledge", "--period", "2026-10", "--all", "--client", "C0001", "--reason", "r"],
                "--all"
            ),
            (["unbilled", "acknowledge", "--period", "2026-W42", "--all", "--reason", "r"], "--period")
        ]
        for c in cases {
            let r = try ws.run(c.arguments)
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.contains(c.names), "\(r)")
        }
        // The development tool refuses its wrong arguments the same way.
        let devCases: [(arguments: [String], names: String)] = [
            (["demo", "generate", "--out", "demo2", "--month", "2026-13"], "--month"),
            (["demo", "generate", "--out", "demo2", "--month", "2026-W42"], "--month"),
            (["demo", "run", "--out", "demo2", "--sites", "0"], "--sites"),
            (["bench", "lint", "--files", "many"], "--files")
        ]
        for c in devCases {
            let r = try ws.dev(c.arguments)
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.contains(c.names), "\(r)")
        }
        #expect(try ws.ledgerState() == before)
        #expect(!FileManager.default.fileExists(atPath: ws.dir.appendingPathComponent("demo2").path))
        #expect(!FileManager.default.fileExists(atPath: ws.dir.appendingPathComponent("out").path))
    }

    @Test func unreadableSettingsStopEverythingWithExit2() throws {
        let ws = try ScratchWorkspace()
        try ws.replace("index_series:", with: "index_series: [", in: "settings.yaml")
        let r = try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02")
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("the settings have errors"))
        #expect(try ws.ledger().invoices(includeDiscarded: true).isEmpty)
    }
}

/// `credit NUMBER --line 1 --line 2 --amount 1.00` credits line 1 in full and
/// 1.00 of line 2: each --amount goes with the --line typed before it.
@Suite struct CreditCommandTests {
    @Test func eachAmountGoesWithTheLineBeforeIt() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let ledger = try ws.ledger()
        let invoice = try #require(
            try ledger.invoices(status: .issued).compactMap { try ledger.invoice(id: $0.id ?? 0) }
                .first {
                    $0.invoice.type == .invoice && $0.lines.count >= 2 && $0.lines[0].net != 100
                        && $0.lines[1].net > 100
                })
        let number = try #require(invoice.invoice.number)

        let r = try ws.run(
            "credit", number, "--line", "1", "--line", "2", "--amount", "1.00", "--reason", "gesture", "--date",
            "2026-11-03")
        #expect(r.status == 0, "\(r)")
        let credit = try #require(
            try ledger.invoices(status: .issued).first { $0.creditedInvoiceId == invoice.invoice.id })
        let lines = try #require(try ledger.invoice(id: credit.id ?? 0)).lines
        #expect(lines.map(\.net) == [invoice.lines[0].net, 100])

        // The `--name=value` form pairs the same way.
        let again = try ws.run(
            "credit", number, "--line=2", "--amount=0.50", "--reason=more", "--date", "2026-11-03", "--proforma")
        #expect(again.status == 0, "\(again)")
        let second = try #require(
            try ledger.invoices(status: .proforma).first { $0.creditedInvoiceId == invoice.invoice.id })
        #expect(try ledger.invoice(id: second.id ?? 0)?.lines.map(\.net) == [50])
    }

    @Test func anAmountWithNoLineBeforeItIsRefused() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let number = try #require(try ws.ledger().invoices(status: .issued).first?.number)
        let before = try ws.ledgerState()
        let r = try ws.run("credit", number, "--amount", "1.00", "--line", "1", "--reason", "r", "--date", "2026-11-03")
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("`--amount 1.00` has no --line before it"))
        let twice = try ws.run("credit", number, "--line", "1", "--amount", "1.00", "--amount", "2.00", "--reason", "r")
        #expect(twice.status == 2 && twice.stderr.contains("line 1 has two amounts"), "\(twice)")
        #expect(try ws.ledgerState() == before)
    }
}
