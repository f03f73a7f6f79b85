import BillingEngine
import BillingModel
import Spreadsheets

/// `ardoise export unbilled`: `report unbilled` of a period as sheets.
extension ControlExports {
    public static func unbilled(_ report: UnbilledReport, to path: String) throws -> ExportSummary {
        let workbook = try Workbook(path: path)
        let items = try workbook.addSheet("Unbilled", columns: [
            Column("Client", width: 12), Column("Site", width: 10), Column("Category", width: 9),
            Column("Amount TTC", width: 14), Column("Reason", width: 90),
        ])
        for i in report.items {
            try items.append([.text(i.client), .text(i.site), .text(i.category), .amount(i.amountTTC), .text(i.reason)])
        }
        let total: [Cell] = [.text("Total"), .empty, .empty, .amount(report.totalTTC), .text("\(report.items.count) items")]
        try items.append(total.map { $0.bold() })
        let late = try workbook.addSheet("Late revenue", columns: [
            Column("Client", width: 12), Column("Period start", width: 12), Column("Period end", width: 12),
            Column("Corrected site-days", width: 19), Column("To do", width: 50),
        ])
        for l in report.lateRevenue {
            try late.append([.text(l.client), .date(l.period.start), .date(l.period.end), .integer(l.siteDays),
                             .text("late revenue for \(l.period.name), to correct in the open period")])
        }
        var sheets = [items, late]
        if !report.failures.isEmpty {
            let failures = try workbook.addSheet("Failures", columns: [Column("Client", width: 12), Column("Error", width: 100)])
            for f in report.failures { try failures.append([.text(f.client), .text(f.message)]) }
            sheets.append(failures)
        }
        try workbook.close()
        return ExportSummary(path: path, sheets: sheets)
    }
}
