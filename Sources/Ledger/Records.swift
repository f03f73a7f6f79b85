import Foundation
import BillingModel
import GRDB

// One plain struct per table; persistence conformances live in extensions.
// Days are stored as their ordinal (days since 1970-01-01), money as cents,
// prices and VAT rates as ten-thousandths.

/// What happened to a delivered file, as stored.
public enum FileStatus: String, Codable, Sendable, DatabaseValueConvertible {
    case imported, replaced, conflict
}

/// The kind of a delivered file.
public enum FileKind: String, Codable, Sendable, DatabaseValueConvertible {
    case registers, events
}

/// One version of a delivered file.
public struct ImportedFile: Codable, Sendable, Hashable {
    public var id: Int64?
    public var name: String
    public var kind: FileKind
    public var version: Int
    public var sha256: String
    public var size: Int64
    /// ISO 8601 UTC instant.
    public var importedAt: String
    public var status: FileStatus
    public var site: String?
    public var day: Int?
    public var rowCount: Int
    public var rejectedCount: Int
    public var warningCount: Int
    public var message: String?

    public init(
        id: Int64? = nil, name: String, kind: FileKind, version: Int, sha256: String, size: Int64,
        importedAt: String, status: FileStatus, site: String?, day: Int?, rowCount: Int,
        rejectedCount: Int, warningCount: Int, message: String?
    ) {
        self.id = id; self.name = name; self.kind = kind; self.version = version; self.sha256 = sha256
        self.size = size; self.importedAt = importedAt; self.status = status; self.site = site; self.day = day
        self.rowCount = rowCount; self.rejectedCount = rejectedCount; self.warningCount = warningCount
        self.message = message
    }

    public var businessDay: Day? { day.map { Day(ordinal: $0) } }
}

extension ImportedFile: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "imported_file"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public enum Columns {
        public static let id = Column("id"), name = Column("name"), kind = Column("kind")
        public static let version = Column("version"), sha256 = Column("sha256"), status = Column("status")
        public static let site = Column("site"), day = Column("day"), rowCount = Column("row_count")
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One line of a register ticket.
public struct TicketLine: Codable, Sendable, Hashable {
    public var fileId: Int64
    public var line: Int
    public var ticket: String
    public var site: String
    public var register: Int
    public var day: Int
    /// Seconds since local midnight.
    public var time: Int
    public var badge: String?
    public var client: String?
    public var category: String?
    public var activity: String
    public var article: String
    public var label: String
    public var quantity: Int
    /// Unit price TTC in cents.
    public var unitPrice: Int64
    /// VAT rate in ten-thousandths of a percent (10% is 100000).
    public var vatRate: Int64
    /// Line total TTC in cents, as the register charged it.
    public var amount: Int64
    /// Employer share of `amount` in cents.
    public var employerShare: Int64

    public var businessDay: Day { Day(ordinal: day) }
    public var amountTTC: Money { Money(cents: amount) }
    public var rate: VATRate { VATRate(tenThousandths: vatRate) }
}

extension TicketLine: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "ticket_line"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public enum Columns {
        public static let fileId = Column("file_id"), line = Column("line"), ticket = Column("ticket")
        public static let client = Column("client"), category = Column("category"), amount = Column("amount")
    }
}

/// Which file version of a site-day is current, and which one was billed.
public struct SiteDay: Codable, Sendable, Hashable {
    public var site: String
    public var day: Int
    public var currentFileId: Int64
    public var billedFileId: Int64?
    public init(site: String, day: Int, currentFileId: Int64, billedFileId: Int64?) {
        self.site = site; self.day = day; self.currentFileId = currentFileId; self.billedFileId = billedFileId
    }
    public var businessDay: Day { Day(ordinal: day) }
}

extension SiteDay: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "site_day"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public enum Columns {
        public static let site = Column("site"), day = Column("day")
        public static let currentFileId = Column("current_file_id"), billedFileId = Column("billed_file_id")
    }
}

/// A row the importer could not read, kept with its raw bytes.
public struct RejectedRow: Codable, Sendable, Hashable {
    public var fileId: Int64
    public var line: Int
    /// The bytes of the record as delivered (line breaks inside quotes included).
    public var raw: Data
    public var reason: String
    /// The raw text when it is valid UTF-8.
    public var rawText: String? { String(validating: raw, as: UTF8.self) }

    public init(fileId: Int64, line: Int, raw: Data, reason: String) {
        self.fileId = fileId; self.line = line; self.raw = raw; self.reason = reason
    }
}

extension RejectedRow: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "rejected_row"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public enum Columns {
        public static let fileId = Column("file_id"), line = Column("line"), reason = Column("reason")
    }
}

/// A row kept with a warning (e.g. a one-cent difference).
public struct ImportWarning: Codable, Sendable, Hashable {
    public var fileId: Int64
    public var line: Int
    public var reason: String
    public init(fileId: Int64, line: Int, reason: String) {
        self.fileId = fileId; self.line = line; self.reason = reason
    }
}

extension ImportWarning: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "import_warning"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public enum Columns { public static let fileId = Column("file_id"), line = Column("line") }
}

/// A corrected re-delivery of a site-day that a validated invoice already used.
public struct LateRevenue: Codable, Sendable, Hashable {
    public var id: Int64?
    public var site: String
    public var day: Int
    public var billedFileId: Int64
    public var fileId: Int64
    public var recordedAt: String
    public var reason: String
    public var settledAt: String?
    public init(
        id: Int64? = nil, site: String, day: Int, billedFileId: Int64, fileId: Int64, recordedAt: String,
        reason: String, settledAt: String? = nil
    ) {
        self.id = id; self.site = site; self.day = day; self.billedFileId = billedFileId; self.fileId = fileId
        self.recordedAt = recordedAt; self.reason = reason; self.settledAt = settledAt
    }
    public var businessDay: Day { Day(ordinal: day) }
}

extension LateRevenue: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "late_revenue"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public enum Columns {
        public static let id = Column("id"), site = Column("site"), day = Column("day")
        public static let settledAt = Column("settled_at")
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An event order and its current (highest) revision.
public struct EventOrder: Codable, Sendable, Hashable {
    public var orderId: String
    public var currentRevision: Int
    public init(orderId: String, currentRevision: Int) {
        self.orderId = orderId; self.currentRevision = currentRevision
    }
}

extension EventOrder: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "event_order"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public enum Columns {
        public static let orderId = Column("order_id"), currentRevision = Column("current_revision")
    }
}

/// One revision of an event order, as a file delivered it.
public struct EventOrderRevision: Codable, Sendable, Hashable {
    public var id: Int64?
    public var orderId: String
    public var revision: Int
    public var fileId: Int64
    public var line: Int
    public var client: String
    public var site: String
    public var poNumber: String?
    public var eventDate: Int
    public var status: String
    public var deliveredAt: String?
    /// Local (Europe/Paris) day of `deliveredAt`.
    public var deliveredDay: Int?
    public var orderedBy: String?
    public var costCenter: String?

    public init(
        id: Int64? = nil, orderId: String, revision: Int, fileId: Int64, line: Int, client: String,
        site: String, poNumber: String?, eventDate: Int, status: String, deliveredAt: String?,
        deliveredDay: Int?, orderedBy: String?, costCenter: String?
    ) {
        self.id = id; self.orderId = orderId; self.revision = revision; self.fileId = fileId; self.line = line
        self.client = client; self.site = site; self.poNumber = poNumber; self.eventDate = eventDate
        self.status = status; self.deliveredAt = deliveredAt; self.deliveredDay = deliveredDay
        self.orderedBy = orderedBy; self.costCenter = costCenter
    }

    public var eventDay: Day { Day(ordinal: eventDate) }
    public var deliveryDay: Day? { deliveredDay.map { Day(ordinal: $0) } }
}

extension EventOrderRevision: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "event_order_revision"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public enum Columns {
        public static let id = Column("id"), orderId = Column("order_id"), revision = Column("revision")
        public static let deliveredDay = Column("delivered_day"), status = Column("status")
    }
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One line of an event order revision.
public struct EventOrderLine: Codable, Sendable, Hashable {
    public var revisionId: Int64
    public var lineNo: Int
    public var article: String
    public var label: String
    public var quantity: Int
    /// Unit price HT in ten-thousandths of a euro.
    public var unitPrice: Int64
    /// VAT rate in ten-thousandths of a percent.
    public var vatRate: Int64

    public init(
        revisionId: Int64, lineNo: Int, article: String, label: String, quantity: Int, unitPrice: Int64,
        vatRate: Int64
    ) {
        self.revisionId = revisionId; self.lineNo = lineNo; self.article = article; self.label = label
        self.quantity = quantity; self.unitPrice = unitPrice; self.vatRate = vatRate
    }

    public var price: Price { Price(tenThousandths: unitPrice) }
    public var rate: VATRate { VATRate(tenThousandths: vatRate) }
}

extension EventOrderLine: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "event_order_line"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public enum Columns {
        public static let revisionId = Column("revision_id"), lineNo = Column("line_no")
    }
}
