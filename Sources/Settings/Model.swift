import BillingModel
import Diagnostics

/// The company issuing the invoices, and the legal mentions every invoice carries.
public struct Seller: Sendable, Hashable {
    public init(
        legalName: String, siren: String, vatNumber: String, address: Address, iban: String, bic: String,
        latePaymentPenaltyRate: Percentage, recoveryIndemnity: Money, earlyPaymentDiscount: String, vatOnDebits: Bool
    ) {
        self.legalName = legalName
        self.siren = siren
        self.vatNumber = vatNumber
        self.address = address
        self.iban = iban
        self.bic = bic
        self.latePaymentPenaltyRate = latePaymentPenaltyRate
        self.recoveryIndemnity = recoveryIndemnity
        self.earlyPaymentDiscount = earlyPaymentDiscount
        self.vatOnDebits = vatOnDebits
    }

    public var legalName: String
    public var siren: String
    public var vatNumber: String
    public var address: Address
    public var iban: String
    public var bic: String
    /// Annual late-payment penalty rate, in percent.
    public var latePaymentPenaltyRate: Percentage
    /// The fixed indemnity for recovery costs owed on late payment (40.00 by law).
    public var recoveryIndemnity: Money
    /// Early-payment discount terms as printed, e.g. "aucun escompte pour paiement anticipé".
    public var earlyPaymentDiscount: String
    /// Whether VAT is paid on debits ("TVA acquittée sur les débits").
    public var vatOnDebits: Bool
    /// The company's legal form, share capital and the city of its trade register (RCS), printed on every document
    /// ("SAS au capital de 150 000 €, RCS Nanterre 812 457 638") and sent as its legal information (BT-33).
    public var legalForm: String? = nil
    public var shareCapital: Money? = nil
    public var rcsCity: String? = nil
}

/// A numbering series: unique, chronological, continuous numbers with a prefix.
public struct NumberSeries: Sendable, Hashable {
    public init(code: String, prefix: String, width: Int, documentType: DocumentKind) {
        self.code = code
        self.prefix = prefix
        self.width = width
        self.documentType = documentType
    }

    public var code: String
    /// Printed before the sequence number, e.g. `FA-2026-`.
    public var prefix: String
    /// Digits of the sequence number, zero-padded.
    public var width: Int
    public var documentType: DocumentKind

    /// The document number for a sequence number: `FA-2026-000042`.
    public func number(_ sequence: Int) -> String {
        let digits = String(sequence)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The largest sequence number this series can print in its width.
    public var capacity: Int {
        var n = 1
        for _ in 0..<width { n = n.multipliedReportingOverflow(by: 10).overflow ? Int.max : n * 10 }
        return n == Int.max ? n : n - 1
    }
}

/// The contract-language term kind that bills a revenue type.
public enum RevenueKind: String, Sendable, Hashable, CaseIterable {
    case subsidy
    case admissionFee = "admission_fee"
    case guestMeals = "guest_meals"
    case cafeteria
    case fee
    case minimumGuarantee = "minimum_guarantee"
    case events
}

/// Whether a revenue type sells goods or services: a document's operation category (BT-23) and its French
/// mention follow from its lines' revenue types.
public enum OperationNature: String, Sendable, Hashable, CaseIterable {
    case goods
    case services
}

/// What an invoice line bills, with its accounting and VAT.
public struct RevenueType: Sendable, Hashable {
    public init(
        code: String, label: String, activity: Activity, kind: RevenueKind, articleCodes: [String],
        revenueAccount: String, vatRate: VATRate
    ) {
        self.code = code
        self.label = label
        self.activity = activity
        self.kind = kind
        self.articleCodes = articleCodes
        self.revenueAccount = revenueAccount
        self.vatRate = vatRate
    }

    public var code: String
    /// French label printed on invoice lines.
    public var label: String
    public var activity: Activity
    public var kind: RevenueKind
    /// Register article codes that belong to this revenue type (may be empty).
    public var articleCodes: [String]
    /// The general-ledger revenue account credited, e.g. `706100`.
    public var revenueAccount: String
    public var vatRate: VATRate
    /// Goods (packaged food sold to take away) or services (meals served, fees, events); `nature` in the settings.
    public var nature: OperationNature = .services
}

/// A restaurant or place of service.
public struct Site: Sendable, Hashable {
    public init(code: String, name: String, address: Address? = nil, calendar: SiteCalendar = SiteCalendar()) {
        self.code = code
        self.name = name
        self.address = address
        self.calendar = calendar
    }

    public var code: String
    public var name: String
    public var address: Address?
    /// The days the site is expected open, so a register file is expected for each.
    public var calendar: SiteCalendar
}

/// The days a site is open (`open_days`, `closed` in the settings): billing
/// expects a register file for each, and holds the site's clients when one is missing.
public struct SiteCalendar: Sendable, Hashable {
    /// ISO weekdays, 1 Monday … 7 Sunday. Default: Monday to Friday.
    public var openWeekdays: Set<Int>
    /// Days or ranges the site is closed (public holidays, summer closure).
    public var closures: [Period]

    public init(openWeekdays: Set<Int> = [1, 2, 3, 4, 5], closures: [Period] = []) {
        self.openWeekdays = openWeekdays
        self.closures = closures
    }

    public func isOpen(_ day: Day) -> Bool {
        openWeekdays.contains(day.isoWeekday) && !closures.contains { $0.contains(day) }
    }

    /// The names `open_days` accepts, in ISO order.
    public static let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
}

/// A customer billed for some lines of a client's contract (a works council, ...).
public struct Payer: Sendable, Hashable {
    public init(
        code: String, legalName: String, siren: String, vatNumber: String? = nil, address: Address, emails: [String],
        receivableAccount: String
    ) {
        self.code = code
        self.legalName = legalName
        self.siren = siren
        self.vatNumber = vatNumber
        self.address = address
        self.emails = emails
        self.receivableAccount = receivableAccount
    }

    public var code: String
    public var legalName: String
    public var siren: String
    public var vatNumber: String?
    public var address: Address
    public var emails: [String]
    public var receivableAccount: String
}

/// A client company: who is billed, where its diners eat, what it buys.
public struct Client: Sendable, Hashable {
    public init(
        code: String, legalName: String, siren: String, vatNumber: String? = nil, address: Address, emails: [String],
        receivableAccount: String, sites: [String], dinerCategories: [String], revenueTypes: [String],
        payers: [Payer] = []
    ) {
        self.code = code
        self.legalName = legalName
        self.siren = siren
        self.vatNumber = vatNumber
        self.address = address
        self.emails = emails
        self.receivableAccount = receivableAccount
        self.sites = sites
        self.dinerCategories = dinerCategories
        self.revenueTypes = revenueTypes
        self.payers = payers
    }

    public var code: String
    public var legalName: String
    public var siren: String
    public var vatNumber: String?
    public var address: Address
    /// Where invoices are sent; at least one.
    public var emails: [String]
    /// The customer account debited, e.g. `411ACME`.
    public var receivableAccount: String
    /// Codes of the sites its diners use.
    public var sites: [String]
    /// Diner categories of its badges, e.g. `A`, `B`, `INV` (guests).
    public var dinerCategories: [String]
    /// Codes of the revenue types it has: a contract must bill each one.
    public var revenueTypes: [String]
    public var payers: [Payer]
}

/// A published index value, exact to 4 decimals (stored in ten-thousandths).
public struct IndexValue: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var tenThousandths: Int64
    public init(tenThousandths: Int64) { self.tenThousandths = tenThousandths }

    /// Parses `118.2`; nil beyond 4 decimals or when not a number.
    public init?(_ text: some StringProtocol) {
        guard let v = DecimalText.parse(Substring(text), scale: 4) else { return nil }
        tenThousandths = v
    }

    public var description: String { DecimalText.format(tenThousandths, scale: 4, minimumFraction: 1) }
    public static func < (a: IndexValue, b: IndexValue) -> Bool { a.tenThousandths < b.tenThousandths }
}

/// A price index with one value per month, for annual price revisions (T14).
public struct IndexSeries: Sendable, Hashable {
    public init(code: String, label: String, values: [Month: IndexValue]) {
        self.code = code
        self.label = label
        self.values = values
    }

    public var code: String
    public var label: String
    public var values: [Month: IndexValue]

    /// The value published for `month`; nil when missing (never a silent zero).
    public func value(for month: Month) -> IndexValue? { values[month] }

    /// The months with a value, in order.
    public var months: [Month] { values.keys.sorted() }
}

/// The outgoing mail server, for sending invoices (used later by dispatch).
public struct SMTPSettings: Sendable, Hashable {
    public init(
        host: String, port: Int, startTLS: Bool, username: String? = nil, passwordEnvironmentVariable: String? = nil,
        fromAddress: String,
        connectTimeoutSeconds: Int = SMTPSettings.defaultConnectTimeout,
        commandTimeoutSeconds: Int = SMTPSettings.defaultCommandTimeout,
        messageTimeoutSeconds: Int = SMTPSettings.defaultMessageTimeout,
        runDeadlineSeconds: Int = SMTPSettings.defaultRunDeadline
    ) {
        self.host = host
        self.port = port
        self.startTLS = startTLS
        self.username = username
        self.passwordEnvironmentVariable = passwordEnvironmentVariable
        self.fromAddress = fromAddress
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.commandTimeoutSeconds = commandTimeoutSeconds
        self.messageTimeoutSeconds = messageTimeoutSeconds
        self.runDeadlineSeconds = runDeadlineSeconds
    }

    public static let defaultConnectTimeout = 30
    public static let defaultCommandTimeout = 60
    public static let defaultMessageTimeout = 300
    public static let defaultRunDeadline = 1800

    public var host: String
    public var port: Int
    public var startTLS: Bool
    public var username: String?
    /// Name of the environment variable holding the password: never the password itself.
    public var passwordEnvironmentVariable: String?
    public var fromAddress: String
    /// `connect_timeout`: connecting to the server, seconds.
    public var connectTimeoutSeconds: Int
    /// `command_timeout`: the wait for each reply of the server (after DATA and QUIT too), seconds.
    public var commandTimeoutSeconds: Int
    /// `message_timeout`: one message's whole exchange, seconds.
    public var messageTimeoutSeconds: Int
    /// `run_deadline`: how long a sending run (`outbox send`, the daily run) claims messages, seconds.
    public var runDeadlineSeconds: Int
}

/// Where issued documents are posted: the sales journal and its accounts.
/// Every key has a default (the usual French chart of accounts), so only
/// what differs from it is written in the settings.
public struct AccountingSettings: Sendable, Hashable {
    /// The sales journal's code and label (`VT`, `Ventes`).
    public var journalCode: String
    public var journalLabel: String
    /// The collective customer account; each customer's `receivable_account` is its auxiliary.
    public var customerAccount: String
    /// Credited with lines that name no revenue type (documents typed in by hand).
    public var defaultRevenueAccount: String
    /// The output VAT account of each rate (a rate of 0 % needs none).
    public var outputVATAccounts: [Percentage: String]
    /// The bank account debited with payments received (`512000`) and the bank journal (`BQ`, `Banque`).
    public var bankAccount: String = "512000"
    public var bankJournalCode: String = "BQ"
    public var bankJournalLabel: String = "Banque"
    /// Credited with a payment whose customer is not known yet (`471000`, compte d'attente).
    public var suspenseAccount: String = "471000"
    /// VAT on receipts (services, unless the seller opted for VAT on debits): the account of each rate where
    /// invoicing puts the VAT until the customer pays ("TVA collectée en attente"), and the journal of the
    /// entries that move it to the output VAT account at each payment (`OD`, `Opérations diverses`).
    public var pendingVATAccounts: [Percentage: String] = AccountingSettings.standardPendingVATAccounts
    public var vatJournalCode: String = "OD"
    public var vatJournalLabel: String = "Opérations diverses"

    public init(
        journalCode: String = "VT", journalLabel: String = "Ventes", customerAccount: String = "411000",
        defaultRevenueAccount: String = "706000",
        outputVATAccounts: [Percentage: String] = AccountingSettings.standardVATAccounts
    ) {
        self.journalCode = journalCode
        self.journalLabel = journalLabel
        self.customerAccount = customerAccount
        self.defaultRevenueAccount = defaultRevenueAccount
        self.outputVATAccounts = outputVATAccounts
    }

    /// 445711 for 20 %, 445712 for 10 %, 445713 for 5.5 %, 445714 for 2.1 %.
    public static let standardVATAccounts: [Percentage: String] = [
        Percentage(whole: 20): "445711", Percentage(whole: 10): "445712",
        Percentage(tenThousandths: 55_000): "445713", Percentage(tenThousandths: 21_000): "445714"
    ]

    /// 445741 for 20 %, 445742 for 10 %, 445743 for 5.5 %, 445744 for 2.1 % (under 44574, "TVA collectée en attente").
    public static let standardPendingVATAccounts: [Percentage: String] = [
        Percentage(whole: 20): "445741", Percentage(whole: 10): "445742",
        Percentage(tenThousandths: 55_000): "445743", Percentage(tenThousandths: 21_000): "445744"
    ]

    public static let standard = AccountingSettings()
}

/// When invoices are reminded (`reminders:`): a courtesy notice some days
/// before the due date, then reminders some days after it, each an e-mail
/// sent once; per-client overrides; the French templates; where notices of
/// contracts ending go.
public struct ReminderSettings: Sendable, Hashable {
    public struct Schedule: Sendable, Hashable {
        /// Days before the due date of the courtesy notice (nil: none).
        public var courtesyDaysBefore: Int?
        /// Days after the due date of each reminder, ascending.
        public var afterDueDays: [Int]
        /// False: the client is never reminded.
        public var enabled: Bool
        public init(courtesyDaysBefore: Int? = 5, afterDueDays: [Int] = [7, 21, 45], enabled: Bool = true) {
            self.courtesyDaysBefore = courtesyDaysBefore
            self.afterDueDays = afterDueDays
            self.enabled = enabled
        }
    }

    public var schedule: Schedule
    /// Client (or payer) code → its own schedule.
    public var clients: [String: Schedule]
    /// The finance team's address: notices of contracts ending.
    public var financeEmail: String?
    /// Templates with `{placeholders}` (see examples/SETTINGS.md); nil: the built-in French text.
    public var courtesySubject: String?
    public var courtesyBody: String?
    public var reminderSubject: String?
    public var reminderBody: String?

    public init(
        schedule: Schedule = Schedule(), clients: [String: Schedule] = [:], financeEmail: String? = nil,
        courtesySubject: String? = nil, courtesyBody: String? = nil, reminderSubject: String? = nil,
        reminderBody: String? = nil
    ) {
        self.schedule = schedule
        self.clients = clients
        self.financeEmail = financeEmail
        self.courtesySubject = courtesySubject
        self.courtesyBody = courtesyBody
        self.reminderSubject = reminderSubject
        self.reminderBody = reminderBody
    }

    /// The schedule of a billed customer (client or payer code).
    public func schedule(for customer: String) -> Schedule { clients[customer] ?? schedule }

    public static let standard = ReminderSettings()
}

/// A place in a settings file.
public struct SettingsPlace: Sendable, Equatable {
    public var file: String
    public var range: SourceRange
    public init(file: String, range: SourceRange) {
        self.file = file
        self.range = range
    }
}

/// All the master data billing needs, merged from the settings files.
public struct MasterData: Sendable {
    public var seller: Seller
    public var timeZone: String
    public var currency: String
    public private(set) var numberSeries: [NumberSeries]
    public private(set) var revenueTypes: [RevenueType]
    public private(set) var sites: [Site]
    public private(set) var clients: [Client]
    public private(set) var indexSeries: [IndexSeries]
    public var smtp: SMTPSettings?
    public var accounting: AccountingSettings
    public var reminders: ReminderSettings = .standard
    /// Bounds on amounts (`limits:`): typed-in lines past them are refused, documents past them wait for a person.
    public var limits: AmountLimits = .standard
    /// The accredited platform invoices are handed to (`platform:`); nil: invoices go by e-mail only.
    public var platform: PlatformSettings?
    /// How invoices reach their buyers: the platform's `transmission`, e-mail when there is no platform.
    public var transmission: Transmission { platform?.transmission ?? .email }
    /// Where each client's entry is written in the settings files, for messages about the client
    /// (a client without a contract is reported at its entry).
    public var clientPlaces: [String: SettingsPlace] = [:]

    private var clientIndex: [String: Int] = [:]
    private var siteIndex: [String: Int] = [:]
    private var revenueTypeIndex: [String: Int] = [:]
    private var seriesIndex: [String: Int] = [:]
    private var indexSeriesIndex: [String: Int] = [:]
    private var payerIndex: [String: (client: Int, payer: Int)] = [:]

    public init(
        seller: Seller, timeZone: String = "Europe/Paris", currency: String = "EUR",
        numberSeries: [NumberSeries], revenueTypes: [RevenueType], sites: [Site], clients: [Client],
        indexSeries: [IndexSeries], smtp: SMTPSettings? = nil, accounting: AccountingSettings = .standard
    ) {
        self.accounting = accounting
        self.seller = seller
        self.timeZone = timeZone
        self.currency = currency
        self.numberSeries = numberSeries
        self.revenueTypes = revenueTypes
        self.sites = sites
        self.clients = clients
        self.indexSeries = indexSeries
        self.smtp = smtp
        for (i, c) in clients.enumerated() {
            clientIndex[c.code] = clientIndex[c.code] ?? i
            for (j, p) in c.payers.enumerated() where payerIndex[p.code] == nil { payerIndex[p.code] = (i, j) }
        }
        for (i, s) in sites.enumerated() where siteIndex[s.code] == nil { siteIndex[s.code] = i }
        for (i, r) in revenueTypes.enumerated() where revenueTypeIndex[r.code] == nil { revenueTypeIndex[r.code] = i }
        for (i, s) in numberSeries.enumerated() where seriesIndex[s.code] == nil { seriesIndex[s.code] = i }
        for (i, s) in indexSeries.enumerated() where indexSeriesIndex[s.code] == nil { indexSeriesIndex[s.code] = i }
    }

    public func client(_ code: String) -> Client? { clientIndex[code].map { clients[$0] } }
    public func site(_ code: String) -> Site? { siteIndex[code].map { sites[$0] } }
    public func revenueType(_ code: String) -> RevenueType? { revenueTypeIndex[code].map { revenueTypes[$0] } }
    public func numberSeries(_ code: String) -> NumberSeries? { seriesIndex[code].map { numberSeries[$0] } }
    public func indexSeries(_ code: String) -> IndexSeries? { indexSeriesIndex[code].map { indexSeries[$0] } }

    /// A payer (works council, ...) by its own code, with the client it pays for.
    public func payer(_ code: String) -> (payer: Payer, client: Client)? {
        payerIndex[code].map { (clients[$0.client].payers[$0.payer], clients[$0.client]) }
    }

    /// The first series numbering `type`.
    public func numberSeries(for type: DocumentKind) -> NumberSeries? {
        numberSeries.first { $0.documentType == type }
    }

    /// The revenue types of a given term kind.
    public func revenueTypes(of kind: RevenueKind) -> [RevenueType] {
        revenueTypes.filter { $0.kind == kind }
    }

    /// The clients eating at a site.
    public func clients(atSite code: String) -> [Client] {
        clients.filter { $0.sites.contains(code) }
    }
}
