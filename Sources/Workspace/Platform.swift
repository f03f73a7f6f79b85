import BillingModel
import Diagnostics
import Foundation
import Imports
import Ledger
import PlatformTransmission
import Settings

extension Installation {
    /// The settings' platform, with its client secret read from the environment variable or the file they name.
    /// The secret is never printed: a message names where it was looked for.
    public func platformEndpoint(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(WorkspaceError) -> PlatformEndpoint
    {
        guard let p = settings.platform else {
            throw WorkspaceError(
                "the settings have no `platform` section: nothing can be handed to the platform (see examples/SETTINGS.md)"
            )
        }
        let secret: String
        switch p.secret {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw WorkspaceError(
                    "the platform's client secret is read from the environment variable `\(name)`, which is not set")
            }
            secret = value
        case .file(let path):
            let resolved =
                path.hasPrefix("/")
                ? path : URL(fileURLWithPath: config.file).deletingLastPathComponent().appendingPathComponent(path).path
            guard let data = FileManager.default.contents(atPath: resolved),
                let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                !text.isEmpty
            else {
                throw WorkspaceError(
                    "the platform's client secret is read from `\(resolved)`, which cannot be read or is empty")
            }
            secret = text
        }
        return PlatformEndpoint(
            apiURL: p.apiURL, tokenURL: p.tokenURL, clientID: p.clientID, clientSecret: secret,
            connectTimeoutSeconds: p.connectTimeoutSeconds, requestTimeoutSeconds: p.requestTimeoutSeconds)
    }

    /// The file of a flow: the document's stored Factur-X PDF (the bytes stored when it was issued), or the CDAR
    /// message of an Encaissée or its reversal.
    func platformFile(_ flow: PlatformFlow) throws -> FlowFile {
        let ledger = try self.ledger
        switch flow.kind {
        case .invoice:
            guard
                let files = try ledger.issuedFiles(
                    invoiceID: flow.invoiceId, render: documents.renderer(facturX: Installation.facturX()),
                    actor: "ardoise")
            else {
                throw InvoiceError.notIssued(document: flow.trackingId, action: .submit)
            }
            return FlowFile(
                bytes: files.pdf, contentType: "application/pdf", name: "\(flow.trackingId).pdf", syntax: "Factur-X")
        case .collected, .reversal:
            guard let d = try ledger.documentSummary(invoiceID: flow.invoiceId) else {
                throw InvoiceError.notIssued(document: flow.trackingId, action: .lifeCycle)
            }
            let stamp = flow.createdAt.filter(\.isNumber)
            let message = LifecycleMessage(
                id: flow.trackingId, invoiceNumber: d.number, invoiceIssueDate: d.issueDate,
                invoiceTypeCode: d.type == .creditNote ? "381" : "380", statusCode: LifecycleStatus.collected.rawValue,
                statusName: "Encaissée", amountCents: flow.amount ?? 0, sellerSIREN: settings.seller.siren,
                issuedAt: String(stamp.prefix(14)))
            return FlowFile(
                bytes: message.xml, contentType: "application/xml", name: "\(flow.trackingId).xml", syntax: "CDAR")
        }
    }

    /// Submits the ledger's due flows to the settings' platform; what `ardoise platform submit` and the daily run call.
    public func submitToPlatform(
        api: FlowAPI? = nil, now: Date = Date(),
        policy: SubmissionRetryPolicy = .standard
    ) throws -> SubmissionReport {
        let ledger = try self.ledger
        let api = try api ?? FlowAPI(endpoint: platformEndpoint())
        let workspace = self
        return try PlatformSubmitter(
            ledger: ledger, api: api, file: { flow in try workspace.platformFile(flow) },
            policy: policy, deadline: settings.platform.map { TimeInterval($0.runDeadlineSeconds) }
        )
        .submit(now: now)
    }

    /// Reads the platform's acknowledgements and life-cycle statuses since the last search.
    public func pollPlatform(api: FlowAPI? = nil, now: Date = Date()) throws -> PollReport {
        let ledger = try self.ledger
        return try PlatformPoller(ledger: ledger, api: api ?? FlowAPI(endpoint: platformEndpoint())).poll(now: now)
    }
}

/// Platform flows as JSON for `ardoise platform list --format json`.
public enum PlatformJSON {
    public static func encode(_ e: PlatformEntry, events: [PlatformEvent]? = nil) -> String {
        let f = e.flow
        func opt(_ v: String?) -> String { v.map(JSON.string) ?? "null" }
        var fields: [(String, String)] = [
            ("id", String(f.id ?? 0)), ("kind", JSON.string(f.kind.rawValue)), ("number", JSON.string(e.number)),
            ("type", JSON.string(e.type.rawValue)), ("client", JSON.string(e.client)), ("payer", opt(e.payer)),
            ("tracking_id", JSON.string(f.trackingId)),
            ("amount", f.amount.map { JSON.string(LifecycleMessage.amountText($0)) } ?? "null"),
            ("state", JSON.string(f.state)), ("status", JSON.string(f.status.rawValue)),
            ("needs_person", f.needsPerson ? "true" : "false"),
            ("attempts", String(f.attempts)), ("next_attempt_at", opt(f.nextAttemptAt)),
            ("last_error", opt(f.lastError)),
            ("flow_id", opt(f.flowId)), ("submitted_at", opt(f.submittedAt)), ("sha256", opt(f.sha256)),
            ("ack_status", opt(f.ackStatus)),
            ("lifecycle_code", opt(f.lifecycleCode)), ("lifecycle_at", opt(f.lifecycleAt))
        ]
        if let events {
            fields.append(
                (
                    "history",
                    JSON.array(
                        events.map { ev in
                            JSON.object([
                                ("at", JSON.string(ev.at)), ("kind", JSON.string(ev.kind)),
                                ("outcome", JSON.string(ev.outcome)),
                                ("detail", JSON.string(ev.detail))
                            ])
                        })
                ))
        }
        return JSON.object(fields)
    }
}
