import BillingModel
import Diagnostics
import Foundation
import GRDB

// Reading documents, their lines and their audit trail.
extension LedgerDatabase {
    public func auditLog(invoiceID: Int64? = nil) throws -> [AuditEntry] {
        try engine.read { db in
            if let invoiceID {
                return try db.fetchRecords(
                    AuditEntry.self, sql: "SELECT * FROM audit_log WHERE invoice_id = ? ORDER BY id",
                    arguments: [invoiceID])
            }
            return try db.fetchRecords(AuditEntry.self, sql: "SELECT * FROM audit_log ORDER BY id")
        }
    }

    public func invoice(id: Int64) throws -> StoredInvoice? {
        try engine.read { db in try db.fetchRecord(Invoice.self, id: id).map { try withLines($0, db) } }
    }

    public func invoice(number: String) throws -> StoredInvoice? {
        try engine.read { db in
            try db.fetchRecord(Invoice.self, sql: "SELECT * FROM invoice WHERE number = ?", arguments: [number]).map {
                try withLines($0, db)
            }
        }
    }

    /// The document with its lines and VAT. `decodingFacts` false leaves each line's facts out (nil), their JSON
    /// not decoded: `verify` serialises a year of documents again, and the facts are no part of what was issued.
    func withLines(_ i: Invoice, _ db: any SQLSession, decodingFacts: Bool = true) throws -> StoredInvoice {
        let id = i.id ?? -1
        // Read column by column: `verify` reads every issued document's lines, and the Codable decoding (each
        // column's name converted from snake case, on every row) was a fifth of it.
        var lines: [InvoiceLine] = []
        let name = i.number ?? "proforma \(id)"
        let decoder = JSONDecoder()
        try db.forEach(
            sql: """
                SELECT invoice_id, position, label, quantity, unit_price, net, vat_rate, revenue_type, site, service_start, service_end,
                       term_line, explanation, order_id, order_revision, gross_unit_price, basis_kind, basis_category, basis_rate, basis_guests,
                       facts
                FROM invoice_line WHERE invoice_id = ? ORDER BY position
                """, arguments: [id]
        ) { r in
            let position: Int = try r[1]
            func day(_ text: String?, _ end: String) throws(InvoiceError) -> Day? {
                try text.map { t throws(InvoiceError) in
                    try StoredValue.day(t, "service period of line \(position) \(end)", of: name)
                }
            }
            let kind: String? = try r[16]
            var basisKind: LineBasis.Kind?
            if let kind {
                guard let k = LineBasis.Kind(rawValue: kind) else {
                    throw InvoiceError.malformedStoredValue(document: name, field: "line basis", value: kind)
                }
                basisKind = k
            }
            let factsText: String? = try decodingFacts ? r[20] : nil
            var facts: LineFacts?
            if let factsText {
                guard let f = try? decoder.decode(LineFacts.self, from: Data(factsText.utf8)) else {
                    throw InvoiceError.malformedStoredValue(document: name, field: "line facts", value: factsText)
                }
                facts = f
            }
            lines.append(
                InvoiceLine(
                    invoiceId: try r[0], position: try r[1], label: try r[2],
                    quantity: try r[3], unitPrice: try r[4], net: try r[5],
                    vatRate: try r[6], revenueType: try r[7], site: try r[8],
                    serviceStart: try day(try r[9], "start"), serviceEnd: try day(try r[10], "end"),
                    termLine: try r[11],
                    explanation: try r[12], orderId: try r[13], orderRevision: try r[14],
                    grossUnitPrice: try r[15], basisKind: basisKind, basisCategory: try r[17],
                    basisRate: try r[18], basisGuests: try r[19], facts: facts))
        }
        var vat: [InvoiceVAT] = []
        try db.forEach(
            sql: "SELECT invoice_id, rate, base, vat FROM invoice_vat WHERE invoice_id = ? ORDER BY rate",
            arguments: [id]
        ) { r in
            vat.append(InvoiceVAT(invoiceId: try r[0], rate: try r[1], base: try r[2], vat: try r[3]))
        }
        return try StoredInvoice(checking: i, lines: lines, vat: vat)
    }

    /// Documents filtered by status, client and period (overlapping): the billing run's period, or with
    /// `byDocumentPeriod` the document's own (what `invoices list --period` and every output show).
    public func invoices(
        status: InvoiceStatus? = nil, client: String? = nil, period: Period? = nil,
        includeDiscarded: Bool = false, byDocumentPeriod: Bool = false
    ) throws -> [Invoice] {
        try engine.read { db in
            var conditions: [String] = []
            var arguments: [any SQLArgument] = []
            if let status {
                conditions.append("status = ?")
                arguments.append(status.rawValue)
            } else if !includeDiscarded {
                conditions.append("status <> 'discarded'")
            }
            if let client {
                conditions.append("client = ?")
                arguments.append(client)
            }
            if let period, byDocumentPeriod {
                conditions.append("service_start <= ? AND service_end >= ?")
                arguments += [period.end.description, period.start.description]
            } else if let period {
                conditions.append("period_start <= ? AND period_end >= ?")
                arguments += [period.end.description, period.start.description]
            }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            return try db.fetchRecords(
                Invoice.self, sql: "SELECT * FROM invoice\(filter) ORDER BY id", arguments: arguments)
        }
    }

    /// Every live document with its lines, for a client and exactly a period (corrections compare against them).
    public func documents(client: String, period: Period, statuses: [InvoiceStatus]) throws -> [StoredInvoice] {
        try engine.read { db in
            try db.fetchRecords(
                Invoice.self,
                sql: """
                    SELECT * FROM invoice WHERE client = ? AND period_start = ? AND period_end = ? AND status IN (\(db.stringsOfJSONArgument))
                    ORDER BY id
                    """,
                arguments: [
                    client, period.start.description, period.end.description,
                    LedgerDatabase.jsonArray(statuses.map(\.rawValue))
                ]
            )
            .map { try withLines($0, db) }
        }
    }

    /// Documents of one event order.
    public func documents(orderID: String) throws -> [StoredInvoice] {
        try engine.read { db in
            try db.fetchRecords(
                Invoice.self, sql: "SELECT * FROM invoice WHERE order_id = ? AND status <> 'discarded' ORDER BY id",
                arguments: [orderID]
            ).map { try withLines($0, db) }
        }
    }
}

extension LedgerDatabase {
    /// The numbers of issued documents that billed revenue from these register files
    /// (named in an import conflict).
    public func invoiceNumbers(billedFrom fileIDs: [Int64]) throws -> [String] {
        guard !fileIDs.isEmpty else { return [] }
        return try engine.read { db in
            try db.fetchColumn(
                String.self,
                sql: """
                    SELECT DISTINCT v.number FROM invoice_site_day i JOIN invoice v ON v.id = i.invoice_id
                    WHERE v.status = 'issued' AND i.file_id IN (\(fileIDs.map { _ in "?" }.joined(separator: ",")))
                    ORDER BY v.number
                    """, arguments: fileIDs.map { $0 as any SQLArgument })
        }
    }
}

extension LedgerDatabase {
    /// A document by its id (`12`) or its number (`FA-2026-000012`), as users type them.
    public func invoice(idOrNumber text: String) throws -> StoredInvoice? {
        if let id = Int64(text), let found = try invoice(id: id) { return found }
        return try invoice(number: text)
    }
}
