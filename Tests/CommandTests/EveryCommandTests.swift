import Foundation
import Ledger
import Testing
import TestSupport

/// Each command once as a person types it: its output, exit code and effect
/// on the ledger or the files. Outputs a person reads are golden files.
@Suite struct EveryCommandTests {
    static let golden = Repository.root.appendingPathComponent("Tests/CommandTests/Golden").path

    @Test func checkingCommandsReportAndChangeNothing() throws {
        let ws = try ScratchWorkspace()
        let lint = try ws.run("lint")
        expectRuns(lint)
        #expect(lint.stdout == "checked 12 contracts and 1 settings file: no problem\n")
        let explain = try ws.run("lint", "--explain", "E0802")
        expectRuns(explain)
        #expect(explain.stdout.contains("E0802"))
        expectRuns(try ws.run("lint", "--explain", "E9999"), 2)
        // The generated contracts are canonical; one laid out by hand is listed, then rewritten.
        expectRuns(try ws.run("fmt", "--check"))
        try ws.replace("\n  validation ", with: "\n      validation ", in: "rules/c0001.ard")
        let check = try ws.run("fmt", "--check")
        expectRuns(check, 1)
        #expect(check.stdout == "rules/c0001.ard: not formatted\n")
        let fmt = try ws.run("fmt", "rules/c0001.ard")
        expectRuns(fmt)
        #expect(fmt.stdout == "formatted rules/c0001.ard\n")
        expectRuns(try ws.run("fmt", "--check", "rules/c0001.ard"))
        let test = try ws.run("test", "rules/c0004.ard")
        expectRuns(test)
        #expect(test.stdout.hasSuffix("1 passed, 0 failed\n"))
        // A path that does not exist is an error, not an empty selection.
        for args in [
            ["lint", "rules/c004.ard"], ["fmt", "--check", "rule"], ["test", "rules/nope.ard"],
            ["import", "inbox/nope.csv"]
        ] {
            let r = try ws.run(args)
            expectRuns(r, 2)
            #expect(r.stderr.contains("no such file or folder"), "\(r)")
        }
        let again = try ws.run("import")
        expectRuns(again)
        let lines = again.stdout.split(separator: "\n")
        // Files already imported are counted, not listed one per line.
        #expect(
            lines.count == 1 && lines[0].hasPrefix("66 files, ")
                && lines[0].hasSuffix(" rows (66 already imported, unchanged)"), "\(again)")
        #expect(try ws.ledgerState() == ["audit entries: 1", "outbox: 0"])  // `init`'s row only
    }

    @Test func documentCommands() throws {
        let ws = try ScratchWorkspace()
        let bill = try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02")
        expectRuns(bill)
        #expect(bill.stdout.hasPrefix("billed 2026-10, issued 2026-11-02: 12 clients, 28 documents created"))
        let list = try ws.run("invoices", "list", "--period", "2026-10", "--status", "issued")
        expectRuns(list)
        Golden.assertMatches(list.stdout, file: "\(Self.golden)/invoices-list-issued.txt")
        let ledger = try ws.ledger()
        let proformas = try ledger.invoices(status: .proforma).compactMap(\.id)
        let show = try ws.run("invoices", "show", "\(proformas[0])")
        expectRuns(show)
        Golden.assertMatches(show.stdout, file: "\(Self.golden)/invoices-show-proforma.txt")
        let json = try ws.run("invoices", "show", "\(proformas[0])", "--format", "json")
        expectRuns(json)
        #expect(json.stdout.hasPrefix("{\"id\":\(proformas[0]),"))

        // Edit, discard, validate, explain.
        let edit = try ws.run("edit", "\(proformas[0])", "--reason", "fewer covers", "--set", "1", "|90||")
        expectRuns(edit)
        #expect(edit.stdout.hasPrefix("edited proforma \(proformas[0]):"))
        expectRuns(try ws.run("discard", "\(proformas[1])", "--reason", "duplicate"))
        #expect(try ledger.invoice(id: proformas[1])?.invoice.status == .discarded)
        let validate = try ws.run("validate", "\(proformas[0])", "--date", "2026-11-02")
        expectRuns(validate)
        #expect(validate.stdout.hasSuffix("1 validated\n"))
        let number = try #require(try ledger.invoice(id: proformas[0])?.invoice.number)
        let explain = try ws.run("explain", number)
        expectRuns(explain)
        #expect(explain.stdout.contains("tester edit") && explain.stdout.contains("fewer covers"), "\(explain)")

        // Documents.
        let pdf = try ws.run("invoices", "pdf", number, "--output", "out/a.pdf")
        expectRuns(pdf)
        #expect(try Data(contentsOf: ws.dir.appendingPathComponent("out/a.pdf")).prefix(5) == Data("%PDF-".utf8))
        let xml = try ws.run("invoices", "xml", number, "--output", "out/a.xml")
        expectRuns(xml)
        #expect(
            try String(contentsOf: ws.dir.appendingPathComponent("out/a.xml"), encoding: .utf8).contains(
                "CrossIndustryInvoice"))
        let export = try ws.run("invoices", "export", "--period", "2026-10", "--directory", "out/all", "--xml-only")
        expectRuns(export)
        let issued = try ledger.invoices(status: .issued).count
        #expect(export.stdout.hasPrefix("wrote \(issued) documents to "))

        // Manual documents and credit notes.
        let manual = try ws.run(
            "manual", "--client", "C0001", "--line", "Prestation exceptionnelle|2|150.00|20", "--reason", "extra",
            "--date", "2026-11-03")
        expectRuns(manual)
        #expect(manual.stdout.contains("invoice proforma") && manual.stdout.hasSuffix("360.00 TTC, to validate\n"))
        let credit = try ws.run(
            "credit", number, "--reason", "gesture", "--line", "2", "--amount", "10.00", "--date", "2026-11-03")
        expectRuns(credit)
        #expect(
            credit.stdout.hasPrefix("issued credit note AV-2026-000001")
                && credit.stdout.contains("for \(number): 11.00 TTC"), "\(credit)")
        // A credit note has no due date, in the text and in the JSON, as on its PDF.
        let shown = try ws.run("invoices", "show", "AV-2026-000001")
        expectRuns(shown)
        #expect(
            shown.stdout.contains("no due date (set against the invoice it credits)")
                && !shown.stdout.contains(", due "), "\(shown)")
        let creditJSON = try ws.run("invoices", "show", "AV-2026-000001", "--format", "json")
        expectRuns(creditJSON)
        #expect(creditJSON.stdout.contains("\"due_date\":null"), "\(creditJSON)")

        // The outbox: listed; without `smtp` in the settings nothing is sent nor made due.
        let outbox = try ws.run("outbox", "list", "--status", "pending")
        expectRuns(outbox)
        #expect(outbox.stdout.hasSuffix("\(issued + 1) messages: \(issued + 1) pending, 0 sent, 0 failed\n"))
        let before = try ws.ledgerState()
        let send = try ws.run("outbox", "send")
        expectRuns(send, 2)
        #expect(send.stderr.contains("no `smtp` section"))
        let retry = try ws.run("outbox", "retry", "--all")
        expectRuns(retry, 2)
        #expect(try ws.ledgerState() == before)
    }

    @Test func outboxRetryMakesNothingDueWhenNothingCanBeSent() throws {
        let ws = try ScratchWorkspace()
        expectRuns(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02"))
        let before = try ws.ledgerState()
        let retry = try ws.run("outbox", "retry", "1")
        expectRuns(retry, 2)
        #expect(retry.stderr.contains("no `smtp` section"))
        #expect(try ws.ledgerState() == before)
    }

    @Test func reportsAndComparisons() throws {
        let ws = try ScratchWorkspace()
        expectRuns(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02"))
        let unbilled = try ws.run("report", "unbilled", "--period", "2026-10", "--date", "2026-11-02")
        expectRuns(unbilled)
        #expect(unbilled.stdout.contains("unbilled revenue of 2026-10: "))
        let diff = try ws.run("diff", "--rules-before", "rules", "--period", "2026-10", "--date", "2026-11-02")
        expectRuns(diff)
        Golden.assertMatches(diff.stdout, file: "\(Self.golden)/diff-no-change.txt")
        expectRuns(try ws.run("diff", "--rules-before", "rules-old", "--period", "2026-10"), 2)
        let run = try ws.run("run", "--date", "2026-11-02", "--no-send")
        expectRuns(run)
        #expect(run.stdout.hasPrefix("run of 2026-11-02: 0 files imported, 66 unchanged\n"), "\(run)")
    }

    @Test func demoAndBenchCommands() throws {
        let ws = try ScratchWorkspace()
        let generate = try ws.dev(
            "demo", "generate", "--out", "small", "--sites", "1", "--clients", "3", "--month", "2026-09")
        expectRuns(generate)
        #expect(generate.stdout == "wrote small: 3 clients, 1 sites, 3 contracts\n")
        let run = try ws.dev("demo", "run", "--out", "small", "--sites", "1", "--clients", "3")
        expectRuns(run)
        #expect(run.stdout.contains("validated ") && run.stdout.contains("unbilled revenue: "))
        // Issue 19, 12: the summary says what the demo accepted on the user's behalf, prints durations as people read
        // them and ends on the next step.
        #expect(run.stdout.contains("acknowledged ") && run.stdout.contains(" as reviewed"), "\(run)")
        #expect(
            run.stdout.range(of: #"\d\.\d{4,} ?s"#, options: .regularExpression) == nil,
            "a raw duration in \(run.stdout)")
        #expect(run.stdout.contains("\nnext: "), "\(run)")
        let bench = try ws.dev("bench", "lint", "--files", "20")
        expectRuns(bench)
        #expect(!bench.stdout.isEmpty)
        // A month smaller than the benchmark's client scopes (3 to 50 clients) still runs, and prints every query's figures.
        let dashboard = try ws.dev(
            "bench", "dashboard", "--directory", "bench", "--sites", "1", "--clients", "4", "--runs", "3")
        expectRuns(dashboard)
        #expect(
            dashboard.stdout.contains("daily_revenue: ") && dashboard.stdout.contains("invoiced vs not: p50 "),
            "\(dashboard)")
        #expect(dashboard.stdout.contains("target p95 under 100 ms: "))
    }

    @Test func benchMonthPrintsEachStageAndTheWholeMonth() throws {
        let ws = try ScratchWorkspace()
        let month = try ws.dev("bench", "month", "--directory", "month", "--sites", "1", "--clients", "3")
        expectRuns(month)
        #expect(month.stdout.split(separator: "\n").contains { $0.hasPrefix("2026-10 ") }, "\(month)")
        #expect(
            month.stdout.contains("the whole month 2026-10: import ") && month.stdout.contains("+ closing ")
                && month.stdout.contains("(target under 20 s: "), "\(month)")
        let refused = try ws.dev("bench", "month", "--directory", "month", "--sites", "0")
        #expect(refused.status == 2 && refused.stdout.isEmpty, "\(refused)")
    }

    @Test func benchYearRunsTwoMonthsInOneLedgerAndRefusesAnImpossibleYear() throws {
        let ws = try ScratchWorkspace()
        let year = try ws.dev("bench", "year", "--directory", "year", "--months", "2", "--sites", "1", "--clients", "3")
        expectRuns(year)
        let rows = year.stdout.split(separator: "\n").filter { $0.hasPrefix("2026-10 ") || $0.hasPrefix("2026-11 ") }
        #expect(rows.count == 2, "\(year)")
        // The run of a day with nothing new evaluated no contract period (the last column): each was billed from the same inputs.
        #expect(rows.allSatisfy { $0.hasSuffix(" | 0") }, "\(year)")
        // A month that did not close is marked `!` after its name: both closed.
        #expect(!year.stdout.contains("2026-10!") && !year.stdout.contains("2026-11!"), "\(year)")
        #expect(year.stdout.contains("verify (every chain, content and stored file): intact"), "\(year)")
        #expect(year.stdout.contains("last month against the first: "), "\(year)")
        for wrong in [["--months", "0"], ["--months", "37"], ["--first", "2026-13"], ["--sites", "0"]] {
            let refused = try ws.dev(["bench", "year", "--directory", "year"] + wrong)
            #expect(refused.status == 2 && refused.stdout.isEmpty, "\(refused)")
        }
    }
}
