import Foundation
import GRDB

/// Whose ledger this is: the seller's SIREN and the number series, recorded
/// when the ledger was created (`ardoise init`, `ardoise-dev demo`), or adopted
/// from the settings by the first command that opened a ledger made before
/// the record existed. A command whose settings name another seller is
/// refused: two companies' invoices never share one numbering.
public struct LedgerIdentity: Sendable, Hashable {
    public enum Origin: String, Sendable, Hashable {
        /// Recorded when the ledger was created.
        case created
        /// A ledger older than the record took the settings' SIREN at its first open (audited).
        case adopted
    }

    public var siren: String
    /// The number series of the settings when recorded, e.g. `FA, AV`.
    public var series: String
    public var recordedAt: String
    public var origin: Origin

    public init(siren: String, series: String, recordedAt: String, origin: Origin) {
        self.siren = siren
        self.series = series
        self.recordedAt = recordedAt
        self.origin = origin
    }
}

extension Schema {
    /// "v15 ledger identity": one row, written once, never changed.
    static func registerLedgerIdentity(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v15 ledger identity") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ledger_identity (
                      id INTEGER PRIMARY KEY CHECK (id = 1),
                      siren TEXT NOT NULL CHECK (siren <> ''),
                      series TEXT NOT NULL,
                      recorded_at TEXT NOT NULL,
                      origin TEXT NOT NULL CHECK (origin = 'created' OR origin = 'adopted')
                    );
                    CREATE TRIGGER ledger_identity_frozen_update BEFORE UPDATE ON ledger_identity
                      BEGIN SELECT RAISE(ABORT, 'a ledger''s seller never changes: start a ledger with `ardoise init`'); END;
                    CREATE TRIGGER ledger_identity_frozen_delete BEFORE DELETE ON ledger_identity
                      BEGIN SELECT RAISE(ABORT, 'a ledger''s seller never changes: start a ledger with `ardoise init`'); END;
                    """)
        }
    }
}

extension LedgerDatabase {
    /// The recorded seller of this ledger; nil for a ledger made before the record existed.
    public func identity() throws -> LedgerIdentity? {
        try engine.read { db in
            try db.fetchOne(sql: "SELECT siren, series, recorded_at, origin FROM ledger_identity WHERE id = 1").map {
                try LedgerIdentity(
                    siren: $0[0], series: $0[1], recordedAt: $0[2],
                    origin: LedgerIdentity.Origin(rawValue: $0[3] as String) ?? .adopted)
            }
        }
    }

    /// Records the seller once (audited) and returns the identity the ledger holds
    /// afterwards: when another process recorded one first, that one.
    @discardableResult
    public func recordIdentity(
        siren: String, series: String, origin: LedgerIdentity.Origin, actor: String,
        at date: Date = Date()
    ) throws -> LedgerIdentity {
        try engine.write { db in
            let now = LedgerDatabase.timestamp(date)
            if try db.fetchValue(Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM ledger_identity)") != true {
                try db.execute(
                    sql: "INSERT INTO ledger_identity (id, siren, series, recorded_at, origin) VALUES (1, ?, ?, ?, ?)",
                    arguments: [siren, series, now, origin.rawValue])
                try appendAudit(
                    db, at: now, actor: actor, action: origin == .created ? "init" : "adopt-seller", invoiceID: nil,
                    AuditParameters(["siren": .text(siren), "series": .text("\(series)")]))
            }
            guard
                let row = try db.fetchOne(
                    sql: "SELECT siren, series, recorded_at, origin FROM ledger_identity WHERE id = 1")
            else {
                throw LedgerError.internalInconsistency("the ledger's seller was not recorded")
            }
            return try LedgerIdentity(
                siren: row[0], series: row[1], recordedAt: row[2],
                origin: LedgerIdentity.Origin(rawValue: row[3] as String) ?? .adopted)
        }
    }
}
