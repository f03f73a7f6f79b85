import Foundation
import Ledger

/// When to try a submission again after a network error, 429 or 5xx: growing delays, then a person.
public struct SubmissionRetryPolicy: Sendable, Hashable {
    /// The wait after the 1st, 2nd, … failed attempt, in seconds.
    public var delays: [Int]
    public var maxAttempts: Int { delays.count + 1 }

    public init(delays: [Int]) { self.delays = delays }

    /// 1 min, 5 min, 30 min, 2 h, 6 h, 12 h: seven attempts over about 21 hours.
    public static let standard = SubmissionRetryPolicy(delays: [60, 300, 1800, 7200, 21600, 43200])

    /// The next attempt after `attempt` failed ones, at least `atLeast` seconds away (a `Retry-After`); nil: none left.
    public func nextAttempt(after attempt: Int, at date: Date, atLeast: Int = 0) -> Date? {
        guard attempt >= 1, attempt < maxAttempts else { return nil }
        return date.addingTimeInterval(TimeInterval(max(delays[attempt - 1], min(atLeast, 86400))))
    }
}

/// What the file of a flow is: its bytes, their MIME type, a file name and the `flowSyntax`.
public struct FlowFile: Sendable {
    public var bytes: [UInt8]
    public var contentType: String
    public var name: String
    public var syntax: String

    public init(bytes: [UInt8], contentType: String, name: String, syntax: String) {
        self.bytes = bytes
        self.contentType = contentType
        self.name = name
        self.syntax = syntax
    }
}

/// What one submitting run did, flow by flow.
public struct SubmissionReport: Sendable {
    public struct Item: Sendable, Hashable {
        public var flowRow: Int64
        public var trackingId: String
        public var number: String
        public var kind: PlatformFlowKind
        /// `submitted`, `already-submitted` (an earlier attempt's answer was lost), `retry`, `failed`.
        public var outcome: String
        public var detail: String
        public var nextAttempt: String?

        public init(
            flowRow: Int64, trackingId: String, number: String, kind: PlatformFlowKind, outcome: String, detail: String,
            nextAttempt: String? = nil
        ) {
            self.flowRow = flowRow
            self.trackingId = trackingId
            self.number = number
            self.kind = kind
            self.outcome = outcome
            self.detail = detail
            self.nextAttempt = nextAttempt
        }
    }

    public init() {}

    public var items: [Item] = []
    /// Why the run stopped before every due flow was tried.
    public var stoppedEarly: String?

    public var submitted: [Item] { items.filter { $0.outcome == "submitted" || $0.outcome == "already-submitted" } }
    public var retrying: [Item] { items.filter { $0.outcome == "retry" } }
    public var failed: [Item] { items.filter { $0.outcome == "failed" } }

    public var summary: String {
        "\(submitted.count) submitted, \(retrying.count) to retry, \(failed.count) failed"
            + (stoppedEarly.map { ", stopped: \($0)" } ?? "")
    }

    public var text: String {
        var out = ""
        for i in items {
            out +=
                "\(i.outcome)\t\(i.trackingId)\t\(i.number)\t\(i.detail)\(i.nextAttempt.map { "\tnext attempt \($0)" } ?? "")\n"
        }
        if let stoppedEarly { out += "stopped: \(stoppedEarly)\n" }
        return out + "\(submitted.count) submitted, \(retrying.count) to retry, \(failed.count) failed\n"
    }
}

/// Hands the ledger's due flows to the platform: each claimed (attempt counted, next attempt pushed past a lease) in
/// one transaction, submitted with its stable trackingId, and its outcome recorded in another.
///
/// Once: a flow the platform acknowledged (202) is final. A lost answer (a dropped connection, a timeout, a sender
/// killed between the platform's answer and the record) leaves the flow pending; the next attempt sends the same
/// trackingId and the platform answers `AlreadyExistingFlow`, which is recorded as delivered, never as a second
/// flow. Retried with back-off on network errors, 429 and 5xx; refused for good on 400, 413, 422 (a person looks).
public struct PlatformSubmitter: Sendable {
    public var ledger: LedgerDatabase
    public var api: FlowAPI
    /// The file of a flow (the stored Factur-X of a document, the CDAR of an Encaissée).
    public var file: @Sendable (PlatformFlow) throws -> FlowFile
    public var policy: SubmissionRetryPolicy
    public var lease: TimeInterval
    public var deadline: TimeInterval?

    public init(
        ledger: LedgerDatabase, api: FlowAPI, file: @escaping @Sendable (PlatformFlow) throws -> FlowFile,
        policy: SubmissionRetryPolicy = .standard, lease: TimeInterval = 600, deadline: TimeInterval? = nil
    ) {
        self.ledger = ledger
        self.api = api
        self.file = file
        self.policy = policy
        self.lease = max(lease, TimeInterval(api.endpoint.requestTimeoutSeconds * 2 + 60))
        self.deadline = deadline
    }

    public func submit(now: Date = Date()) throws -> SubmissionReport {
        var report = SubmissionReport()
        let clock = ContinuousClock()
        let start = clock.now
        func current() -> Date {
            let e = (clock.now - start).components
            return now.addingTimeInterval(TimeInterval(e.seconds) + TimeInterval(e.attoseconds) / 1e18)
        }
        var tried = Set<Int64>()
        let numbers = Dictionary(
            try ledger.platformFlows().map { ($0.flow.id ?? 0, $0.number) }, uniquingKeysWith: { a, _ in a })
        while true {
            let claimedAt = current()
            if let deadline, claimedAt.timeIntervalSince(now) >= deadline {
                if try ledger.duePlatformFlowCount(now: claimedAt, excluding: tried) > 0 {
                    report.stoppedEarly =
                        "the deadline (\(Int(deadline)) s, `platform.run_deadline`) was reached; the other due flows wait for the next run"
                }
                break
            }
            guard let flow = try ledger.claimDuePlatformFlow(now: claimedAt, lease: lease, excluding: tried),
                let row = flow.id
            else { break }
            tried.insert(row)
            let number =
                try numbers[row] ?? ledger.documentSummary(invoiceID: flow.invoiceId)?.number ?? "#\(flow.invoiceId)"
            let (outcome, stop, sha) = attempt(trackingId: flow.trackingId, attempts: flow.attempts, at: claimedAt) {
                try file(flow)
            }
            try ledger.recordSubmission(flowRow: row, outcome: outcome, sha256: sha, at: current())
            let item: SubmissionReport.Item
            switch outcome {
            case .submitted(let id, _):
                item = .init(
                    flowRow: row, trackingId: flow.trackingId, number: number, kind: flow.kind, outcome: "submitted",
                    detail: "flowId \(id)")
            case .alreadySubmitted(let id, let response):
                item = .init(
                    flowRow: row, trackingId: flow.trackingId, number: number, kind: flow.kind,
                    outcome: "already-submitted",
                    detail: "\(id.map { "flowId \($0): " } ?? "")\(response)")
            case .temporary(let error, let retryAt?):
                item = .init(
                    flowRow: row, trackingId: flow.trackingId, number: number, kind: flow.kind, outcome: "retry",
                    detail: error,
                    nextAttempt: LedgerDatabase.timestamp(retryAt))
            case .temporary(let error, nil):
                item = .init(
                    flowRow: row, trackingId: flow.trackingId, number: number, kind: flow.kind, outcome: "failed",
                    detail: "gave up after \(flow.attempts) attempts: \(error)")
            case .refused(let error):
                item = .init(
                    flowRow: row, trackingId: flow.trackingId, number: number, kind: flow.kind, outcome: "failed",
                    detail: error)
            }
            report.items.append(item)
            if let stop {
                report.stoppedEarly = stop
                break
            }
        }
        return report
    }

    /// One submission of a file under its trackingId: the outcome, why the run should stop (if it should), the sha256 sent.
    public func attempt(trackingId: String, attempts: Int, at claimedAt: Date, file: () throws -> FlowFile) -> (
        SubmissionOutcome, String?, String?
    ) {
        var stop: String?
        var sha: String?
        let outcome: SubmissionOutcome
        do {
            let f = try file()
            sha = FlowAPI.sha256(f.bytes)
            let info = FlowInfo(
                flowSyntax: f.syntax, trackingId: trackingId, name: f.name,
                processingRule: f.syntax == "FRR" ? "B2C" : "B2B",
                flowProfile: f.syntax == "Factur-X" ? "CIUS" : nil, sha256: sha ?? "")
            let response = try api.submit(info, file: f.bytes, contentType: f.contentType)
            let classified = try classify(response, trackingId: trackingId, attempts: attempts, at: claimedAt)
            outcome = classified.0
            stop = classified.1
        } catch let error as TransportError {
            outcome = .temporary(error: error.message, retryAt: policy.nextAttempt(after: attempts, at: claimedAt))
            if error.unreachable {
                stop = "the platform could not be reached (\(error.message)); the other due flows wait for the next run"
            }
        } catch let error as PlatformError {
            // The platform refused Ardoise itself (credentials): no flow is at fault.
            outcome = .temporary(error: error.message, retryAt: policy.nextAttempt(after: attempts, at: claimedAt))
            stop = error.message
        } catch {
            outcome = .refused(error: "\(error)")
        }
        return (outcome, stop, sha)
    }

    /// An answer to `POST /v1/flows` as an outcome, and whether the run should stop (the platform is overloaded).
    func classify(_ r: HTTPResponse, trackingId: String, attempts: Int, at date: Date) throws -> (
        SubmissionOutcome, String?
    ) {
        let text = r.text
        let flowAnswer = try? JSONDecoder().decode(Flow.self, from: Data(r.body))
        let already = text.contains("AlreadyExistingFlow")
        if (200...299).contains(r.status) {
            if let f = flowAnswer {
                return (
                    already
                        ? .alreadySubmitted(flowId: f.flowId, response: Self.short(text))
                        : .submitted(flowId: f.flowId, response: Self.short(text)), nil
                )
            }
            if already { return (.alreadySubmitted(flowId: nil, response: Self.short(text)), nil) }
            return (
                .temporary(
                    error: "HTTP \(r.status) without a flowId: \(Self.short(text))",
                    retryAt: policy.nextAttempt(after: attempts, at: date)), nil
            )
        }
        if already {
            // The platform has this trackingId: an earlier attempt went through. Its flowId, if the search tells it now.
            let id = flowAnswer?.flowId ?? (try? api.search(where: ["trackingId": trackingId], limit: 1))?.first?.flowId
            return (.alreadySubmitted(flowId: id, response: "HTTP \(r.status) \(FlowAPI.errorText(r))"), nil)
        }
        let error = "HTTP \(r.status) \(FlowAPI.errorText(r))"
        switch r.status {
        case 429, 503:
            let after = Int(r.headers["retry-after"] ?? "") ?? 0
            return (
                .temporary(error: error, retryAt: policy.nextAttempt(after: attempts, at: date, atLeast: after)),
                "the platform asked to slow down (\(error)); the other due flows wait for the next run"
            )
        case 500...599:
            return (.temporary(error: error, retryAt: policy.nextAttempt(after: attempts, at: date)), nil)
        default:
            // 400, 413, 422 and any other refusal: the same bytes would be refused again.
            return (.refused(error: error), nil)
        }
    }

    static func short(_ s: String) -> String { String(s.prefix(500)) }
}

/// What one search of the platform's flows recorded.
public struct PollReport: Sendable {
    public var pages = 0
    public var flowsSeen = 0
    public var acknowledgements = 0
    public var statuses: [(number: String, code: String)] = []
    /// Life-cycle messages that could not be read or name no document of ours.
    public var unreadable: [String] = []

    public var summary: String {
        "\(flowsSeen) flows seen, \(acknowledgements) acknowledgements and \(statuses.count) statuses recorded"
            + (unreadable.isEmpty ? "" : ", \(unreadable.count) life-cycle messages not understood")
    }
}

/// Follows the platform: `POST /v1/flows/search` from the last `updatedAt` seen, page by page; each acknowledgement
/// of our flows and each life-cycle status of our invoices recorded once, with its reasons.
public struct PlatformPoller: Sendable {
    public var ledger: LedgerDatabase
    public var api: FlowAPI
    /// Where the first search starts.
    public var origin: String
    public var pageSize: Int

    public init(ledger: LedgerDatabase, api: FlowAPI, origin: String = "2026-01-01T00:00:00Z", pageSize: Int = 100) {
        self.ledger = ledger
        self.api = api
        self.origin = origin
        self.pageSize = pageSize
    }

    public func poll(now: Date = Date(), maxPages: Int = 10_000) throws -> PollReport {
        var report = PollReport()
        var cursor = try ledger.platformCursor() ?? origin
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        while report.pages < maxPages {
            let page = try api.search(where: ["updatedAfter": cursor], limit: pageSize)
            report.pages += 1
            report.flowsSeen += page.count
            let sorted = page.sorted { ($0.updatedAt ?? "") < ($1.updatedAt ?? "") }
            for f in sorted {
                if f.flowDirection == "In" {
                    guard f.flowType == "CustomerInvoiceLC" else { continue }
                    let bytes: [UInt8]
                    do { bytes = try api.original(flowId: f.flowId) } catch {
                        report.unreadable.append("\(f.flowId): \(error)")
                        continue
                    }
                    guard let m = LifecycleMessage.read(bytes) else {
                        report.unreadable.append("\(f.flowId): not a CDAR message naming an invoice and a status")
                        continue
                    }
                    struct Detail: Encodable {
                        var status: String; var reasons: [LifecycleMessage.Reason]; var amount: String?
                    }
                    let detail = String(
                        decoding: try encoder.encode(
                            Detail(
                                status: m.statusName, reasons: m.reasons,
                                amount: m.amountCents.map(LifecycleMessage.amount))), as: UTF8.self)
                    if try ledger.recordLifecycle(
                        number: m.invoiceNumber, code: m.statusCode, detail: detail, remoteFlowId: f.flowId,
                        statusAt: f.updatedAt, at: now)
                    {
                        report.statuses.append((m.invoiceNumber, m.statusCode))
                    }
                } else if let ack = f.acknowledgement {
                    let detail = String(decoding: try encoder.encode(ack.details ?? []), as: UTF8.self)
                    if try ledger.recordAcknowledgement(
                        flowId: f.flowId, trackingId: f.trackingId, status: ack.status, detail: detail, at: now) != nil
                    {
                        report.acknowledgements += 1
                    }
                }
            }
            if let last = sorted.last?.updatedAt, last > cursor {
                cursor = last
                try ledger.setPlatformCursor(cursor)
            }
            if page.count < pageSize { break }
        }
        return report
    }
}
