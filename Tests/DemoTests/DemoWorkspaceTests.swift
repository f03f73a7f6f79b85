import BillingModel
import ContractLanguage
import Demo
import Diagnostics
import Foundation
import Testing
import TestSupport
import Workspace

@Suite struct DemoWorkspaceTests {
    let today = Day(iso: "2026-11-23") ?? Day(ordinal: 0)

    func files(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        for name in fm.enumerator(atPath: dir.path)?.allObjects as? [String] ?? [] {
            var isDir: ObjCBool = false
            let path = dir.appendingPathComponent(name).path
            if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                out[name] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return out
    }

    @Test func aGeneratedWorkspaceLintsCleanAndItsExamplesPass() throws {
        let dir = Repository.temporaryDirectory("demo-workspace")
        let summary = try DemoWorkspace.write(to: dir, sites: 4, clients: 30, month: "2026-10", seed: 1)
        #expect(summary.contracts == 30)
        #expect(summary.shapes.count == DemoWorkspace.shapeNames.count)
        let config = dir.appendingPathComponent("ardoise.yaml").path
        let workspace = try Installation.open(configPath: config)
        #expect(workspace.settings.clients.count == 30)
        let report = Linter.run(paths: [], configPath: config, today: today)
        #expect(report.diagnostics.isEmpty, "\(report.render(.text))")
        #expect(report.contractsChecked == 30)
        let rules = workspace.rules(today: today)
        #expect(rules.contracts.count == 30)
        var examples = 0
        for (client, contract) in rules.contracts.sorted(by: { $0.key < $1.key }) {
            for r in ExampleRunner.run(contract, indexSeries: workspace.indexValues) {
                examples += 1
                #expect(
                    r.passed, "\(client) example `\(r.example)`:\n\(r.failures.joined(separator: "\n"))\n\(r.report)")
            }
        }
        #expect(examples >= 30)
        // Together the generated contracts use every term of the catalogue.
        let used = CatalogueCoverage.terms(usedBy: rules.contracts.values)
        let expected: Set<String> = [
            "T1", "T2", "T3", "T4", "T5", "T6", "T6:share", "T7", "T8:in arrears", "T8:in advance", "T9",
            "T10:graduated", "T10:volume", "T11", "T12", "T13", "T14", "T15a", "T15b", "T16:monthly",
            "T16:weekly", "T16:quarterly fee", "T17:auto", "T17:accountant", "T18:site", "T18:payer",
            "T19:one invoice per order", "T19:grouped monthly", "T19:discount", "T19:delivery fee", "T20"
        ]
        #expect(expected.subtracting(used).isEmpty, "not used: \(expected.subtracting(used).sorted())")
        // Every client of the register files and event orders is in the settings.
        let known = Set(workspace.settings.clients.map(\.code))
        var seen: Set<String> = []
        for (name, data) in try files(dir.appendingPathComponent("inbox")) where name.hasPrefix("PIE_") {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\r\n").dropFirst() {
                let fields = line.split(separator: ";", omittingEmptySubsequences: false)
                if fields.count > 6, !fields[6].isEmpty { seen.insert(String(fields[6])) }
            }
        }
        #expect(!seen.isEmpty)
        #expect(seen.subtracting(known).isEmpty, "unknown clients: \(seen.subtracting(known).sorted())")
    }

    /// `fmt --check` passes on what `demo generate` writes (248 of 1,000 contracts did not), and the
    /// same 1,000 contracts lint clean: lawful payment terms for periodic invoices, VAT rates of the settings.
    @Test func aThousandGeneratedContractsAreCanonicalAndLintClean() throws {
        let dir = Repository.temporaryDirectory("demo-canonical")
        _ = try DemoWorkspace.write(to: dir, sites: 60, clients: 1000, month: "2026-10", seed: 1, revenue: false)
        let rules = dir.appendingPathComponent("rules")
        var differing: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: rules.path).sorted()
        where name.hasSuffix(".ard") {
            let text = try String(contentsOf: rules.appendingPathComponent(name), encoding: .utf8)
            let file = CheckedFile(path: name, text: text, context: ContractContext(today: today))
            if Formatter.format(file) != text { differing.append(name) }
        }
        #expect(differing.isEmpty, "\(differing.count) not canonical, e.g. \(differing.prefix(5))")
        let report = Linter.run(paths: [], configPath: dir.appendingPathComponent("ardoise.yaml").path, today: today)
        #expect(report.contractsChecked == 1000)
        #expect(report.diagnostics.isEmpty, "\(report.render(.text).prefix(3000))")
    }

    @Test func sameInputsGiveIdenticalBytes() throws {
        let a = Repository.temporaryDirectory("demo-ws-a"), b = Repository.temporaryDirectory("demo-ws-b")
        try DemoWorkspace.write(to: a, sites: 2, clients: 9, month: "2026-10", seed: 7, revenue: false)
        try DemoWorkspace.write(to: b, sites: 2, clients: 9, month: "2026-10", seed: 7, revenue: false)
        let fa = try files(a)
        #expect(fa.count >= 11)
        #expect(fa == (try files(b)))
    }
}
