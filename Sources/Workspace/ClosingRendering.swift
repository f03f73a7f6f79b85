import BillingEngine
import BillingModel
import Diagnostics
import Ledger

extension ClosingReport {
    /// The report as a finance reader reads it: each check with its result,
    /// what to do when it failed, then the month's totals.
    public var text: String {
        var out = "closing \(LedgerDatabase.monthName(month))\n\n"
        for c in checks {
            out += "\(c.passed ? "ok  " : "FAIL") \(c.name)\n"
            if !c.passed {
                for d in c.details.prefix(20) { out += "       \(d)\n" }
                if c.details.count > 20 { out += "       … and \(c.details.count - 20) more\n" }
                out += "       to do: \(c.remedy)\n"
            }
        }
        out += "\ndocuments issued in the month:\n"
        if series.isEmpty { out += "  none\n" }
        for s in series { out += "  \(s.series): \(s.count) documents, \(s.first) … \(s.last)\n" }
        out += "\nrevenue HT per activity:\n"
        for a in activities {
            out +=
                "  \(a.activity.padding(toLength: 26, withPad: " ", startingAt: 0)) \(a.net.grouped.leftPadded(16))\n"
        }
        out += "  \("total".padding(toLength: 26, withPad: " ", startingAt: 0)) \(totalHT.grouped.leftPadded(16))\n"
        out += "\nVAT per rate:\n"
        for v in vat { out += "  \(v.rate.oneDecimal) %: base \(v.base.grouped), VAT \(v.vat.grouped)\n" }
        out += "\nentries per account (debit / credit):\n"
        for a in accounts {
            out +=
                "  \(a.account.padding(toLength: 12, withPad: " ", startingAt: 0)) \(a.debit.grouped.leftPadded(16)) \(a.credit.grouped.leftPadded(16))  \(a.label)\n"
        }
        out += "\n"
        if closed {
            out +=
                forcedReason.map { "\(LedgerDatabase.monthName(month)) closed despite failed checks: \($0)\n" }
                ?? "\(LedgerDatabase.monthName(month)) closed\n"
        } else if passed {
            out += "every check passed\n"
        } else {
            out +=
                "not closed: \(checks.filter { !$0.passed }.count) checks failed (`--force --reason R` closes anyway, in the audit log)\n"
        }
        return out
    }

    /// The same as one JSON object, amounts as decimal strings.
    public var json: String {
        func money(_ m: Money) -> String { JSON.string(m.description) }
        let checksJSON = checks.map { c in
            JSON.object([
                ("name", JSON.string(c.name)), ("passed", c.passed ? "true" : "false"),
                ("details", JSON.array(c.details.map(JSON.string))), ("remedy", JSON.string(c.remedy))
            ])
        }
        return JSON.object([
            ("month", JSON.string(LedgerDatabase.monthName(month))), ("passed", passed ? "true" : "false"),
            ("closed", closed ? "true" : "false"),
            ("forced_reason", forcedReason.map(JSON.string) ?? "null"),
            ("checks", JSON.array(checksJSON)),
            (
                "series",
                JSON.array(
                    series.map {
                        JSON.object([
                            ("series", JSON.string($0.series)), ("count", String($0.count)),
                            ("first", JSON.string($0.first)), ("last", JSON.string($0.last))
                        ])
                    })
            ),
            (
                "activities",
                JSON.array(
                    activities.map { JSON.object([("activity", JSON.string($0.activity)), ("net_ht", money($0.net))]) })
            ),
            ("total_ht", money(totalHT)), ("total_vat", money(totalVAT)),
            (
                "vat",
                JSON.array(
                    vat.map {
                        JSON.object([
                            ("rate", JSON.string($0.rate.oneDecimal)), ("base", money($0.base)), ("vat", money($0.vat))
                        ])
                    })
            ),
            (
                "accounts",
                JSON.array(
                    accounts.map {
                        JSON.object([
                            ("account", JSON.string($0.account)), ("label", JSON.string($0.label)),
                            ("debit", money($0.debit)), ("credit", money($0.credit))
                        ])
                    })
            )
        ]) + "\n"
    }
}

extension LedgerDatabase {
    static func monthName(_ period: Period) -> String { monthCode(period) }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
