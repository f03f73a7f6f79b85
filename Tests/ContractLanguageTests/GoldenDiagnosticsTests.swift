import ContractLanguage
import Diagnostics
import Foundation
import Testing
import TestSupport

/// Wrong contracts and the exact diagnostics they must produce, rendered as
/// a person reads them. Each `.ard` in Golden/ pairs with its `.txt`.
@Suite struct GoldenDiagnosticsTests {
    static let folder = Repository.root.appendingPathComponent("Tests/ContractLanguageTests/Golden")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".ard") }.map { String($0.dropLast(4)) }.sorted()
    }

    @Test func thereAreAtLeastFortyCases() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func rendersExactly(_ name: String) throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(name + ".ard"), encoding: .utf8)
        let path = "golden/\(name).ard"
        let set = RuleSet(files: [(path, text)], context: Fixtures.context, requireEveryClient: false)
        #expect(!set.diagnostics.isEmpty, "a golden case must produce a diagnostic")
        let rendered = DiagnosticRenderer(sources: set.sources).render(set.diagnostics, format: .text)
        Golden.assertMatches(rendered, file: Self.folder.appendingPathComponent(name + ".txt").path)
    }
}
