import BillingModel
import Diagnostics

/// What the checker knows of the world outside the contract: the names the
/// settings define. The workspace builds it from the YAML settings; the
/// language itself reads no YAML.
public struct ContractContext: Sendable {
    public struct Client: Sendable {
        public var code: String
        public var sites: [String]
        public var categories: [String]
        /// Codes of the revenue types the client has (for completeness).
        public var revenueTypes: [String]
        public var payers: [String]
        /// Where the client is defined in the settings, for messages.
        public var file: String?
        public var line: Int?
        /// The client's code in the settings file (more precise than `line`).
        public var range: SourceRange?
        public init(
            code: String, sites: [String], categories: [String], revenueTypes: [String], payers: [String] = [],
            file: String? = nil, line: Int? = nil, range: SourceRange? = nil
        ) {
            self.range = range
            self.code = code
            self.sites = sites
            self.categories = categories
            self.revenueTypes = revenueTypes
            self.payers = payers
            self.file = file
            self.line = line
        }
    }

    public struct RevenueType: Sendable {
        public var code: String
        public var kind: RevenueKind
        public var label: String
        /// The VAT rate the settings bill this revenue type at: a term's `at N% VAT` must say the same.
        public var vatRate: Percentage?
        public init(code: String, kind: RevenueKind, label: String, vatRate: Percentage? = nil) {
            self.code = code
            self.kind = kind
            self.label = label
            self.vatRate = vatRate
        }
    }

    public var clients: [String: Client]
    public var revenueTypes: [String: RevenueType]
    /// Index series: code → month `YYYY-MM` → value.
    public var indexSeries: [String: [String: Percentage]]
    public var vatRates: Set<Percentage>
    /// The day the check is made: revisions on or before it need a published index.
    public var today: Day

    public init(
        clients: [String: Client] = [:], revenueTypes: [String: RevenueType] = [:],
        indexSeries: [String: [String: Percentage]] = [:],
        vatRates: Set<Percentage> = Set(["0", "2.1", "5.5", "10", "20"].compactMap { Percentage($0) }),
        today: Day
    ) {
        self.clients = clients
        self.revenueTypes = revenueTypes
        self.indexSeries = indexSeries
        self.vatRates = vatRates
        self.today = today
    }

    /// The revenue type of `kind` the client has, if any.
    public func revenueType(of kind: RevenueKind, for client: String) -> RevenueType? {
        guard let c = clients[client] else { return revenueTypes.values.first { $0.kind == kind } }
        for code in c.revenueTypes { if let r = revenueTypes[code], r.kind == kind { return r } }
        return revenueTypes.values.sorted { $0.code < $1.code }.first { $0.kind == kind }
    }
}

/// What a term bills, as the settings' revenue types name it.
public enum RevenueKind: String, Sendable, CaseIterable {
    case subsidy, admissionFee = "admission_fee", guestMeals = "guest_meals", cafeteria, fee
    case minimumGuarantee = "minimum_guarantee", events
}

/// The key of a month in index series: `2026-09`.
public func monthKey(year: Int, month: Int) -> String {
    let m = month < 10 ? "0\(month)" : "\(month)"
    return "\(year)-\(m)"
}
