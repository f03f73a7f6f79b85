import BillingEngine
import BillingModel
import Spreadsheets

/// `ardoise export closing`: the closing report of a month as a workbook:
/// its checks, its documents per series, and its totals per activity, VAT
/// rate and account.
extension ControlExports {
    public static func closing(_ report: ClosingReport, to path: String) throws -> ExportSummary {
        let workbook = try Workbook(path: path)
        let checks = try workbook.addSheet("Checks", columns: [
            Column("Check", width: 52), Column("Result", width: 8), Column("Detail", width: 90), Column("To do", width: 90),
        ])
        for c in report.checks {
            let result: Cell = c.passed ? .text("ok") : Cell.text("FAIL").highlighted()
            try checks.append([.text(c.name), result, .text(c.details.first), .text(c.passed ? nil : c.remedy)])
            for d in c.details.dropFirst() { try checks.append([.empty, .empty, .text(d), .empty]) }
        }
        let state = report.closed ? "closed" + (report.forcedReason.map { " despite failed checks: \($0)" } ?? "")
            : (report.passed ? "every check passed, not closed yet" : "not closed")
        try checks.append([Cell.text("\(report.month.name): \(state)").bold(), .empty, .empty, .empty])

        let series = try workbook.addSheet("Documents", columns: [
            Column("Series", width: 10), Column("Documents", width: 12), Column("First number", width: 18), Column("Last number", width: 18),
        ])
        for s in report.series { try series.append([.text(s.series), .integer(s.count), .text(s.first), .text(s.last)]) }

        let activities = try workbook.addSheet("Activities", columns: [Column("Activity", width: 28), Column("Net HT", width: 16)])
        for a in report.activities { try activities.append([.text(a.activity), .amount(a.net)]) }
        try activities.append([Cell.text("Total").bold(), Cell.amount(report.totalHT).bold()])

        let vat = try workbook.addSheet("VAT", columns: [Column("Rate %", width: 8), Column("Base HT", width: 16), Column("VAT", width: 14)])
        for v in report.vat { try vat.append([.vatRate(v.rate.tenThousandths), .amount(v.base), .amount(v.vat)]) }
        try vat.append([Cell.text("Total").bold(), Cell.amount(report.vat.map(\.base).sum()).bold(), Cell.amount(report.totalVAT).bold()])

        let accounts = try workbook.addSheet("Accounts", columns: [
            Column("Account", width: 12), Column("Label", width: 36), Column("Debit", width: 16), Column("Credit", width: 16),
        ])
        for a in report.accounts { try accounts.append([.text(a.account), .text(a.label), .amount(a.debit), .amount(a.credit)]) }
        try accounts.append([Cell.text("Total").bold(), .empty, Cell.amount(report.accounts.map(\.debit).sum()).bold(),
                             Cell.amount(report.accounts.map(\.credit).sum()).bold()])
        try workbook.close()
        return ExportSummary(path: path, sheets: [checks, series, activities, vat, accounts])
    }
}
