import BillingModel
import Foundation
import GRDB

/// The named facts of an audit entry ("v16 audit parameters"), stored as a
/// JSON object beside its action: what was done to what, never a sentence.
/// The CLI words an entry in English and the web app in French, each from the
/// action and these fields. Entries written before the migration have no
/// parameters: the audit log is append-only and hash-chained, so they are
/// never rewritten and are shown as they were stored (`details`).
public struct AuditParameters: Sendable, Hashable {
    /// A field's value: text (a code, a number of a document, an ISO day, a person's reason), an integer
    /// (a count, cents), or a list of texts.
    public enum Value: Sendable, Hashable, Codable {
        case text(String)
        case integer(Int64)
        case list([String])

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int64.self) {
                self = .integer(i)
            } else if let s = try? c.decode(String.self) {
                self = .text(s)
            } else {
                self = .list(try c.decode([String].self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .text(let s): try c.encode(s)
            case .integer(let i): try c.encode(i)
            case .list(let l): try c.encode(l)
            }
        }
    }

    public var fields: [String: Value]

    /// The fields; a nil value leaves its field out.
    public init(_ fields: [String: Value?]) { self.fields = fields.compactMapValues { $0 } }

    public func text(_ key: String) -> String? { if case .text(let s)? = fields[key] { s } else { nil } }
    public func integer(_ key: String) -> Int64? { if case .integer(let i)? = fields[key] { i } else { nil } }
    public func list(_ key: String) -> [String]? { if case .list(let l)? = fields[key] { l } else { nil } }
    /// An amount stored in cents.
    public func money(_ key: String) -> Money? { integer(key).map { Money(cents: $0) } }
    /// A day stored as ISO text.
    public func day(_ key: String) -> Day? { text(key).flatMap(Day.init(iso:)) }
    public func flag(_ key: String) -> Bool { integer(key) == 1 }

    /// The canonical JSON object (keys sorted): what is stored and chained.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(fields)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    /// The parameters stored as `json`; nil for text that is not such an object.
    public init?(json: String) {
        guard let data = json.data(using: .utf8),
            let fields = try? JSONDecoder().decode([String: Value].self, from: data)
        else { return nil }
        self.fields = fields
    }
}

extension AuditParameters.Value {
    /// A text field's value.
    public static func of(_ s: String?) -> Self? { s.map { .text($0) } }
    /// A day, as ISO text.
    public static func of(_ d: Day?) -> Self? { d.map { .text($0.description) } }
    /// An amount, in cents.
    public static func of(_ m: Money?) -> Self? { m.map { .integer($0.cents) } }
    public static func of(_ i: Int?) -> Self? { i.map { .integer(Int64($0)) } }
    public static func of(_ b: Bool) -> Self { .integer(b ? 1 : 0) }
}

extension AuditEntry {
    /// The entry's facts; nil for an entry written before "v16 audit parameters" (read `details`).
    public var facts: AuditParameters? { parameters.flatMap(AuditParameters.init(json:)) }
}

extension LedgerDatabase {
    static func registerAuditParameters(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v16 audit parameters") { db in
            // Rows already written keep their `details` (append-only, chained): only new rows carry parameters.
            try db.execute(
                sql:
                    "ALTER TABLE audit_log ADD COLUMN parameters TEXT CHECK (parameters IS NULL OR json_valid(parameters))"
            )
        }
    }

    /// Records an action and its facts in the append-only audit log, chained in the same transaction.
    public func audit(
        actor: String, action: String, invoiceID: Int64? = nil, _ parameters: AuditParameters, at date: Date = Date()
    ) throws {
        try engine.write { db in
            try LedgerDatabase.appendAudit(
                db, at: LedgerDatabase.timestamp(date), actor: actor, action: action, invoiceID: invoiceID,
                parameters: parameters)
        }
    }

    func appendAudit(
        _ db: any SQLSession, at: String, actor: String, action: String, invoiceID: Int64?,
        _ parameters: AuditParameters
    ) throws {
        try LedgerDatabase.appendAudit(
            db, at: at, actor: actor, action: action, invoiceID: invoiceID, parameters: parameters)
    }

    static func appendAudit(
        _ db: any SQLSession, at: String, actor: String, action: String, invoiceID: Int64?, parameters: AuditParameters
    ) throws {
        // The row comes back as stored with its id: its chain link is hashed from it without reading it again.
        guard
            let row = try db.fetchOne(
                sql: """
                    INSERT INTO audit_log(at, actor, action, invoice_id, details, parameters) VALUES (?, ?, ?, ?, '', ?)
                    RETURNING id, at, actor, action, invoice_id, details, parameters
                    """, arguments: [at, actor, action, invoiceID, parameters.json])
        else {
            throw LedgerError.internalInconsistency("an audit row was stored without an id")
        }
        let id: Int64 = try row[0]
        try LedgerGuards.link("audit", rowID: id, content: try LedgerGuards.auditContent(id: id, row, from: 1), db: db)
    }
}

/// An audit entry with the document it names, as the audit screen lists it.
public struct AuditListing: Sendable, Hashable {
    public var entry: AuditEntry
    /// The client and number of the document the entry names (nil: the entry names none, or a proforma's number).
    public var client: String?
    public var number: String?
}

extension LedgerDatabase {
    /// The latest `limit` audit entries, newest first. With `clients`, only entries about those clients'
    /// documents: the scope is part of the query, applied before the limit, so a user who sees a few
    /// clients gets their latest entries however many others there are.
    public func latestAudit(limit: Int, clients: Set<String>?) throws -> [AuditListing] {
        try engine.read { db in
            var sql = """
                SELECT a.id, a.at, a.actor, a.action, a.invoice_id, a.details, a.parameters, i.client, i.number
                FROM audit_log a LEFT JOIN invoice i ON i.id = a.invoice_id
                """
            var arguments: [any SQLArgument] = []
            if let clients {
                sql += " WHERE i.client IN (\(db.stringsOfJSONArgument))"
                arguments += [LedgerDatabase.jsonArray(clients.sorted())]
            }
            sql += " ORDER BY a.id DESC LIMIT ?"
            arguments += [max(0, limit)]
            return try db.fetchAll(sql: sql, arguments: arguments).map { r in
                try AuditListing(
                    entry: AuditEntry(
                        id: r["id"], at: r["at"], actor: r["actor"], action: r["action"], invoiceId: r["invoice_id"],
                        details: r["details"], parameters: r["parameters"]),
                    client: r["client"], number: r["number"])
            }
        }
    }
}
