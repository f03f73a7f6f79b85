import BillingModel
import ContractLanguage
import Foundation
import Ledger
import Settings

/// A client that could not be billed, and why: the others are billed.
public struct BillingFailure: Sendable, Equatable {
    public var client: String
    public var message: String
}

extension BillingReport {
    /// One line for people: what was created, left unchanged and issued, and the new documents' totals.
    public var counts: String {
        "\(created.count) documents created, \(unchanged) unchanged, \(issued.count) issued, \(totalHT.grouped) HT, \(totalTTC.grouped) TTC"
            + billedAlready.map { "\nnote: \($0)" }.joined()
    }
}

/// The documents an evaluation produced, not yet stored.
public struct BillingDrafts: Sendable {
    public var drafts: [NewInvoice] = []
    public var failures: [BillingFailure] = []
    public var notes: [String] = []
}

/// What a billing run did.
public struct BillingReport: Sendable {
    public var period: Period
    public var issueDate: Day
    public var clientsBilled: Set<String> = []
    public var created: [Int64] = []
    public var unchanged = 0
    public var alreadyIssued = 0
    public var issued: [String] = []
    public var failures: [BillingFailure] = []
    public var totalHT = Money.zero
    public var totalTTC = Money.zero
    public var notes: [String] = []
    /// Periods asked for whose days other live documents bill already: what was billed instead (nothing, or the unbilled days).
    public var billedAlready: [String] = []
    /// Clients billed although register files the settings' calendar expects are missing (not held: forced).
    public var billedWithoutFiles: [String] = []
    /// Client-periods evaluated over the ledger's revenue.
    public var evaluated = 0
    /// Client-periods the daily run did not evaluate: what their evaluation would read is what the one that
    /// billed them read ("v18 billing inputs") and no proforma of theirs waits, so it would give what the ledger holds.
    public var unchangedSinceBilled = 0
}

/// The billing engine: compiled contracts over the ledger's revenue, and the
/// life of the documents they produce. It knows nothing of the web or the CLI.
public struct Engine: Sendable {
    public let ledger: LedgerDatabase
    public let settings: MasterData
    public let contracts: [String: CompiledContract]
    public let actor: String
    /// Renders an issued document's PDF and XML, stored at validation (the
    /// workspace gives it). Every engine says whether it has one: nil only for
    /// engines that issue nothing (the rules diff) and for ledger-level tests;
    /// a document issued without it is stored at its first render.
    public var render: DocumentRenderer?
    /// The digest of each client's contract file with the settings, as read (the workspace gives them): part of
    /// what an evaluation of the client reads ("v18 billing inputs"). A client without one is always evaluated.
    public var sourceDigests: [String: String] = [:]

    public init(
        ledger: LedgerDatabase, settings: MasterData, contracts: [String: Contract], actor: String = "ardoise",
        render: DocumentRenderer?
    ) {
        self.ledger = ledger
        self.settings = settings
        let index = settings.contractIndexValues
        self.contracts = contracts.mapValues { CompiledContract($0, indexSeries: index) }
        self.actor = actor
        self.posting = settings.salesPosting
        self.render = render
    }

    /// How issued documents are posted to the sales journal.
    let posting: SalesPosting

    // MARK: periods

    /// The billing periods of a contract billed with the requested period:
    /// those of its cadence that end inside it; an explicit range
    /// (`2026-10-01..2026-10-15`) is billed as it is.
    public static func billingPeriods(of contract: Contract, requested: Period, explicitRange: Bool) -> [Period] {
        if explicitRange { return [requested] }
        var out: [Period] = []
        var p = contract.cadence.period(containing: requested.start)
        while p.start <= requested.end {
            if requested.contains(p.end) { out.append(p) }
            p = contract.cadence.period(containing: p.end.adding(days: 1))
        }
        return out
    }

    /// The period due on `day` for the scheduled run: the contract's latest
    /// billing period that ended before `day` (a run that missed the day
    /// after a period's end still bills it; an issued period is kept).
    public static func duePeriod(of contract: Contract, on day: Day) -> Period {
        let p = contract.cadence.period(containing: day.adding(days: -1))
        return p.end < day ? p : contract.cadence.period(containing: p.start.adding(days: -1))
    }

    // MARK: generation

    /// Generates the proformas of `period` for every client (or `only` these),
    /// issued on `issueDate`; validates those of contracts in automatic mode.
    /// Generating twice changes nothing; a period already issued is kept.
    /// With `holdMissingDays`, a client one of whose sites lacks a register
    /// file for a day its calendar says it was open is not billed (a failure).
    public func generate(
        period: Period, explicitRange: Bool = false, issueDate: Day, only: Set<String>? = nil,
        holdMissingDays: Bool = false, now: Date = Date()
    ) throws -> BillingReport {
        let (wanted, billedAlready) = try unbilledOnly(plan(period: period, explicitRange: explicitRange, only: only))
        let (kept, held) = try holdingMissingDays(wanted, issueDate: issueDate)
        var report = try generate(holdMissingDays ? kept : wanted, requested: period, issueDate: issueDate, now: now)
        report.billedAlready = billedAlready
        if holdMissingDays {
            report.failures = held + report.failures
        } else {
            report.billedWithoutFiles = held.map { "\($0.client): \($0.message)" }
        }
        return report
    }

    /// Generates what the scheduled run owes on `day`: each contract's period that just ended.
    /// A period whose proforma finance staff discarded is not generated again
    /// by the scheduler (`bill --period` does it on request).
    public func generateDue(on day: Day, holdMissingDays: Bool = false, now: Date = Date()) throws -> BillingReport {
        let due = contracts.sorted { $0.key < $1.key }
            .filter { $0.value.contract.cadence != .onDelivery }
            .map { ($0.value, Engine.duePeriod(of: $0.value.contract, on: day)) }
            .filter { $0.1.end >= $0.0.contract.validFrom }
        let (unbilled, billedAlready) = try unbilledOnly(due)
        let (plan, held) =
            try holdMissingDays ? holdingMissingDays(unbilled, issueDate: day) : (plan: unbilled, failures: [])
        let requested = plan.map(\.1).reduce(Period(start: day, end: day)) {
            Period(start: min($0.start, $1.start), end: max($0.end, $1.end))
        }
        var report = BillingReport(period: requested, issueDate: day)
        // A period whose inputs are those its billing read, with nothing waiting, would give what the ledger holds.
        let inputs = try inputDigests(plan)
        let recorded = try ledger.billingInputs(
            plan.map { (client: $0.0.contract.client, period: $0.1) }.filter {
                inputs[LedgerDatabase.billingInputsKey(client: $0.client, period: $0.period)] != nil
            })
        let changed = plan.filter { c, p in
            let key = LedgerDatabase.billingInputsKey(client: c.contract.client, period: p)
            guard let now = inputs[key] else { return true }
            return recorded[key] != now.digest
        }
        report.unchangedSinceBilled = plan.count - changed.count
        var billing = try draft(changed, issueDate: day)
        report.evaluated = changed.count
        let discarded = try ledger.discardedGenerationKeys(Set(billing.drafts.compactMap(\.generationKey)))
        billing.drafts.removeAll { d in d.generationKey.map(discarded.contains) ?? false }
        report.notes =
            billing.notes
            + (discarded.isEmpty
                ? [] : ["\(discarded.count) discarded proformas not generated again (use `ardoise bill --period`)"])
        report.billedAlready = billedAlready
        report.failures = held + billing.failures
        try discardVanished(changed, billing, into: &report, now: now)
        try store(billing.drafts, inputs: recordable(changed, inputs, billing), into: &report, now: now)
        return report
    }

    /// A period generated again replaces its waiting proformas: those whose
    /// key the evaluation no longer produces are discarded (edited ones kept).
    func discardVanished(
        _ plan: [(CompiledContract, Period)], _ billing: BillingDrafts, into report: inout BillingReport, now: Date
    ) throws {
        let failed = Set(billing.failures.map(\.client))
        let generated = plan.filter { !failed.contains($0.0.contract.client) }.map {
            (client: $0.0.contract.client, period: $0.1)
        }
        let gone = try ledger.discardVanishedProformas(
            generated, keeping: Set(billing.drafts.compactMap(\.generationKey)), actor: actor, at: now)
        for g in gone {
            report.notes.append(
                "\(g.client): proforma \(g.id) of \(g.period.name) discarded, the period bills nothing in it any more")
        }
    }

    func window(_ plan: [(CompiledContract, Period)]) -> Period? {
        var w: Period?
        for (c, p) in plan {
            let r = c.revenueWindow(for: p)
            w = w.map { Period(start: min($0.start, r.start), end: max($0.end, r.end)) } ?? r
        }
        return w
    }

    func generate(_ plan: [(CompiledContract, Period)], requested: Period, issueDate: Day, now: Date) throws
        -> BillingReport
    {
        var report = BillingReport(period: requested, issueDate: issueDate)
        let inputs = try inputDigests(plan)
        let billing = try draft(plan, issueDate: issueDate)
        report.evaluated = plan.count
        report.notes = billing.notes
        report.failures = billing.failures
        try discardVanished(plan, billing, into: &report, now: now)
        try store(billing.drafts, inputs: recordable(plan, inputs, billing), into: &report, now: now)
        return report
    }

    /// Evaluates the plan over the ledger's current revenue and returns the
    /// documents it would create, writing nothing.
    func draft(_ plan: [(CompiledContract, Period)], issueDate: Day) throws -> BillingDrafts {
        var out = BillingDrafts()
        guard let window = window(plan) else { return out }
        let revenue = try RevenueLoader(ledger: ledger)
            .load(
                window: window, contracts: contracts.mapValues(\.contract),
                knownClients: Set(settings.clients.map(\.code)))
        // Each contract's evaluation reads only its client's revenue: they run on every core, and are gathered in
        // the plan's order, so the drafts, notes and failures are the same as one after the other.
        let evaluated = WorkerSlots<(notes: [String], outcome: PlanOutcome)>(count: plan.count)
        DispatchQueue.concurrentPerform(iterations: min(plan.count, ProcessInfo.processInfo.activeProcessorCount)) {
            worker in
            let workers = min(plan.count, ProcessInfo.processInfo.activeProcessorCount)
            for i in stride(from: worker, to: plan.count, by: workers) {
                evaluated.set(
                    i,
                    draftOne(
                        plan[i].0, period: plan[i].1, issueDate: issueDate,
                        revenue: revenue.byClient[plan[i].0.contract.client] ?? ClientRevenue()))
            }
        }
        for i in plan.indices {
            guard let one = evaluated.get(i) else { continue }
            out.notes += one.notes
            switch one.outcome {
            case .drafts(let drafts): out.drafts += drafts
            case .failure(let failure): out.failures.append(failure)
            }
        }
        return out
    }

    /// One contract's documents for one period, or why it bills none (a document that does not add up: none of
    /// the client's documents, the others billed).
    func draftOne(_ compiled: CompiledContract, period p: Period, issueDate: Day, revenue clientRevenue: ClientRevenue)
        -> (notes: [String], outcome: PlanOutcome)
    {
        let c = compiled.contract
        do {
            let evaluation = try compiled.evaluate(period: p, issueDate: issueDate, revenue: clientRevenue)
            let notes = evaluation.notes.map { "\(c.client): \($0)" }
            var report = BillingReport(period: p, issueDate: issueDate)
            let drafts = bounded(
                c.invoices(for: evaluation.lines).map {
                    newInvoice(
                        $0, contract: c, period: p, issueDate: issueDate, origin: .contract, revenue: clientRevenue)
                }, into: &report)
            if let failure = report.failures.first { return (notes, .failure(failure)) }
            return (notes, .drafts(drafts))
        } catch {
            return ([], .failure(BillingFailure(client: c.client, message: "\(error)")))
        }
    }

    /// The documents a billing would create, before anything is stored.
    public func preview(period: Period, explicitRange: Bool = false, issueDate: Day, only: Set<String>? = nil) throws
        -> BillingDrafts
    {
        try draft(plan(period: period, explicitRange: explicitRange, only: only), issueDate: issueDate)
    }

    func plan(period: Period, explicitRange: Bool, only: Set<String>?) -> [(CompiledContract, Period)] {
        var plan: [(CompiledContract, Period)] = []
        for (client, c) in contracts.sorted(by: { $0.key < $1.key }) where only?.contains(client) ?? true {
            for p in Engine.billingPeriods(of: c.contract, requested: period, explicitRange: explicitRange) {
                plan.append((c, p))
            }
        }
        return plan
    }

    /// Stores drafts as proformas in one transaction (with `inputs`, what their evaluations read), then issues the automatic ones.
    func store(_ unchecked: [NewInvoice], inputs: [BillingInputs] = [], into report: inout BillingReport, now: Date)
        throws
    {
        let drafts = bounded(unchecked, into: &report)
        // New documents (with the draft they came from) and the proformas to validate automatically.
        var created: [(id: Int64, draft: NewInvoice)] = []
        var automatic: [Int64] = []
        // A client with a draft that does not add up is not recorded as billed from its inputs.
        let unbounded = Set(report.failures.map(\.client))
        for (d, outcome) in zip(
            drafts,
            try ledger.storeProformas(
                drafts, inputs: inputs.filter { !unbounded.contains($0.client) }, actor: actor, at: now))
        {
            switch outcome {
            case .refused(let twice):
                // Refused before anything of it was written: the other drafts are stored.
                report.failures.append(BillingFailure(client: d.client, message: "\(d.period) not billed: \(twice)"))
            case .created(let id):
                created.append((id, d))
                if d.automatic { automatic.append(id) }
            case .existing(let id, let issued):
                if issued {
                    report.alreadyIssued += 1
                } else {
                    report.unchanged += 1
                    if d.automatic, let id { automatic.append(id) }
                }
            case .nothing:
                break
            }
        }
        let refused = Set(report.failures.map(\.client))
        for d in drafts where !refused.contains(d.client) { report.clientsBilled.insert(d.client) }
        report.created += created.map(\.id)
        for (_, d) in created {
            // Checked before they were stored (`bounded`): the totals fit.
            guard let totals = try? InvoiceTotals(lines: d.lines.map { ($0.net, $0.vat) }) else { continue }
            let sign: Int64 = d.type == .creditNote ? -1 : 1
            report.totalHT += Money(cents: sign * totals.totalHT.cents)
            report.totalTTC += Money(cents: sign * totals.totalTTC.cents)
        }
        // Each automatic validation on its own: one refused (a closed month, a
        // stale proforma) leaves its proforma waiting and a clear error; the others are issued.
        for (id, outcome) in try validateEach(ids: automatic, on: report.issueDate, now: now) {
            switch outcome {
            case .success(let number): report.issued.append(number)
            case .failure(let error):
                report.failures.append(
                    BillingFailure(
                        client: (try? ledger.invoice(id: id))??.invoice.client ?? "?",
                        message: "proforma \(id) not validated automatically: \(error)"))
            }
        }
    }

    /// The drafts whose totals fit in cents; each other one is its client's
    /// failure, named by client, period and line, and the others are billed.
    func bounded(_ drafts: [NewInvoice], into report: inout BillingReport) -> [NewInvoice] {
        drafts.filter { d in
            if (try? InvoiceTotals(lines: d.lines.map { ($0.net, $0.vat) })) != nil { return true }
            // Rare: find the line where it stops adding up, to name it.
            var lines: [(Money, VATRate)] = []
            do {
                for l in d.lines { lines.append((l.net, l.vat)); _ = try InvoiceTotals(lines: lines) }
                return true
            } catch {
                report.failures.append(
                    BillingFailure(
                        client: d.client,
                        message: "not billed: the \(d.type == .creditNote ? "credit note" : "invoice") of \(d.period) "
                            + "does not add up at line \(lines.count) \"\(d.lines[lines.count - 1].label)\": \(error)"))
                return false
            }
        }
    }

    func newInvoice(
        _ draft: InvoiceDraft, contract c: Contract, period: Period, issueDate: Day, origin: InvoiceOrigin,
        revenue: ClientRevenue
    ) -> NewInvoice {
        let fees = draft.lines.first?.isClientFee == true && (c.perSite || c.feesOnOwnInvoice)
        let key = Engine.contractKey(client: c.client, period: period, payer: draft.payer, site: draft.site, fees: fees)
        let siteDays = revenue.days.filter { period.contains($0.day) && (draft.site == nil || $0.site == draft.site) }
            .map { SiteDayKey(site: $0.site, day: $0.day) }
        var new = NewInvoice(
            type: .invoice, series: series(for: .invoice), client: c.client, payer: draft.payer, site: draft.site,
            period: period, issueDate: issueDate,
            dueDate: c.paymentTerms(for: draft.payer).dueDate(issuedOn: issueDate),
            paymentTerms: c.paymentTerms(for: draft.payer), origin: origin, generationKey: key,
            automatic: c.automaticValidation, lines: draft.lines.map(NewInvoiceLine.init), siteDays: siteDays)
        for (i, l) in draft.lines.enumerated() where !l.tickets.isEmpty { new.lineTickets[i + 1] = l.tickets }
        if origin == .contract {
            new.billedUnits = Engine.billedUnits(
                client: c.client, payer: draft.payer, site: draft.site, fees: fees, siteDays: siteDays,
                lines: draft.lines)
        }
        return new
    }

    /// The generation key of a contract's periodic invoice: one per client,
    /// period, payer, site (per-site contracts) and fees kept apart.
    static func contractKey(client: String, period: Period, payer: String?, site: String?, fees: Bool) -> String {
        [
            "contract", client, period.start.description, period.end.description, payer ?? "", site ?? "",
            fees ? "fees" : ""
        ]
        .joined(separator: "|")
    }

    func series(for type: DocumentKind) -> String {
        let t = type
        return settings.numberSeries(for: t)?.code ?? (type == .invoice ? "FA" : "AV")
    }

    func format(series code: String) -> SeriesFormat {
        guard let s = settings.numberSeries(code) else { return SeriesFormat(prefix: code + "-", width: 6) }
        return SeriesFormat(prefix: s.prefix, width: s.width)
    }

    // MARK: validation

    /// Validates proformas: each gets the next number of its series, the
    /// issue date `day` and its due date from its payment terms.
    /// Stops at the first refusal (those before it stay issued). A proforma
    /// past the settings' amount limits is refused unless `forcedBecause`
    /// gives a reason (kept in the audit log).
    @discardableResult
    public func validate(ids: [Int64], on day: Day, now: Date = Date(), forcedBecause reason: String? = nil) throws
        -> [String]
    {
        try validateEach(ids: ids, on: day, now: now, stopAtFirstFailure: true, forcedBecause: reason).map {
            try $0.outcome.get()
        }
    }

    /// Validates each proforma, recording a refusal and going on: each batch
    /// of 64 in one transaction, each proforma in a savepoint of its own
    /// (`LedgerDatabase.issueEach`), so a refusal leaves the others issued.
    /// With a renderer, each batch's documents are rendered on every core,
    /// outside the ledger's write lock, as they will be once issued (the
    /// number its series gives next, the dates): the next batch is rendered
    /// while this one is numbered, its numbers following this batch's. In the
    /// numbering transaction a pre-rendered file is used only when the issued
    /// document and its references are exactly those it was rendered from (a
    /// refusal shifts the numbers after it: those of the batch rendered
    /// meanwhile are rendered there, and the batches after it are rendered
    /// with the numbers shifted back), so the bytes are the same either way.
    /// The hashes of the revenue each document bills (`invoice_revenue`) are
    /// computed with its files, so the numbering transaction reads no ticket.
    public func validateEach(
        ids: [Int64], on day: Day, now: Date = Date(), stopAtFirstFailure: Bool = false,
        forcedBecause reason: String? = nil
    ) throws -> [(id: Int64, outcome: Result<String, any Error>)] {
        var out: [(id: Int64, outcome: Result<String, any Error>)] = []
        let batches = stride(from: 0, to: ids.count, by: 64).map { Array(ids[$0..<min($0 + 64, ids.count)]) }
        var ahead: PrerenderAhead?
        // Each register file's revenue hashed once for the run, every client's lines of it together.
        let revenueFiles = RevenueFileHashes()
        if let render, let first = batches.first {
            ahead = PrerenderAhead(
                engine: self, ids: first, next: [:], on: day, now: now, render: render, files: revenueFiles)
        }
        // Per series, the proformas of the batch just numbered that its prerender counted on and that were not
        // issued: the numbers rendered ahead for the batches after it are that many too high.
        var notIssued: [String: Int64] = [:]
        // The series of each proforma of the batch its prerender counted on for a number.
        var reserved: [Int64: String] = [:]
        for (index, batch) in batches.enumerated() {
            var prepared: Prerendered = [:]
            if let current = ahead, let render {
                let (files, expected, reservedNow) = try current.wait()
                reserved = reservedNow
                var next = expected
                for (series, count) in notIssued { if let n = next[series] { next[series] = n - count } }
                notIssued = [:]
                prepared = files
                // The next batch renders on the other cores while this one takes its numbers.
                ahead =
                    index + 1 < batches.count
                    ? PrerenderAhead(
                        engine: self, ids: batches[index + 1], next: next, on: day, now: now, render: render,
                        files: revenueFiles) : nil
            }
            // Each proforma's own checks, then the batch issued in one transaction, each in a savepoint of its own.
            var entries: [(id: Int64, outcome: Result<String, any Error>?)] = []
            var requests: [IssueRequest] = []
            var slots: [Int] = []
            for id in batch {
                do {
                    guard let stored = try ledger.invoice(id: id) else { throw InvoiceError.noInvoice("\(id)") }
                    // Refused before a number is taken: the message names the proforma, never a number.
                    var forced: IssueRefusal?
                    if stored.invoice.status == .proforma, let refusal = issueRefusal(stored) {
                        guard reason != nil, refusal.forceable, issueRefusal(stored, forced: true) == nil else {
                            throw refusal
                        }
                        forced = refusal
                    }
                    let terms = stored.invoice.paymentTerms
                    if stored.invoice.status == .proforma,
                        let refusal = periodicDueRefusal(stored, terms: terms, on: day)
                    {
                        throw refusal
                    }
                    var renderOnce: DocumentRenderer?
                    if let render {
                        let ready = prepared[id]
                        renderOnce = {
                            @Sendable (issued: StoredInvoice, references: DocumentReferences) throws -> IssuedFiles in
                            if let ready, ready.stored == issued, ready.references == references { return ready.files }
                            return try render(issued, references)
                        }
                    }
                    slots.append(entries.count)
                    entries.append((id, nil))
                    requests.append(
                        IssueRequest(
                            id: id, day: day, dueDate: terms.dueDate(issuedOn: day),
                            format: format(series: stored.invoice.series),
                            // `transmission: platform`: the platform delivers it, no e-mail is queued.
                            mail: settings.transmission.usesEmail ? outboxRequest(for: stored.invoice) : nil,
                            render: renderOnce, revenue: prepared[id]?.revenue ?? [],
                            audit: forced != nil && reason != nil
                                ? ("validate-past-limits", AuditParameters(["reason": .text(reason ?? "")])) : nil))
                } catch {
                    entries.append((id, .failure(error)))
                    // Those before it are still issued; none after it is tried.
                    if stopAtFirstFailure { break }
                }
            }
            let issued = ledger.issueEach(
                requests, actor: actor, at: now, posting: posting, stopAtFirstFailure: stopAtFirstFailure)
            for (k, outcome) in issued.enumerated() { entries[slots[k]].outcome = outcome }
            for entry in entries {
                // No outcome: not tried, after a refusal when stopping at the first.
                guard let outcome = entry.outcome else {
                    if stopAtFirstFailure { break }
                    throw LedgerError.internalInconsistency("proforma \(entry.id) was neither issued nor refused")
                }
                if case .failure = outcome, let series = reserved[entry.id] {
                    notIssued[series, default: 0] += 1
                }
                out.append((entry.id, outcome))
                // The failure is the last outcome: what was issued before it is reported with it.
                if stopAtFirstFailure, case .failure = outcome { return out }
            }
        }
        return out
    }

    /// The documents of `ids` rendered in parallel as they would be issued now, keyed by id, with the number
    /// each series would give after them. `next` holds the numbers expected after the batch before (a series
    /// it does not name starts after the ledger's last number).
    func prerender(
        _ ids: [Int64], next expected: [String: Int64], on day: Day, now: Date, render: DocumentRenderer,
        files: RevenueFileHashes
    )
        throws
        -> (files: Prerendered, next: [String: Int64], reserved: [Int64: String])
    {
        var next = expected
        var inputs: [(Int64, StoredInvoice, DocumentReferences)] = []
        // Each proforma counted on for a number, by its series (rendered or not).
        var reserved: [Int64: String] = [:]
        for id in ids {
            guard let proforma = try ledger.invoice(id: id), proforma.invoice.status == .proforma else { continue }
            let series = proforma.invoice.series
            let n = try next[series] ?? ledger.lastNumber(series: series) + 1
            next[series] = n + 1
            reserved[id] = series
            let stored = try asIssued(proforma, sequence: n, on: day, now: now)
            inputs.append((id, stored, try ledger.references(of: stored.invoice)))
        }
        let results = WorkerSlots<(files: IssuedFiles, revenue: [RevenueHash])>(count: inputs.count)
        let work = inputs
        let ledger = self.ledger
        DispatchQueue.concurrentPerform(iterations: work.count) { i in
            // The hashes of the revenue it bills too: the issuing transaction records them without reading the tickets.
            results.set(
                i,
                (try? render(work[i].1, work[i].2)).map {
                    ($0, (try? ledger.revenueHashes(invoiceID: work[i].0, files: files)) ?? [])
                })
        }
        var out: Prerendered = [:]
        for (i, input) in inputs.enumerated() {
            if let ready = results.get(i) { out[input.0] = (input.1, input.2, ready.files, ready.revenue) }
        }
        return (out, next, reserved)
    }
}

/// Pre-rendered documents by proforma id: the document as it would be issued, its references and its files.
typealias Prerendered = [Int64: (
    stored: StoredInvoice, references: DocumentReferences, files: IssuedFiles, revenue: [RevenueHash]
)]

/// One batch's documents rendered on a background thread while the caller numbers the batch before.
private final class PrerenderAhead: @unchecked Sendable {
    static let queue = DispatchQueue(label: "ardoise.validation.prerender-ahead")
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<(files: Prerendered, next: [String: Int64], reserved: [Int64: String]), any Error>?

    init(
        engine: Engine, ids: [Int64], next: [String: Int64], on day: Day, now: Date, render: @escaping DocumentRenderer,
        files: RevenueFileHashes
    ) {
        // On a queue of its own (a serial queue: dispatch reuses its thread and gives it one even when every other is busy or
        // blocked): a thread started and ended per batch was found ending with a damaged heap in the test suite.
        PrerenderAhead.queue.async { [self] in
            result = Result { try engine.prerender(ids, next: next, on: day, now: now, render: render, files: files) }
            done.signal()
        }
    }

    /// The batch's documents once rendered (the semaphore orders the write of `result` before this read).
    func wait() throws -> (files: Prerendered, next: [String: Int64], reserved: [Int64: String]) {
        done.wait()
        guard let result else { throw LedgerError.internalInconsistency("a pre-rendering ended without a result") }
        return try result.get()
    }
}

extension BilledLine {
    var asNewLine: NewInvoiceLine {
        NewInvoiceLine(
            label: label, quantity: quantity, unitPrice: unitPrice, net: net, vat: vat, revenueType: revenueType,
            site: site,
            service: servicePeriod, termLine: termLine, explanation: explanation, orderId: orderID,
            orderRevision: orderRevision, grossUnitPrice: grossUnitPrice, basis: basis, facts: facts)
    }
}

extension NewInvoiceLine {
    init(_ l: BilledLine) { self = l.asNewLine }
}

extension MasterData {
    /// Index values by series and month, for compiled contracts.
    public var contractIndexValues: [String: [String: Percentage]] {
        var out: [String: [String: Percentage]] = [:]
        for s in indexSeries {
            var values: [String: Percentage] = [:]
            for (month, v) in s.values { values[month.description] = Percentage(tenThousandths: v.tenThousandths) }
            out[s.code] = values
        }
        return out
    }
}

/// What one item of a billing plan gives.
enum PlanOutcome {
    case drafts([NewInvoice])
    case failure(BillingFailure)
}

/// Results written by concurrent workers, one slot each, read once they are done.
final class WorkerSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Value?) { lock.withLock { slots[i] = value } }
    func get(_ i: Int) -> Value? { lock.withLock { slots[i] } }
}
