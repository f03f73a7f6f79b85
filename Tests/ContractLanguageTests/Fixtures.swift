import BillingModel
import ContractLanguage
import Foundation
import TestSupport

/// The names of the example settings (examples/settings.yaml), as the checker sees them.
enum Fixtures {
    static let today = Day(iso: "2026-11-23")!

    static var context: ContractContext {
        let types: [ContractContext.RevenueType] = [
            .init(code: "SUBV", kind: .subsidy, label: "Subvention employeur", vatRate: Percentage("10")),
            .init(code: "DROIT", kind: .admissionFee, label: "Droit d'admission", vatRate: Percentage("10")),
            .init(code: "INVIT", kind: .guestMeals, label: "Repas invités", vatRate: Percentage("10")),
            .init(code: "CAFET", kind: .cafeteria, label: "Participation cafétéria", vatRate: Percentage("10")),
            .init(code: "FRAIS", kind: .fee, label: "Frais de gestion", vatRate: Percentage("20")),
            .init(code: "GARANTIE", kind: .minimumGuarantee, label: "Minimum garanti", vatRate: Percentage("10")),
            .init(code: "EVT", kind: .events, label: "Prestations événementielles", vatRate: Percentage("10"))
        ]
        let clients: [ContractContext.Client] = [
            .init(
                code: "ACME", sites: ["LD01"], categories: ["A", "B", "C", "INV"],
                revenueTypes: ["SUBV", "INVIT", "DROIT", "FRAIS"]),
            .init(
                code: "C0013", sites: ["LD01"], categories: ["A", "B", "INV"],
                revenueTypes: ["SUBV", "INVIT", "CAFET", "EVT"], payers: ["C0013-CSE"]),
            .init(
                code: "C0014", sites: ["LD01"], categories: ["A", "B", "INV"],
                revenueTypes: ["SUBV", "DROIT", "GARANTIE", "EVT"]),
            .init(
                code: "C0025", sites: ["LD01", "LD02"], categories: ["A", "STA", "INV"],
                revenueTypes: ["SUBV", "DROIT", "FRAIS"]),
            .init(
                code: "C0027", sites: ["LD01"], categories: ["A", "C", "INV"],
                revenueTypes: ["SUBV", "DROIT", "FRAIS", "CAFET"])
        ]
        var ilc: [String: Percentage] = [:]
        var d = Day(iso: "2024-01-01")!
        var v: Int64 = 1_100_000
        while d <= Day(iso: "2026-10-01")! {
            ilc[monthKey(year: d.year, month: d.month)] = Percentage(tenThousandths: v)
            v += 3_000
            d = d.addingMonths(1)
        }
        ilc["2025-09"] = Percentage("118.2")
        ilc["2026-09"] = Percentage("121.7")
        return ContractContext(
            clients: Dictionary(uniqueKeysWithValues: clients.map { ($0.code, $0) }),
            revenueTypes: Dictionary(uniqueKeysWithValues: types.map { ($0.code, $0) }),
            indexSeries: ["ILC-RESTO": ilc], today: today)
    }

    static var rulesFolder: URL { Repository.root.appendingPathComponent("rules") }

    static func ruleFiles() throws -> [(path: String, text: String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: rulesFolder.path).filter {
            $0.hasSuffix(".ard")
        }.sorted()
        return try names.map {
            ("rules/\($0)", try String(contentsOf: rulesFolder.appendingPathComponent($0), encoding: .utf8))
        }
    }

    /// Checks one contract text; fails the caller when it does not build.
    static func contract(_ text: String, path: String = "test.ard") -> (Contract?, CheckedFile) {
        let f = CheckedFile(path: path, text: text, context: context)
        return (f.contract, f)
    }
}
