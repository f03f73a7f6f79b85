import BillingModel
import ContractLanguage
import Foundation
import Ledger
import Settings

extension Period {
    /// The parts of this period that none of `others` covers, in order.
    func subtracting(_ others: [Period]) -> [Period] {
        var pieces = [self]
        for o in others {
            pieces = pieces.flatMap { p -> [Period] in
                guard let cut = p.intersection(o) else { return [p] }
                var out: [Period] = []
                if cut.start > p.start { out.append(Period(start: p.start, end: cut.start.adding(days: -1))) }
                if cut.end < p.end { out.append(Period(start: cut.end.adding(days: 1), end: p.end)) }
                return out
            }
        }
        return pieces
    }
}

extension Engine {
    /// The plan less what other live contract documents of each client bill
    /// already: a day of revenue is billed by one document, whatever periods
    /// are asked for. A period generated again (the same client and period)
    /// keeps its own documents, which regeneration replaces or keeps; a
    /// period overlapping documents of other periods bills only its unbilled
    /// days, and says so.
    func unbilledOnly(_ plan: [(CompiledContract, Period)]) throws -> (
        plan: [(CompiledContract, Period)], notes: [String]
    ) {
        guard
            let span = plan.map(\.1).reduce(
                nil,
                { (w: Period?, p: Period) in
                    w.map { Period(start: min($0.start, p.start), end: max($0.end, p.end)) } ?? p
                })
        else { return ([], []) }
        // Only documents overlapping the periods planned can bill their days: the rest of the history is not read.
        let billed = try ledger.contractPeriods(clients: Set(plan.map { $0.0.contract.client }), overlapping: span)
        var out: [(CompiledContract, Period)] = []
        var notes: [String] = []
        for (c, p) in plan {
            let client = c.contract.client
            let others = (billed[client] ?? []).filter { $0.period != p && $0.period.intersection(p) != nil }
            if others.isEmpty {
                out.append((c, p))
                continue
            }
            let pieces = p.subtracting(others.map(\.period))
            let documents = Array(Set(others.map(\.document))).sorted().joined(separator: ", ")
            if pieces.isEmpty {
                notes.append("\(client): \(p) already billed by \(documents): nothing billed again")
            } else {
                notes.append(
                    "\(client): \(p) partly billed by \(documents): only \(pieces.map(\.description).joined(separator: ", ")) billed"
                )
                out += pieces.map { (c, $0) }
            }
        }
        return (out, notes)
    }

    /// The site-days of `period` a site of `client` was expected open (its
    /// settings calendar) and no register file arrived for, up to the day
    /// before `issueDate` and within the contract's validity.
    /// A site's days before its first register file in the ledger are not
    /// expected (the ledger started then); a site with none is expected all along.
    func missingSiteDays(
        client: String, contract: Contract, period: Period, issueDate: Day, received: Set<SiteDayKey>,
        firstDays: [String: Day]
    ) -> [SiteDayKey] {
        let lastDay = min(period.end, issueDate.adding(days: -1))
        guard let sites = settings.clients.first(where: { $0.code == client })?.sites, lastDay >= period.start,
            let within = Period(start: period.start, end: lastDay).intersection(contract.validity)
        else { return [] }
        var missing: [SiteDayKey] = []
        for code in sites {
            let calendar = settings.sites.first(where: { $0.code == code })?.calendar ?? SiteCalendar()
            let first = firstDays[code] ?? within.start
            for day in within.days
            where day >= first && calendar.isOpen(day) && !received.contains(SiteDayKey(site: code, day: day)) {
                missing.append(SiteDayKey(site: code, day: day))
            }
        }
        return missing.sorted()
    }

    /// Holds the clients one of whose sites lacks a register file for a day
    /// it was expected open: they are not billed (a failure lists the
    /// missing site-days), the others are.
    func holdingMissingDays(_ plan: [(CompiledContract, Period)], issueDate: Day) throws
        -> (plan: [(CompiledContract, Period)], failures: [BillingFailure])
    {
        guard let window = window(plan) else { return (plan, []) }
        let received = try ledger.siteDaysReceived(in: window)
        let firstDays = try ledger.firstRegisterDays()
        var out: [(CompiledContract, Period)] = []
        var failures: [BillingFailure] = []
        for (c, p) in plan {
            let missing = missingSiteDays(
                client: c.contract.client, contract: c.contract, period: p, issueDate: issueDate, received: received,
                firstDays: firstDays)
            if missing.isEmpty {
                out.append((c, p))
                continue
            }
            let shown = missing.prefix(10).map { "\($0.site) \($0.day)" }.joined(separator: ", ")
            failures.append(
                BillingFailure(
                    client: c.contract.client,
                    message: "\(p) not billed: no register file for \(missing.count) site-days "
                        + "the settings expect open: \(shown)\(missing.count > 10 ? " and \(missing.count - 10) more" : "") "
                        + "(import them, correct the site's calendar, or `ardoise bill --period \(p) --force --reason \"…\"`)"
                ))
        }
        return (out, failures)
    }

    /// Why an explicit range cannot be billed without `--force`: longer than
    /// a billed contract's cadence, or reaching into a closed month. Empty
    /// when it can.
    public func rangeProblems(_ period: Period, only: Set<String>?) throws -> [String] {
        var problems: [String] = []
        var tooLong: [String] = []
        for (client, c) in contracts.sorted(by: { $0.key < $1.key }) where only?.contains(client) ?? true {
            let cadence = c.contract.cadence
            guard cadence != .onDelivery else { continue }
            if period.dayCount > cadence.period(containing: period.start).dayCount {
                tooLong.append("\(client) (\(cadence.rawValue))")
            }
        }
        if !tooLong.isEmpty {
            problems.append(
                "the range \(period) (\(period.dayCount) days) is longer than the billing period of "
                    + tooLong.prefix(5).joined(separator: ", ")
                    + (tooLong.count > 5 ? " and \(tooLong.count - 5) more" : ""))
        }
        var month = Period.month(of: period.start)
        var closed: [String] = []
        while month.start <= period.end {
            let code = LedgerDatabase.monthCode(month)
            if try ledger.isClosed(month: code) { closed.append(code) }
            month = Period.month(of: month.end.adding(days: 1))
        }
        if !closed.isEmpty {
            problems.append(
                "the range \(period) reaches into closed \(closed.count == 1 ? "month" : "months") \(closed.joined(separator: ", "))"
            )
        }
        return problems
    }

    /// What a contract document bills, for the ledger's unique key: its days
    /// of revenue, and its fees with their service periods.
    static func billedUnits(
        client: String, payer: String?, site: String?, fees: Bool, siteDays: [SiteDayKey], lines: [BilledLine]
    ) -> [String] {
        var units = siteDays.map {
            BilledUnit.day(client: client, payer: payer, documentSite: site, fees: fees, site: $0.site, day: $0.day)
        }
        for l in lines where l.isClientFee && l.orderID == nil {
            units.append(BilledUnit.fee(client: client, payer: payer, label: l.label, service: l.servicePeriod))
        }
        return units
    }
}

/// What `validate --all` did: the numbers issued, the proformas another validator issued or discarded first, the refusals.
public struct ValidationRound: Sendable {
    public var issued: [String] = []
    /// Proformas of the list that were no longer waiting when their turn came: `12 (issued as FA-2026-000031)`.
    public var skipped: [String] = []
    public var refused: [(id: Int64, message: String)] = []
}

extension Engine {
    /// Validates every proforma of a list taken a moment ago: one that
    /// another validator (a second `validate --all`, the web app, the daily
    /// run) issued or discarded meanwhile is skipped and reported, the others
    /// are validated (`validateEach`: batches of 64, each proforma in a
    /// savepoint of its own); a refusal (a stale proforma) is reported and
    /// the rest still validated.
    public func validateAll(ids: [Int64], on day: Day, now: Date = Date(), forcedBecause reason: String? = nil) throws
        -> ValidationRound
    {
        var round = ValidationRound()
        for (id, outcome) in try validateEach(ids: ids, on: day, now: now, forcedBecause: reason) {
            switch outcome {
            case .success(let number): round.issued.append(number)
            case .failure(let error):
                if let current = try ledger.invoice(id: id)?.invoice, current.status != .proforma {
                    round.skipped.append(
                        "\(id) (\(current.status.rawValue)\(current.number.map { " as \($0)" } ?? "") by someone else)")
                } else {
                    round.refused.append((id, "\(error)"))
                }
            }
        }
        return round
    }
}
