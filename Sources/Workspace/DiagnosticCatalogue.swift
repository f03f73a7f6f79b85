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

    /// Every known code, sorted.
    public static var codes: [String] { all.map(\.code).sorted() }
}
