import Diagnostics
import Foundation
import Testing
import TestSupport
import Workspace

/// Every diagnostic a user can see has a long explanation behind
/// `ardoise lint --explain CODE`, in the one catalogue.
@Suite struct DiagnosticCatalogueCoverage {
    /// The codes written in the sources (`"E0301"`, `"W1203"`…), wherever they are reported.
    static func codesUsedInSources() throws -> Set<String> {
        let sources = Repository.root.appendingPathComponent("Sources")
        let files = (FileManager.default.enumerator(atPath: sources.path)?.allObjects as? [String] ?? []).filter {
            $0.hasSuffix(".swift")
        }
        let pattern = try Regex(#""([EW][0-9]{4})""#)
        var codes = Set<String>()
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: pattern) {
                if let code = match.output[1].substring { codes.insert(String(code)) }
            }
        }
        return codes
    }

    @Test func everyCodeUsedHasAnExplanation() throws {
        let used = try Self.codesUsedInSources()
        #expect(used.count > 50)
        let missing = used.filter { DiagnosticCatalogue.explanation(for: $0) == nil }.sorted()
        #expect(missing.isEmpty, "codes without an explanation: \(missing.joined(separator: " "))")
    }

    @Test func everyCodeIsExplainedOnce() {
        var seen: [String: Int] = [:]
        for e in DiagnosticCatalogue.all { seen[e.code, default: 0] += 1 }
        #expect(seen.filter { $0.value > 1 }.keys.sorted().isEmpty)
    }

    /// SARIF's `helpUri` points at this page: it must say what the catalogue says.
    @Test func theDocumentationPageInTheRepositoryIsTheCatalogue() {
        Golden.assertMatches(
            DiagnosticCatalogue.markdown, file: Repository.root.appendingPathComponent("grammar/diagnostics.md").path)
    }

    @Test func importCodesAreExplained() throws {
        let e = try #require(Linter.explanation(for: "e1202"))
        #expect(e.rendered.hasPrefix("E1202: row rejected to the quarantine"))
    }
}
