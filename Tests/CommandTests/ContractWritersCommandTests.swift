import Foundation
import Ledger
import Testing
import TestSupport

/// The contract language as French finance staff write it, through the commands CI and finance run:
/// lint cannot be green on a contract that bills wrong, nor on nothing at all, and a broken
/// contract does not hide the others.
@Suite struct ContractWritersCommandTests {
    /// `category A: 4,200 HT` was 4,200.00 € per cover: refused, the help showing both amounts; nothing billed for the client.
    @Test func aFrenchAmountIsRefusedWithTheAmountToWrite() throws {
        let ws = try ScratchWorkspace()
        let text = try String(contentsOf: ws.dir.appendingPathComponent("rules/c0001.ard"), encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.contains("category A:") && $0.hasSuffix(" HT") })
        let price = try #require(line.split(separator: " ").dropLast().last)  // e.g. `4.45`
        let french = price.replacingOccurrences(of: ".", with: ",") + "0"  // `4,450`
        try ws.replace(
            String(line), with: line.replacingOccurrences(of: " \(price) HT", with: " \(french) HT"),
            in: "rules/c0001.ard")
        let lint = try ws.run("lint")
        #expect(lint.status == 1, "\(lint)")
        #expect(lint.stdout.contains("error[E0114]: `\(french) HT` is ambiguous"), "\(lint)")
        #expect(
            lint.stdout.contains("help: write `\(price) HT`, or `\(french).00 HT` if thousands were meant"), "\(lint)")
        let bill = try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02")
        #expect(bill.status == 1, "\(bill)")
        #expect(!Set(try ws.ledger().invoices().map(\.client)).contains("C0001"))
    }

    /// `lint --config nope.yaml`, a folder without `ardoise.yaml`, an empty folder: nothing was checked, exit 2.
    @Test func lintWithNothingToCheckIsNothingDone() throws {
        let ws = try ScratchWorkspace()
        let missing = try ws.run("lint", "--config", "nope.yaml")
        #expect(
            missing.status == 2 && missing.stdout.isEmpty && missing.stderr.contains("no configuration `nope.yaml`"),
            "\(missing)")
        let empty = ws.dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let nowhere = try Executable.run(["lint"], in: empty)
        #expect(nowhere.status == 2 && !nowhere.stdout.contains("no problem"), "\(nowhere)")
        let emptyFolder = try ws.run("lint", "empty")
        #expect(emptyFolder.status == 2 && !emptyFolder.stdout.contains("no problem"), "\(emptyFolder)")
        #expect(try ws.run("lint").status == 0)
    }

    /// One broken contract: its errors are shown, the examples of every other contract still run, exit 1.
    @Test func testRunsTheOtherContractsWhenOneIsBroken() throws {
        let ws = try ScratchWorkspace()
        try ws.replace("validation ", with: "validaton ", in: "rules/c0002.ard")
        let r = try ws.run("test")
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("error[E0101]") && r.stdout.contains("rules/c0002.ard"), "\(r)")
        #expect(r.stdout.contains("SKIP rules/c0002.ard: the contract has errors"), "\(r)")
        #expect(r.stdout.contains("PASS rules/c0004.ard"), "\(r)")
        #expect(r.stdout.hasSuffix("0 failed, 1 contract with errors\n"), "\(r)")
        #expect(!r.stdout.contains(" 0 passed"), "\(r)")
    }

    /// The demo's contracts are in the canonical layout: `fmt --check` passes on what `demo generate` writes.
    @Test func generatedContractsAreCanonical() throws {
        let ws = try ScratchWorkspace()
        let check = try ws.run("fmt", "--check")
        #expect(check.status == 0 && check.stdout.isEmpty, "\(check)")
    }

    /// E0406 points at the client's entry in the settings file, not at `settings`, line 0.
    @Test func aClientWithoutContractIsReportedAtItsSettingsEntry() throws {
        let ws = try ScratchWorkspace()
        try FileManager.default.removeItem(at: ws.dir.appendingPathComponent("rules/c0003.ard"))
        let r = try ws.run("lint")
        #expect(r.status == 1, "\(r)")
        let settings = try String(contentsOf: ws.dir.appendingPathComponent("settings.yaml"), encoding: .utf8)
        let lines = settings.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.hasSuffix("code: C0003") }) + 1
        let column = try #require(lines[line - 1].range(of: "C0003")).lowerBound.utf16Offset(in: lines[line - 1]) + 1
        #expect(r.stdout.contains("error[E0406]: client `C0003` has no contract"), "\(r)")
        #expect(r.stdout.contains("--> settings.yaml:\(line):\(column)"), "\(r)")
        #expect(r.stdout.contains("| \(lines[line - 1])"), "\(r)")
    }

    /// `--format sarif` is valid against the OASIS SARIF 2.1.0 schema (the official JSON schema,
    /// Tests/CommandTests/Golden/sarif-schema-2.1.0.json, checked with Python's `jsonschema`), its
    /// files are relative URIs under `%SRCROOT%`, and each rule's `helpUri` is its documentation page.
    @Test func sarifIsValidAgainstTheOASISSchemaAndPlacesEachFile() throws {
        let ws = try ScratchWorkspace()
        try ws.replace("validation ", with: "validaton ", in: "rules/c0002.ard")
        try FileManager.default.removeItem(at: ws.dir.appendingPathComponent("rules/c0003.ard"))
        let r = try ws.run("lint", "--format", "sarif")
        #expect(r.status == 1, "\(r)")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        let uris = results.compactMap {
            (($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"]
                as? [String: Any]
        }
        #expect(uris.count == results.count && !uris.isEmpty)
        for u in uris {
            #expect(u["uriBaseId"] as? String == "%SRCROOT%", "\(u)")
            #expect(["rules/c0002.ard", "settings.yaml"].contains(u["uri"] as? String ?? ""), "\(u)")
        }
        let rules = try #require(
            ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        for rule in rules {
            let id = try #require(rule["id"] as? String)
            #expect(
                rule["helpUri"] as? String
                    == "https://serenest.example/ardoise/blob/main/grammar/diagnostics.md#\(id.lowercased())")
        }
        let docs = try String(
            contentsOf: Repository.root.appendingPathComponent("grammar/diagnostics.md"), encoding: .utf8)
        for rule in rules { #expect(docs.contains("\n## \(rule["id"] as? String ?? "?")\n")) }

        // in CI (`CI=true`) a missing `jsonschema` fails instead
        guard Tools.pythonHas("jsonschema, rfc3986_validator") else { return }
        let sarif = ws.dir.appendingPathComponent("lint.sarif")
        try Data(r.stdout.utf8).write(to: sarif)
        let schema = Repository.root.appendingPathComponent("Tests/CommandTests/Golden/sarif-schema-2.1.0.json").path
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); log = json.load(open(sys.argv[2]))
            v = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
            errors = sorted(v.iter_errors(log), key=lambda e: list(e.path))
            for e in errors: print(list(e.path), e.message)
            sys.exit(1 if errors else 0)
            """
        let check = try Tools.run(Tools.python, ["-c", script, schema, sarif.path])
        #expect(check.status == 0, "\(check.output)")
    }

    /// An index value a future revision needs is a warning from the start (lint green today stays
    /// green tomorrow until the revision comes), an error once the revision day has come, and
    /// billing a period before the revision needs nothing of it.
    @Test func aComingRevisionWarnsAndOnlyThePeriodThatUsesItNeedsTheIndex() throws {
        // C0004 revised on 1 November with October's index, unpublished
        let ws = try ClientWithContractErrorsTests.unpublishedIndex()
        let before = try ws.run(today: "2026-10-15", "lint")
        #expect(before.status == 0, "\(before)")
        #expect(
            before.stdout.contains("warning[W0802]: the index `ILC-RESTO` of 2026-10 is needed by 2026-11-01"),
            "\(before)")
        let after = try ws.run(today: "2026-11-02", "lint")
        #expect(after.status == 1 && after.stdout.contains("error[E0802]"), "\(after)")
        // October is billed at the price before the revision: C0004 too.
        let bill = try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02")
        #expect(bill.status == 0, "\(bill)")
        #expect(Set(try ws.ledger().invoices().map(\.client)).contains("C0004"))
        // `test` on the day the revision comes still runs every example.
        let test = try ws.run(today: "2026-11-02", "test")
        #expect(test.stdout.contains("PASS rules/c0004.ard") && test.stdout.contains("PASS rules/c0001.ard"), "\(test)")
    }
}
