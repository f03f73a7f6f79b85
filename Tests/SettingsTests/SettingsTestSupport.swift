import Diagnostics
import Settings
import TestSupport

/// Loads in-memory settings files and renders what the loader says.
enum Fixture {
    /// A seller that passes every check.
    static let seller = """
        seller:
          legal_name: Serenest SAS
          siren: "812457638"
          vat_number: FR91812457638
          address: { lines: [24 rue Louis Blanc], postcode: "92400", city: Courbevoie }
          iban: FR7630004008230001045871294
          bic: BNPAFRPPXXX
          late_payment_penalty_rate: 12.15
          early_payment_discount: aucun escompte

        """

    /// Number series, sites and revenue types that pass every check.
    static let catalog = """
        number_series:
          - { code: FA, document_type: invoice, prefix: FA-2026-, width: 6 }
          - { code: AV, document_type: credit_note, prefix: AV-2026-, width: 6 }
        sites:
          - { code: LD01, name: La Défense - Tour Alto }
          - { code: LD02, name: Issy - Cœur de Ville }
        revenue_types:
          - { code: SUBV, label: Subvention, activity: SELF, kind: subsidy, revenue_account: "706100", vat_rate: 10 }
          - { code: DROIT, label: Droit d'admission, activity: SELF, kind: admission_fee, revenue_account: "706200", vat_rate: 10 }
          - { code: FRAIS, label: Frais de gestion, activity: FEES, kind: fee, revenue_account: "706500", vat_rate: 20 }

        """

    /// A client that passes every check, for variations.
    static let acme = """
        clients:
          - code: ACME
            legal_name: ACME Industries SA
            siren: "412387565"
            vat_number: FR69412387565
            address: { lines: [1 parvis de la Défense], postcode: "92800", city: Puteaux }
            emails: [factures@acme-industries.fr]
            receivable_account: 411ACME
            sites: [LD01]
            diner_categories: [A, B, C, INV]
            revenue_types: [SUBV, DROIT]

        """

    /// Loads `base.yaml` (seller and catalog) then the given files.
    static func load(_ files: [(String, String)], base: String = seller + catalog) -> (
        MasterData?, [Diagnostic], String
    ) {
        var sources = [SourceFile(path: "base.yaml", text: base)]
        sources += files.map { SourceFile(path: $0.0, text: $0.1) }
        let (settings, diagnostics) = SettingsLoader.load(sources: sources)
        return (settings, diagnostics, render(diagnostics, sources))
    }

    static func render(_ diagnostics: [Diagnostic], _ sources: [SourceFile]) -> String {
        let renderer = DiagnosticRenderer(sources: Dictionary(uniqueKeysWithValues: sources.map { ($0.path, $0) }))
        return renderer.render(diagnostics, format: .text)
    }

    /// `E0510 clients.yaml:4:11 invalid siren ...`: code, place and message, for exact checks.
    static func summary(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.sortedForDisplay().map { d in
            let place = d.range.map { "\($0.start.line):\($0.start.column)" } ?? "-"
            return "\(d.code) \(d.file):\(place) \(d.message)"
        }
    }

    static func golden(_ name: String) -> String {
        Repository.root.appendingPathComponent("Tests/SettingsTests/Golden/\(name).txt").path
    }
}
