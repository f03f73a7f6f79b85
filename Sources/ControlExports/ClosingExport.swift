import BillingEngine
import BillingModel
import Spreadsheets

/// `ardoise export closing`: the closing report of a month as a workbook:
/// its checks, its documents per series, and its totals per activity, VAT
/// rate and account.
extension ControlExports {
    public static func closing(_ report: ClosingReport, to path: String) throws -> ExportSummary {
        let workbook = try Workbook(path: path)
        let checks = try workbook.addSheet(
            "Contrôles",
            columns: [
                Column("Contrôle", width: 52), Column("Résultat", width: 9), Column("Détail", width: 90),
                Column("À faire", width: 90)
            ])
        for c in report.checks {
            let result: Cell = c.passed ? .text("réussi") : Cell.text("ÉCHEC").highlighted()
            try checks.append([.text(c.name), result, .text(c.details.first), .text(c.passed ? nil : c.remedy)])
            for d in c.details.dropFirst() { try checks.append([.empty, .empty, .text(d), .empty]) }
        }
        let state =
            report.closed
            ? "clôturé" + (report.forcedReason.map { " malgré des contrôles en échec : \($0)" } ?? "")
            : (report.passed ? "tous les contrôles sont réussis, pas encore clôturé" : "non clôturé")
        try checks.append([Cell.text("\(report.month.name): \(state)").bold(), .empty, .empty, .empty])

        let series = try workbook.addSheet(
            "Documents",
            columns: [
                Column("Série", width: 10), Column("Documents", width: 12), Column("Premier numéro", width: 18),
                Column("Dernier numéro", width: 18)
            ])
        for s in report.series {
            try series.append([.text(s.series), .integer(s.count), .text(s.first), .text(s.last)])
        }

        let activities = try workbook.addSheet(
            "Activités", columns: [Column("Activité", width: 28), Column("Montant HT", width: 16)])
        for a in report.activities { try activities.append([.text(a.activity), .amount(a.net)]) }
        try activities.append([Cell.text("Total").bold(), Cell.amount(report.totalHT).bold()])

        let vat = try workbook.addSheet(
            "TVA", columns: [Column("Taux %", width: 8), Column("Base HT", width: 16), Column("TVA", width: 14)])
        for v in report.vat { try vat.append([.vatRate(v.rate.tenThousandths), .amount(v.base), .amount(v.vat)]) }
        try vat.append([
            Cell.text("Total").bold(), Cell.amount(report.vat.map(\.base).sum()).bold(),
            Cell.amount(report.totalVAT).bold()
        ])

        let accounts = try workbook.addSheet(
            "Comptes",
            columns: [
                Column("Compte", width: 12), Column("Libellé", width: 36), Column("Débit", width: 16),
                Column("Crédit", width: 16)
            ])
        for a in report.accounts {
            try accounts.append([.text(a.account), .text(a.label), .amount(a.debit), .amount(a.credit)])
        }
        try accounts.append([
            Cell.text("Total").bold(), .empty, Cell.amount(report.accounts.map(\.debit).sum()).bold(),
            Cell.amount(report.accounts.map(\.credit).sum()).bold()
        ])
        try workbook.close()
        return ExportSummary(path: path, sheets: [checks, series, activities, vat, accounts])
    }
}
