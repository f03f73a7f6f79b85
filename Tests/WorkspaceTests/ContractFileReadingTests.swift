import BillingModel
import Diagnostics
import Foundation
import Testing
import TestSupport
import Workspace

/// A contract that cannot be read is reported at its file, never skipped:
/// a contract left out would bill its client nothing without anyone noticing.
@Suite struct ContractFileReading {
    let today = Day(year: 2026, month: 11, day: 2) ?? Day(ordinal: 0)

    /// A workspace over a copy of the repository's rules, edited by `edit`.
    func workspace(_ edit: (URL) throws -> Void) throws -> Installation {
        let dir = Repository.temporaryDirectory("contract-files")
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("rules"), to: rules)
        try edit(rules)
        try """
        settings: [\(Repository.root.path)/examples/settings.yaml]
        rules: \(rules.path)
        database: \(dir.path)/ardoise.sqlite
        inbox: \(dir.path)/inbox
        """.write(to: dir.appendingPathComponent("ardoise.yaml"), atomically: true, encoding: .utf8)
        return try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path)
    }

    @Test func aContractThatIsNotUTF8IsAnErrorAtItsFirstBadByte() throws {
        let ws = try workspace { rules in
            let url = rules.appendingPathComponent("acme.ard")
            var bytes = [UInt8](try Data(contentsOf: url))
            // `fee "Frais de gestion"` written by an editor in Latin-1: `é` as the single byte 0xE9.
            let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(
                of: "Frais de gestion", with: "Frais g\u{E9}n\u{E9}raux")
            bytes = Array(text.utf8)
            if let i = bytes.firstIndex(of: 0xC3) { bytes.replaceSubrange(i...(i + 1), with: [0xE9]) }
            try Data(bytes).write(to: url)
        }
        let rules = ws.rules(today: today)
        let unreadable = rules.diagnostics.filter { $0.code == "E0100" }
        #expect(unreadable.count == 1)
        #expect(unreadable.first?.file.hasSuffix("acme.ard") == true)
        #expect(unreadable.first?.message.contains("not UTF-8") == true)
        #expect(unreadable.first?.range?.start.line == 16)
        #expect(rules.diagnostics.hasErrors)
        // ACME is not billed with a contract silently missing: billing refuses the rule set.
        #expect(rules.contracts["ACME"] == nil)
        #expect(rules.diagnostics.contains { $0.code == "E0100" && $0.severity == .error })
    }

    @Test func aContractThatCannotBeReadIsAnError() throws {
        let ws = try workspace { rules in
            // A folder named like a contract is not a contract file, and is not skipped either.
            try FileManager.default.createDirectory(
                at: rules.appendingPathComponent("later.ard"), withIntermediateDirectories: true)
        }
        let diagnostics = ws.rules(today: today).diagnostics.filter { $0.code == "E0100" }
        #expect(diagnostics.map(\.file).contains { $0.hasSuffix("later.ard") })
    }

    @Test func aPathThatDoesNotExistIsAnErrorNotNothingToCheck() {
        let loaded = ContractFiles.load(in: ["rules/no-such-contract.ard"])
        #expect(loaded.files.isEmpty)
        #expect(loaded.diagnostics.map(\.code) == ["E0100"])
        #expect(loaded.diagnostics.first?.message.contains("no such file") == true)
    }

    @Test func lintReportsTheUnreadableFile() throws {
        let dir = Repository.temporaryDirectory("contract-files-lint")
        let url = dir.appendingPathComponent("broken.ard")
        try Data([0x63, 0x6C, 0x69, 0x65, 0x6E, 0x74, 0x20, 0xFF, 0x0A]).write(to: url)
        let report = Linter.run(paths: [url.path], configPath: "no-config.yaml", today: today)
        #expect(report.diagnostics.contains { $0.code == "E0100" && $0.file.hasSuffix("broken.ard") })
        #expect(report.diagnostics.hasErrors)
    }
}
