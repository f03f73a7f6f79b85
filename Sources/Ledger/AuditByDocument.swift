import Foundation
import GRDB

extension Schema {
    /// "v21 audit by document": the audit log's rows of one document found through an index. Without it, each
    /// question "was this document validated by Ardoise?" read the whole audit log: `verify` asks it of every
    /// issued document (a year: 24,000 documents × 50,000 audit rows, most of its time), the billing run of
    /// every proforma (whether it was edited), a document's history page of its one document.
    static func registerAuditByDocument(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v21 audit by document") { db in
            try db.execute(sql: Self.auditByDocumentIndexes.joined(separator: ";\n"))
        }
    }

    /// The statements of "v21 audit by document", the same on both engines.
    static let auditByDocumentIndexes = [
        "CREATE INDEX audit_log_document ON audit_log(invoice_id, action) WHERE invoice_id IS NOT NULL"
    ]
}
