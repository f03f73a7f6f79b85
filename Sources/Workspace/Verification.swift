import Diagnostics
import Ledger

/// `ardoise verify` output: the chain of each series, then every break.
public enum ChainReportFormat {
    public static func text(_ r: ChainReport) -> String {
        var out = ""
        for s in r.series {
            out += "series \(s.series): \(s.documents) issued documents, last hash \(s.lastHash)"
            if s.storedAfterIssue > 0 {
                out += " (\(s.storedAfterIssue) stored after issue: issued before documents were stored)"
            }
            out += "\n"
        }
        for c in r.chains { out += "\(c.series): \(c.documents) rows chained, last hash \(c.lastHash)\n" }
        for b in r.breaks { out += "break\t\(b.number)\t\(b.kind)\t\(b.detail)\n" }
        out +=
            r.intact
            ? "intact: every chain, every stored file and the revenue billed check\n"
            : "\(r.breaks.count) breaks found\n"
        return out
    }

    public static func json(_ r: ChainReport) -> String {
        JSON.object([
            ("intact", r.intact ? "true" : "false"),
            (
                "series",
                JSON.array(
                    r.series.map { s in
                        JSON.object([
                            ("series", JSON.string(s.series)), ("documents", String(s.documents)),
                            ("not_stored", String(s.notStored)),
                            ("stored_after_issue", String(s.storedAfterIssue)), ("last_hash", JSON.string(s.lastHash))
                        ])
                    })
            ),
            (
                "chains",
                JSON.array(
                    r.chains.map { c in
                        JSON.object([
                            ("chain", JSON.string(c.series)), ("rows", String(c.documents)),
                            ("last_hash", JSON.string(c.lastHash))
                        ])
                    })
            ),
            (
                "breaks",
                JSON.array(
                    r.breaks.map { b in
                        JSON.object([
                            ("series", JSON.string(b.series)), ("number", JSON.string(b.number)),
                            ("kind", JSON.string(b.kind)),
                            ("detail", JSON.string(b.detail))
                        ])
                    })
            )
        ]) + "\n"
    }
}
