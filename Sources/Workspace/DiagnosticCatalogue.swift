import ContractLanguage
import Diagnostics
import Imports
import Settings

/// The one catalogue of diagnostic codes and their explanations, whatever
/// module reports them: contracts (E00xx–E11xx), settings (E05xx, W05xx),
/// imports (E12xx, W12xx). `ardoise lint --explain` reads it, and a test
/// checks that every code the sources use is in it exactly once.
public enum DiagnosticCatalogue {
    public static let all: [Explanation] = ContractExplanations.all + SettingsExplanations.all + ImportExplanations.all

    /// The explanation of `code` (case-insensitive).
    public static func explanation(for code: String) -> Explanation? {
        let upper = code.uppercased()
        return all.first { $0.code == upper }
    }

    /// The catalogue as the Markdown page `grammar/diagnostics.md`, one heading per code (its
    /// anchor `#e0301` is the SARIF rules' `helpUri`); a test keeps the file equal to this.
    public static var markdown: String {
        var out =
            "# Diagnostics of `ardoise lint`\n\nGenerated from the catalogue (`Sources/Workspace/DiagnosticCatalogue.swift`); "
            + "`ardoise lint --explain CODE` prints the same text.\n"
        for e in all.sorted(by: { $0.code < $1.code }) {
            out +=
                "\n## \(e.code)\n\n**\(e.title)**\n\n\(e.body)\n\nWrong:\n\n```\n\(e.wrong)\n```\n\nFixed:\n\n```\n\(e.fixed)\n```\n"
        }
        return out
    }

    /// Every known code, sorted.
    public static var codes: [String] { all.map(\.code).sorted() }
}
