import BillingEngine
import BillingModel
import ContractLanguage
import Diagnostics
import Foundation
import Imports
import Ledger
import Settings

extension Installation {
    /// Opens the configured ledger, migrating it when a migration is pending,
    /// and checks it is this seller's: a ledger recorded for another SIREN is
    /// refused (nothing done), a ledger made before sellers were recorded
    /// adopts the settings' SIREN (audited). Only `ardoise init` and `demo`
    /// create a ledger (`creating: true`, the same as `initLedger` when there
    /// is none); for every other command, `import` and `run` included, a
    /// `database:` path with no ledger is an error, never a new empty ledger
    /// numbering from 1 again. The workspace keeps the ledger it opened: later
    /// calls, and every operation of the workspace, use it.
    public func openLedger(creating: Bool = false, actor: String = "ardoise") throws(WorkspaceError) -> LedgerDatabase {
        try opened.get { () throws(WorkspaceError) -> LedgerDatabase in
            let path = config.databasePath
            if try !ledgerExists() {
                guard creating else { throw WorkspaceError(LedgerError.missing(path: shownDatabase).description) }
                return try createLedger(actor: actor)
            }
            let ledger: LedgerDatabase
            do {
                ledger = try LedgerDatabase(path: path, creation: .mustExist, environment: databaseEnvironment)
            } catch {
                throw WorkspaceError("the database `\(shownDatabase)` cannot be opened: \(error)")
            }
            try checkSeller(of: ledger, actor: actor)
            return ledger
        }
    }

    /// The workspace's ledger, which its operations act on: the one `openLedger` or `initLedger` opened, else the
    /// configured ledger opened now (it must exist: only `ardoise init` and the demo create one).
    public var ledger: LedgerDatabase {
        get throws(WorkspaceError) { try openLedger() }
    }

    /// Creates the configured ledger, empty and migrated, and records the
    /// seller's SIREN and number series in it (`ardoise init`). Refused when
    /// a file is already at the path: nothing is created over a ledger.
    /// The workspace keeps it for its operations.
    public func initLedger(actor: String = "ardoise") throws(WorkspaceError) -> LedgerDatabase {
        let ledger = try createLedger(actor: actor)
        opened.keep(ledger)
        return ledger
    }

    private func createLedger(actor: String) throws(WorkspaceError) -> LedgerDatabase {
        let path = config.databasePath
        if try ledgerExists() {
            throw WorkspaceError(
                "a ledger is already at `\(shownDatabase)`: nothing done (`ardoise init` only creates one where there is none)"
            )
        }
        do {
            if !LedgerDatabase.isPostgreSQL(path) {
                let folder = (path as NSString).deletingLastPathComponent
                if !folder.isEmpty {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                }
            }
            let ledger = try LedgerDatabase(path: path, creation: .createIfMissing, environment: databaseEnvironment)
            let identity = try ledger.recordIdentity(
                siren: settings.seller.siren, series: seriesText, origin: .created, actor: actor)
            guard identity.siren == settings.seller.siren else {
                throw WorkspaceError(sellerMismatch(path: path, ledger: identity.siren))
            }
            return ledger
        } catch let error as WorkspaceError {
            throw error
        } catch {
            throw WorkspaceError("the database `\(shownDatabase)` cannot be created: \(error)")
        }
    }

    /// The environment the ledger is opened with: the process's, with `database_password_file` as `PGPASSFILE`.
    var databaseEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if let file = config.databasePasswordFile { environment["PGPASSFILE"] = file }
        return environment
    }

    /// The configured database as it may be shown: a PostgreSQL address never with a password.
    var shownDatabase: String {
        guard LedgerDatabase.isPostgreSQL(config.databasePath), let c = URLComponents(string: config.databasePath)
        else { return config.databasePath }
        var shown = c
        shown.password = nil
        return shown.string ?? "postgres://…"
    }

    /// Whether the configured ledger exists (the SQLite file, or a PostgreSQL database holding the ledger's tables).
    public func ledgerExists() throws(WorkspaceError) -> Bool {
        do {
            return try LedgerDatabase.exists(at: config.databasePath, environment: databaseEnvironment)
        } catch {
            throw WorkspaceError("the database `\(shownDatabase)` cannot be opened: \(error)")
        }
    }

    /// The settings' number series as the ledger records them.
    var seriesText: String { settings.numberSeries.map(\.code).joined(separator: ", ") }

    func sellerMismatch(path: String, ledger siren: String) -> String {
        "the ledger `\(path)` is the ledger of SIREN \(siren), but the settings' seller is SIREN \(settings.seller.siren): nothing done; "
            + "check `database:` in ardoise.yaml (or the seller in the settings); a new company starts its own ledger with `ardoise init`"
    }

    /// Refuses a ledger recorded for another seller; a ledger made before
    /// sellers were recorded adopts the settings' (audited, once).
    func checkSeller(of ledger: LedgerDatabase, actor: String) throws(WorkspaceError) {
        do {
            var identity = try ledger.identity()
            if identity == nil {
                identity = try ledger.recordIdentity(
                    siren: settings.seller.siren, series: seriesText, origin: .adopted, actor: actor)
            }
            if let identity, identity.siren != settings.seller.siren {
                throw WorkspaceError(sellerMismatch(path: ledger.path, ledger: identity.siren))
            }
        } catch let error as WorkspaceError {
            throw error
        } catch {
            throw WorkspaceError("the seller of the ledger `\(ledger.path)` cannot be read: \(error)")
        }
    }

    /// Imports files or folders (default: the inbox), each file all or nothing.
    public func importFiles(_ paths: [String]) throws(WorkspaceError) -> [ImportResult] {
        let ledger = try self.ledger
        let targets = paths.isEmpty ? [config.inboxDirectory] : paths
        let importer = Importer(
            ledger: ledger, knownClients: Set(settings.clients.map(\.code)), vatRates: eventVATRates)
        return importer.importPaths(targets.map { URL(fileURLWithPath: $0) })
    }

    /// The VAT rates an event order line may carry: those the settings can
    /// bill and post, i.e. the output VAT accounts' rates and the revenue
    /// types' rates (0 % needs no account). Any other is rejected at import.
    public var eventVATRates: Set<Int64> {
        Set(settings.accounting.outputVATAccounts.keys.map(\.tenThousandths))
            .union(settings.revenueTypes.map(\.vatRate.tenThousandths))
    }

    /// The billing engine over the ledger with the contracts of the rules
    /// folder; refuses to run when a contract has errors. Commands that act on
    /// documents (validate, credit, manual) use it: they must not run on a
    /// partial set of contracts (a credit note takes its payment terms from
    /// the client's contract).
    public func engine(today: Day, actor: String = "ardoise") throws(WorkspaceError) -> Engine {
        let ledger = try self.ledger
        let rules = self.rules(today: today)
        if rules.diagnostics.hasBlockingErrors {
            throw WorkspaceError(
                "the contracts have errors: run `ardoise lint`", diagnostics: rules.diagnostics, sources: rules.sources,
                reason: .contractsHaveErrors(
                    files: Array(Set(rules.diagnostics.filter { $0.severity == .error }.map(\.file))).sorted()))
        }
        var engine = Engine(
            ledger: ledger, settings: settings, contracts: rules.contracts, actor: actor,
            render: documents.renderer(facturX: try Installation.facturX()))
        engine.sourceDigests = sourceDigests(rules.contracts)
        return engine
    }

    /// The digest of each client's contract file with the settings files, as read at `open`: a change to
    /// either makes the daily run evaluate the client's periods again ("v18 billing inputs").
    func sourceDigests(_ contracts: [String: Contract]) -> [String: String] {
        // The texts, not the paths: the same files named from another folder are the same inputs.
        var settingsText = ""
        for path in config.settingsFiles { settingsText += "\(settingsSources[path]?.text ?? "")\n\u{0}" }
        let settingsDigest = ContentHash.sha256(settingsText.utf8)
        let texts = Dictionary(contractFiles.files.map { ($0.path, $0.text) }, uniquingKeysWith: { a, _ in a })
        var out: [String: String] = [:]
        for (client, contract) in contracts {
            guard let text = texts[contract.file] else { continue }
            out[client] = ContentHash.sha256("\(settingsDigest)\n\(text)".utf8)
        }
        return out
    }

    /// The billing engine over the clients whose contract is valid, and the
    /// others with their diagnostics: one client's contract error (an index
    /// value not published yet) does not stop billing of everyone else.
    /// `bill`, `run` and `report unbilled` use it; `lint` stays strict.
    /// Its documents are rendered and stored as they are issued, like `engine`'s.
    public func billingEngine(today: Day, actor: String = "ardoise") throws(WorkspaceError)
        -> (engine: Engine, problems: ContractProblems)
    {
        let ledger = try self.ledger
        let rules = self.rules(today: today)
        let problems = ContractProblems(rules, clients: settings.clients.map(\.code))
        var contracts = rules.contracts
        for client in problems.clients { contracts[client] = nil }
        var engine = Engine(
            ledger: ledger, settings: settings, contracts: contracts, actor: actor,
            render: documents.renderer(facturX: try Installation.facturX()))
        engine.sourceDigests = sourceDigests(contracts)
        return (engine, problems)
    }

    /// Refuses to bill a period that has not ended by `today` (its revenue is
    /// not all in); fees in advance need no such request, the engine bills
    /// them with the period before. `force` (the reason, required) overrides,
    /// and the forcing is written to the audit log.
    public func checkPeriodEnded(
        _ period: Period, name: String, today: Day, force reason: String?,
        actor: String
    ) throws(WorkspaceError) {
        guard period.end >= today else { return }
        guard let reason else {
            throw WorkspaceError(
                "the period \(name) ends on \(period.end), it has not ended on \(today): nothing billed; "
                    + "its revenue is not all in (give `--force --reason \"…\"` to bill it anyway)")
        }
        let ledger = try self.ledger
        do {
            try ledger.audit(
                actor: actor, action: "bill-unended-period",
                AuditParameters([
                    "start": .of(period.start), "end": .of(period.end), "today": .of(today), "reason": .text(reason)
                ]))
        } catch {
            throw WorkspaceError("the audit log cannot be written: \(error)")
        }
    }
}

extension Installation {
    /// Refuses a `--date` after today (in the settings' time zone) for a
    /// command that issues, numbers or posts: a number given on a future date
    /// cannot be taken back, and the series could not issue again before that
    /// day. `force` (the reason, required) overrides, in the audit log.
    public func checkNotFuture(_ day: Day, command: String, force reason: String?, actor: String) throws(WorkspaceError)
    {
        let today = BusinessCalendar.today(timeZone: settings.timeZone)
        guard day > today else { return }
        guard let reason else {
            throw WorkspaceError(
                "`--date \(day)` is after today (\(today)): `ardoise \(command)` would issue, number or post documents dated "
                    + "in the future, and no document could be numbered before that day again; nothing done "
                    + "(give `--force --reason \"…\"` to act as of that day anyway)")
        }
        let ledger = try self.ledger
        do {
            try ledger.audit(
                actor: actor, action: "future-date",
                AuditParameters([
                    "command": .text(command), "day": .of(day), "today": .of(today), "reason": .text(reason)
                ]))
        } catch {
            throw WorkspaceError("the audit log cannot be written: \(error)")
        }
    }

    /// Refuses, before anything is written, a document dated in a closed month (nothing is issued or dated in it).
    public func checkOpenMonth(_ day: Day, what: String) throws(WorkspaceError) {
        let ledger = try self.ledger
        let month = Month(day).description
        let closed: Bool
        do { closed = try ledger.isClosed(month: month) } catch {
            throw WorkspaceError("the ledger cannot be read: \(error)")
        }
        if closed {
            throw WorkspaceError(
                "\(month) is closed: \(what) dated \(day) cannot be made; nothing done (use a `--date` of an open month)"
            )
        }
    }

    /// Refuses an explicit range longer than a billed contract's cadence or
    /// reaching into a closed month, unless forced (the reason in the audit log).
    public func checkRange(
        _ period: Period, engine: Engine, only: Set<String>?, force reason: String?,
        actor: String
    ) throws(WorkspaceError) {
        let problems: [String]
        do { problems = try engine.rangeProblems(period, only: only) } catch {
            throw WorkspaceError("the ledger cannot be read: \(error)")
        }
        guard !problems.isEmpty else { return }
        guard let reason else {
            throw WorkspaceError(
                problems.joined(separator: "; ") + ": nothing billed (bill named periods such as `2026-10`, "
                    + "or give `--force --reason \"…\"` to bill this range anyway; days billed already are not billed again)"
            )
        }
        let ledger = try self.ledger
        do {
            try ledger.audit(
                actor: actor, action: "bill-range-forced",
                AuditParameters([
                    "start": .of(period.start), "end": .of(period.end), "problems": .of(problems.count),
                    "reason": .text(reason)
                ]))
        } catch {
            throw WorkspaceError("the audit log cannot be written: \(error)")
        }
    }
}

/// The contracts billing leaves out: each client whose contract file has
/// errors (or who has two contracts, or none), with the diagnostics that say why.
public struct ContractProblems: Sendable {
    /// Clients not billed, sorted.
    public var clients: [String]
    /// Error diagnostics of the contracts left out (and of files that name no client).
    public var diagnostics: [Diagnostic]
    public var sources: [String: SourceFile]
    /// The client each diagnostic's file is the contract of (nil: a file naming no client, or the settings).
    var clientOfFile: [String: String]

    public var isEmpty: Bool { diagnostics.isEmpty }

    /// The problems of `rules`, checked against the settings' `clients` codes.
    public init(_ rules: RuleSet, clients settingsClients: [String]) {
        var clients: Set<String> = []
        var diagnostics: [Diagnostic] = []
        var clientOfFile: [String: String] = [:]
        for f in rules.files { if let c = f.syntax.client?.value { clientOfFile[f.source.path] = c } }
        // A missing index value (E0802) leaves the client billed: only a period that uses it fails.
        for d in rules.diagnostics where d.severity == .error && !d.isDataNeed {
            diagnostics.append(d)
            if let client = clientOfFile[d.file] { clients.insert(client) }
        }
        // A client of the settings with no contract file (E0406) is not billed either.
        if rules.diagnostics.contains(where: { $0.code == "E0406" }) {
            let named = Set(clientOfFile.values)
            clients.formUnion(settingsClients.filter { !named.contains($0) })
        }
        self.clients = clients.sorted()
        self.diagnostics = diagnostics
        self.sources = rules.sources
        self.clientOfFile = clientOfFile
    }

    /// The problems concerning these clients only (all when nil).
    public func only(_ wanted: Set<String>?) -> ContractProblems {
        guard let wanted else { return self }
        var out = self
        out.clients = clients.filter(wanted.contains)
        out.diagnostics = diagnostics.filter { d in
            clientOfFile[d.file].map(wanted.contains)
                ?? (d.code == "E0406" && wanted.contains { d.message.contains("`\($0)`") })
        }
        return out
    }

    /// One line per client left out, for the summary.
    public var summary: String {
        var out = ""
        for client in clients {
            let files = clientOfFile.filter { $0.value == client }.keys.sorted()
            out +=
                "error: \(client): not billed, "
                + (files.isEmpty
                    ? "it has no contract (`ardoise lint`)\n"
                    : "its contract has errors (`ardoise lint \(files.joined(separator: " "))`)\n")
        }
        let unnamed = Set(diagnostics.map(\.file)).filter { clientOfFile[$0] == nil && sources[$0] != nil }.sorted()
        for file in unnamed { out += "error: \(file) has errors and names no client (`ardoise lint \(file)`)\n" }
        return out
    }

    /// The diagnostics as `ardoise lint` prints them.
    public var rendered: String {
        DiagnosticRenderer(sources: sources).render(diagnostics, format: .text)
    }
}

/// Invoices as JSON for `ardoise invoices … --format json`: amounts as decimal strings.
public enum InvoiceJSON {
    public static func encode(_ s: StoredInvoice) -> String {
        let i = s.invoice
        func money(_ cents: Int64) -> String { JSON.string(Money(cents: cents).description) }
        func opt(_ v: String?) -> String { v.map(JSON.string) ?? "null" }
        let lines = s.lines.map { l in
            JSON.object([
                ("label", JSON.string(l.label)), ("quantity", String(l.quantity)),
                ("unit_price", JSON.string(l.price.description)), ("net_amount", money(l.net)),
                ("vat_rate", JSON.string(l.rate.oneDecimal))
            ])
        }
        let vat = s.vat.map { v in
            JSON.object([
                ("rate", JSON.string(VATRate(tenThousandths: v.rate).oneDecimal)), ("base", money(v.base)),
                ("vat", money(v.vat))
            ])
        }
        return JSON.object([
            ("id", String(i.id ?? 0)), ("number", opt(i.number)), ("type", JSON.string(i.type.rawValue)),
            ("status", JSON.string(i.status.rawValue)), ("client", JSON.string(i.client)), ("payer", opt(i.payer)),
            // The document's period (the days it bills, as its PDF and XML say); `billing_period_*` is the billing run's.
            ("site", opt(i.site)), ("period_start", JSON.string(i.documentPeriod.start.description)),
            ("period_end", JSON.string(i.documentPeriod.end.description)),
            ("billing_period_start", JSON.string(i.periodStart.description)),
            ("billing_period_end", JSON.string(i.periodEnd.description)),
            // A credit note is owed by nobody: it has no due date (its PDF and XML say it is set against the invoice).
            ("issue_date", JSON.string(i.issueDate.description)),
            ("due_date", i.type == .creditNote ? "null" : JSON.string(i.dueDate.description)),
            ("lines", JSON.array(lines)), ("vat_breakdown", JSON.array(vat)),
            ("total_ht", money(i.totalHt)), ("total_vat", money(i.totalVat)), ("total_ttc", money(i.totalTtc))
        ])
    }
}
