import BillingEngine
import BillingModel
import ContractLanguage
import Diagnostics
import Foundation
import Ledger
import Settings

extension Installation {
    /// The contracts of another rules folder (the rules before a change),
    /// checked against these settings. A file whose client the settings no
    /// longer know is not an error here: the change took the client out, and
    /// the diff shows its contract as removed without amounts.
    public func rules(before directory: String, today: Day) throws(WorkspaceError) -> (
        rules: RuleSet, retired: [String: String]
    ) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WorkspaceError(
                "no rules folder `\(directory)` to compare with: `--rules-before` names a folder of contracts")
        }
        // Clients added since need no contract in the old rules: no completeness check.
        let loaded = ContractFiles.load(in: [directory])
        var set = RuleSet(files: loaded.files, context: contractContext(today: today), requireEveryClient: false)
        set.diagnostics += loaded.diagnostics
        let known = Set(settings.clients.map(\.code))
        var retired: [String: String] = [:]
        for f in set.files {
            if let client = f.syntax.client?.value, !known.contains(client) { retired[client] = f.source.path }
        }
        let retiredFiles = Set(retired.values)
        let diagnostics = set.diagnostics.filter { !retiredFiles.contains($0.file) }
        if diagnostics.hasErrors {
            throw WorkspaceError(
                "the rules before the change (`\(directory)`) have errors against the current settings: "
                    + "fix them there, or compare with another folder", diagnostics: diagnostics, sources: set.sources)
        }
        return (set, retired)
    }

    /// Bills `period` with the contracts of `beforeDirectory` and with the
    /// configured ones, over the same ledger and issue date, writing nothing,
    /// and compares the two. Refuses (exit 2) when either rule set has errors.
    public func rulesDiff(
        before beforeDirectory: String, period: Period, explicitRange: Bool, issueDate: Day,
        today: Day, only: Set<String>? = nil
    ) throws -> RulesDiffReport {
        let ledger = try self.ledger
        let afterEngine = try engine(today: today)
        let (old, retired) = try rules(before: beforeDirectory, today: today)
        // The diff writes nothing: its engines issue no document, so none is rendered.
        let beforeEngine = Engine(ledger: ledger, settings: settings, contracts: old.contracts, render: nil)
        var beforeDrafts = try beforeEngine.preview(
            period: period, explicitRange: explicitRange, issueDate: issueDate, only: only)
        let afterDrafts = try afterEngine.preview(
            period: period, explicitRange: explicitRange, issueDate: issueDate, only: only)
        // Old files are shown where they stood in the rules folder, as a pull request names them.
        let beforeRoot = URL(fileURLWithPath: beforeDirectory).standardizedFileURL.path
        let afterRoot = config.rulesDirectory
        func relocated(_ file: String) -> String {
            let path = URL(fileURLWithPath: file).standardizedFileURL.path
            guard path.hasPrefix(beforeRoot + "/") else { return file }
            return DisplayPath.of(
                URL(fileURLWithPath: afterRoot).appendingPathComponent(String(path.dropFirst(beforeRoot.count + 1)))
                    .path)
        }
        var beforeFiles: [String: String] = [:]
        for (client, c) in old.contracts where only?.contains(client) ?? true {
            beforeFiles[client] = relocated(c.file)
        }
        for (client, file) in retired where only?.contains(client) ?? true {
            beforeFiles[client] = relocated(file)
            beforeDrafts.failures.append(
                BillingFailure(
                    client: client,
                    reason: "not evaluated: client `\(client)` is no longer in the settings"))
        }
        var afterFiles: [String: String] = [:]
        for (client, c) in afterEngine.contracts where only?.contains(client) ?? true {
            afterFiles[client] = c.contract.file
        }
        let diff = RulesDiff(
            before: beforeDrafts, after: afterDrafts, beforeContracts: beforeFiles, afterContracts: afterFiles)
        return RulesDiffReport(
            diff: diff, period: period, issueDate: issueDate, beforeRules: DisplayPath.of(beforeDirectory),
            afterRules: DisplayPath.of(afterRoot))
    }
}

/// The output formats of `ardoise diff`.
public enum RulesDiffFormat: String, Sendable, CaseIterable {
    case text, json, github
}

/// A rules diff ready to print: for a finance reviewer (text), for tools
/// (JSON, amounts as decimal strings) or for a pull request (GitHub workflow
/// annotations on the contract lines, then a Markdown summary).
public struct RulesDiffReport: Sendable {
    public var diff: RulesDiff
    public var period: Period
    public var issueDate: Day
    public var beforeRules: String
    public var afterRules: String

    public init(diff: RulesDiff, period: Period, issueDate: Day, beforeRules: String, afterRules: String) {
        self.diff = diff
        self.period = period
        self.issueDate = issueDate
        self.beforeRules = beforeRules
        self.afterRules = afterRules
    }

    public func render(_ format: RulesDiffFormat) -> String {
        switch format {
        case .text: text()
        case .json: json()
        case .github: github()
        }
    }

    // MARK: text

    public func text() -> String {
        var out =
            "rules diff for \(period.name), issued \(issueDate): `\(afterRules)` against `\(beforeRules)` (before)\n"
        for c in diff.clients {
            out += "\n" + clientHeading(c) + "\n"
            if let f = c.beforeFailure { out += "  before: cannot be evaluated: \(f)\n" }
            if let f = c.afterFailure { out += "  after: cannot be evaluated: \(f)\n" }
            for d in c.documents {
                out += "  " + documentHeading(d) + "\n"
                if let b = d.dueBefore, let a = d.dueAfter, a != b { out += "    due \(b) → \(a)\n" }
                for l in d.lines { out += "    " + Self.describe(l) + "\n" }
            }
            if let impact = c.impact {
                out +=
                    "  total \(c.before.ht.grouped) HT, \(c.before.ttc.grouped) TTC → \(c.after.ht.grouped) HT, \(c.after.ttc.grouped) TTC"
                out += " (\(Self.signed(impact.ht)) HT, \(Self.signed(impact.ttc)) TTC)\n"
            } else {
                out += "  total unknown: left out of the total impact\n"
            }
        }
        out += "\n"
        if diff.clients.isEmpty {
            out +=
                "no invoice changes: \(diff.unchangedClients) clients compared, \(diff.after.ht.grouped) HT, \(diff.after.ttc.grouped) TTC either way\n"
            return out
        }
        out +=
            "\(diff.clients.count) \(diff.clients.count == 1 ? "client changes" : "clients change"), \(diff.unchangedClients) unchanged\n"
        out += "total impact: \(Self.signed(diff.impact.ht)) HT, \(Self.signed(diff.impact.ttc)) TTC "
        out +=
            "(\(diff.before.ht.grouped) → \(diff.after.ht.grouped) HT, \(diff.before.ttc.grouped) → \(diff.after.ttc.grouped) TTC)\n"
        if !diff.incomparable.isEmpty {
            out += "left out of the total (a side cannot be evaluated): \(diff.incomparable.joined(separator: ", "))\n"
        }
        return out
    }

    func clientHeading(_ c: RulesDiff.ClientDiff) -> String {
        switch c.contract {
        case .both: "\(c.client) (\(c.afterFile ?? "?"))"
        case .added: "\(c.client): new contract (\(c.afterFile ?? "?"))"
        case .removed: "\(c.client): contract removed (\(c.beforeFile ?? "?"))"
        }
    }

    func documentHeading(_ d: RulesDiff.DocumentChange) -> String {
        var out = d.kind == .creditNote ? "credit note" : "invoice"
        out += " \(d.period.start)..\(d.period.end)"
        if let p = d.payer { out += ", billed to \(p)" }
        if let s = d.site { out += ", site \(s)" }
        switch d.change {
        case .added: out += " (new document)"
        case .removed: out += " (no longer issued)"
        case .changed: break
        }
        return out
    }

    /// `label: 2,000 × 4.20 = 8,400.00 HT → 2,000 × 4.40 = 8,800.00 HT (+400.00)`.
    public static func describe(_ l: RulesDiff.LineChange) -> String {
        let showRate = l.before != nil && l.after != nil && l.before?.vat != l.after?.vat
        func side(_ x: NewInvoiceLine) -> String {
            "\(grouped(x.quantity)) × \(x.unitPrice.grouped) = \(x.net.grouped) HT"
                + (showRate ? " at \(x.vat)% VAT" : "")
        }
        let delta = " (\(signed(l.delta)))"
        switch (l.before, l.after) {
        case let (b?, a?):
            let label = b.label == a.label ? a.label : "\(b.label) → \(a.label)"
            return "\(label): \(side(b)) → \(side(a))" + delta
        case let (nil, a?): return "added \(a.label): \(side(a))" + delta
        case let (b?, nil): return "removed \(b.label): \(side(b))" + delta
        case (nil, nil): return ""
        }
    }

    static func signed(_ m: Money) -> String { m.cents < 0 ? m.grouped : "+" + m.grouped }

    static func grouped(_ n: Int) -> String {
        DecimalText.format(Int64(n), scale: 0, minimumFraction: 0, groupSeparator: ",")
    }

    // MARK: json

    /// One stable object: amounts as decimal strings (`"23910.00"`), keys in a fixed order.
    public func json() -> String {
        func money(_ m: Money) -> String { JSON.string(m.description) }
        func opt(_ s: String?) -> String { s.map(JSON.string) ?? "null" }
        func amounts(_ a: RulesDiff.Amounts?) -> String {
            guard let a else { return "null" }
            return JSON.object([("ht", money(a.ht)), ("ttc", money(a.ttc))])
        }
        func line(_ l: NewInvoiceLine?) -> String {
            guard let l else { return "null" }
            return JSON.object([
                ("label", JSON.string(l.label)), ("quantity", String(l.quantity)),
                ("unit_price", JSON.string(l.unitPrice.description)), ("net", money(l.net)),
                ("vat_rate", JSON.string(l.vat.oneDecimal)), ("revenue_type", opt(l.revenueType)),
                ("site", opt(l.site)), ("term_line", l.termLine.map(String.init) ?? "null")
            ])
        }
        let clients = diff.clients.map { c in
            let documents = c.documents.map { d in
                JSON.object([
                    ("change", JSON.string(d.change.rawValue)), ("type", JSON.string(d.kind.rawValue)),
                    ("payer", opt(d.payer)),
                    ("site", opt(d.site)), ("period_start", JSON.string(d.period.start.description)),
                    ("period_end", JSON.string(d.period.end.description)), ("before", amounts(d.before)),
                    ("after", amounts(d.after)),
                    ("due_before", opt(d.dueBefore?.description)), ("due_after", opt(d.dueAfter?.description)),
                    (
                        "lines",
                        JSON.array(
                            d.lines.map { l in
                                JSON.object([
                                    ("change", JSON.string(l.change.rawValue)), ("label", JSON.string(l.label)),
                                    ("before", line(l.before)), ("after", line(l.after)), ("delta_ht", money(l.delta))
                                ])
                            })
                    )
                ])
            }
            return JSON.object([
                ("client", JSON.string(c.client)), ("contract", JSON.string(c.contract.rawValue)),
                ("before_file", opt(c.beforeFile)), ("after_file", opt(c.afterFile)),
                ("before", amounts(c.beforeFailure == nil ? c.before : nil)),
                ("after", amounts(c.afterFailure == nil ? c.after : nil)),
                ("before_failure", opt(c.beforeFailure)), ("after_failure", opt(c.afterFailure)),
                ("impact", amounts(c.impact)), ("documents", JSON.array(documents))
            ])
        }
        return JSON.object([
            ("period", JSON.string(period.name)), ("period_start", JSON.string(period.start.description)),
            ("period_end", JSON.string(period.end.description)), ("issue_date", JSON.string(issueDate.description)),
            ("rules_before", JSON.string(beforeRules)), ("rules_after", JSON.string(afterRules)),
            ("changed_clients", String(diff.clients.count)), ("unchanged_clients", String(diff.unchangedClients)),
            ("before", amounts(diff.before)), ("after", amounts(diff.after)), ("impact", amounts(diff.impact)),
            ("incomparable_clients", JSON.array(diff.incomparable.map(JSON.string))),
            ("clients", JSON.array(clients))
        ]) + "\n"
    }

    // MARK: github

    /// Workflow annotations (a notice on each changed line of a contract, a
    /// warning for a side that cannot be evaluated), then a Markdown summary
    /// for the job summary (`grep -v '^::'` keeps only it).
    public func github() -> String {
        var out = ""
        for c in diff.clients {
            let file = c.afterFile ?? c.beforeFile ?? afterRules
            for (side, failure) in [("before", c.beforeFailure), ("after", c.afterFailure)] {
                if let failure {
                    out += annotation(
                        "warning", file: file, line: nil, title: "\(c.client): cannot be evaluated \(side) the change",
                        message: failure)
                }
            }
            for d in c.documents {
                for l in d.lines {
                    // A line number only points into the new file: removed lines annotate the file.
                    out += annotation(
                        "notice", file: file, line: l.after?.termLine, title: "\(c.client) \(period.name): \(l.label)",
                        message: Self.describe(l))
                }
            }
            let total: String
            if let impact = c.impact {
                total =
                    "\(c.before.ht.grouped) HT, \(c.before.ttc.grouped) TTC → \(c.after.ht.grouped) HT, \(c.after.ttc.grouped) TTC "
                    + "(\(Self.signed(impact.ht)) HT, \(Self.signed(impact.ttc)) TTC)"
            } else {
                total = "total unknown: a side cannot be evaluated"
            }
            let title = c.contract == .both ? "\(c.client): invoices change" : clientHeading(c)
            out += annotation("notice", file: file, line: nil, title: title, message: total)
        }
        out += "## Money impact of the rules change, \(period.name) (issued \(issueDate))\n\n"
        if diff.clients.isEmpty {
            out +=
                "No invoice changes: \(diff.unchangedClients) clients compared, \(diff.after.ttc.grouped) TTC either way.\n"
            return out
        }
        out +=
            "| client | contract | before HT | after HT | impact HT | impact TTC |\n| --- | --- | ---: | ---: | ---: | ---: |\n"
        for c in diff.clients {
            let contract =
                c.contract == .both
                ? (c.afterFile ?? "") : "\(c.contract.rawValue): \(c.afterFile ?? c.beforeFile ?? "")"
            let before = c.beforeFailure == nil ? c.before.ht.grouped : "cannot be evaluated"
            let after = c.afterFailure == nil ? c.after.ht.grouped : "cannot be evaluated"
            out +=
                "| \(c.client) | `\(contract)` | \(before) | \(after) | \(c.impact.map { Self.signed($0.ht) } ?? "unknown") "
            out += "| \(c.impact.map { Self.signed($0.ttc) } ?? "unknown") |\n"
        }
        out +=
            "| **total** | \(diff.clients.count) changed, \(diff.unchangedClients) unchanged | \(diff.before.ht.grouped) | "
        out +=
            "\(diff.after.ht.grouped) | **\(Self.signed(diff.impact.ht))** | **\(Self.signed(diff.impact.ttc))** |\n\n"
        out += "<details><summary>Changed lines</summary>\n\n```\n" + text() + "```\n</details>\n"
        return out
    }

    func annotation(_ kind: String, file: String, line: Int?, title: String, message: String) -> String {
        var props = ["file=\(Self.escapeProperty(file))"]
        if let line { props.append("line=\(line)") }
        props.append("title=\(Self.escapeProperty(title))")
        return "::\(kind) \(props.joined(separator: ","))::\(Self.escapeData(message))\n"
    }

    static func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(
            of: "\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
