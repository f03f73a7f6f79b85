import BillingEngine
import BillingModel
import Spreadsheets

/// `ardoise export unbilled`: `report unbilled` of a period as sheets.
extension ControlExports {
    /// `reason`: how a reason of the report is written in the sheet (the web app passes its French wording; the CLI
    /// writes the engine's reasons as `report unbilled` prints them).
    public static func unbilled(_ report: UnbilledReport, to path: String, reason: (String) -> String = { $0 }) throws
        -> ExportSummary
    {
        let workbook = try Workbook(path: path)
        let items = try workbook.addSheet(
            "Non facturé",
            columns: [
                Column("Client", width: 12), Column("Site", width: 10), Column("Catégorie", width: 10),
                Column("Montant TTC", width: 14), Column("Raison", width: 90)
            ])
        for i in report.items {
            try items.append([
                .text(i.client), .text(i.site), .text(i.category), .amount(i.amountTTC), .text(reason(i.reason))
            ])
        }
        let count = report.items.count
        let total: [Cell] = [
            .text("Total"), .empty, .empty, .amount(report.totalTTC), .text("\(count) élément\(count > 1 ? "s" : "")")
        ]
        try items.append(total.map { $0.bold() })
        let late = try workbook.addSheet(
            "Revenus tardifs",
            columns: [
                Column("Client", width: 12), Column("Début de période", width: 16), Column("Fin de période", width: 14),
                Column("Jours-sites corrigés", width: 19), Column("À faire", width: 50)
            ])
        for l in report.lateRevenue {
            try late.append([
                .text(l.client), .date(l.period.start), .date(l.period.end), .integer(l.siteDays),
                .text("revenus tardifs de \(l.period.name), à corriger dans la période ouverte")
            ])
        }
        var sheets = [items, late]
        if !report.failures.isEmpty {
            let failures = try workbook.addSheet(
                "Échecs", columns: [Column("Client", width: 12), Column("Erreur", width: 100)])
            for f in report.failures { try failures.append([.text(f.client), .text(f.message)]) }
            sheets.append(failures)
        }
        try workbook.close()
        return ExportSummary(path: path, sheets: sheets)
    }
}
