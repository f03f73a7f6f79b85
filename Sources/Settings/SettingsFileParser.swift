import BillingModel
import Diagnostics
import Foundation
import Yams

/// Where a definition was written, for notes such as "first defined at …".
struct Origin: Sendable {
    var file: String
    var range: SourceRange
    var position: String { "\(file):\(range.start.line):\(range.start.column)" }
}

/// A reference to a code (a site, a revenue type) and where it is written.
struct Reference {
    var code: String
    var origin: Origin
}

struct ClientEntry {
    var client: Client
    var origin: Origin
    var siteReferences: [Reference]
    var revenueTypeReferences: [Reference]
    var payerOrigins: [Origin]
}

/// What one settings file defines, before files are merged and cross-checked.
struct SettingsFragment {
    var seller: (Seller, Origin)?
    /// Whether the file has a `seller` section at all, even a faulty one.
    var hasSellerSection = false
    /// Whether the file could not be parsed: checks across files would then mislead.
    var isBroken = false
    var timeZone: (String, Origin)?
    var currency: (String, Origin)?
    var smtp: (SMTPSettings, Origin)?
    var accounting: (AccountingSettings, Origin)?
    var reminders: (ReminderSettings, Origin)?
    var limits: (AmountLimits, Origin)?
    var platform: (PlatformSettings, Origin)?
    /// The codes of `reminders: clients:`, checked against clients and payers once files are merged.
    var reminderCustomers: [Reference] = []
    var numberSeries: [(NumberSeries, Origin)] = []
    var revenueTypes: [(RevenueType, Origin, articleOrigins: [Origin])] = []
    var sites: [(Site, Origin)] = []
    var clients: [ClientEntry] = []
    var indexSeries: [(IndexSeries, Origin)] = []
}

/// Turns one settings file's node tree into a fragment, reporting every fault.
struct SettingsFileParser {
    let reader: YAMLReader

    static let topKeys = [
        "seller", "time_zone", "currency", "number_series", "sites", "revenue_types", "clients",
        "index_series", "smtp", "accounting", "reminders", "limits", "platform"
    ]
    static let limitKeys = ["max_line_ht", "max_document_ttc"]
    static let accountingKeys = [
        "journal", "journal_label", "customer_account", "default_revenue_account", "output_vat_accounts",
        "bank_account", "bank_journal", "bank_journal_label", "suspense_account",
        "pending_vat_accounts", "vat_journal", "vat_journal_label"
    ]
    static let reminderKeys = [
        "courtesy_days_before", "after_due_days", "finance_email", "courtesy_subject", "courtesy_body",
        "reminder_subject", "reminder_body", "clients"
    ]
    static let reminderClientKeys = ["code", "courtesy_days_before", "after_due_days", "enabled"]
    static let vatAccountKeys = ["rate", "account"]
    static let sellerKeys = [
        "legal_name", "siren", "vat_number", "address", "iban", "bic", "late_payment_penalty_rate",
        "recovery_indemnity", "early_payment_discount", "vat_on_debits", "legal_form", "share_capital",
        "rcs_city"
    ]
    /// Legal forms whose documents state a share capital.
    static let legalForms = ["SA", "SAS", "SASU", "SARL", "EURL", "SNC", "SCA", "SCS", "SE", "SCOP"]
    static let addressKeys = ["lines", "postcode", "city", "country"]
    static let seriesKeys = ["code", "prefix", "width", "document_type"]
    static let revenueTypeKeys = [
        "code", "label", "activity", "kind", "article_codes", "revenue_account", "vat_rate", "nature"
    ]
    static let siteKeys = ["code", "name", "address", "open_days", "closed"]
    static let clientKeys = [
        "code", "legal_name", "siren", "vat_number", "address", "emails", "receivable_account",
        "sites", "diner_categories", "revenue_types", "payers"
    ]
    static let payerKeys = ["code", "legal_name", "siren", "vat_number", "address", "emails", "receivable_account"]
    static let indexKeys = ["code", "label", "values"]
    static let smtpKeys = [
        "host", "port", "starttls", "username", "password_env", "from", "connect_timeout", "command_timeout",
        "message_timeout", "run_deadline"
    ]

    /// The VAT rates of mainland France, in percent.
    static let frenchVATRates: [Percentage] = [
        Percentage(whole: 20), Percentage(whole: 10), Percentage(tenThousandths: 55_000),
        Percentage(tenThousandths: 21_000), Percentage.zero
    ]

    func origin(_ node: Node) -> Origin { Origin(file: reader.file, range: reader.range(node)) }

    func parse() -> SettingsFragment {
        var fragment = SettingsFragment()
        guard let root = reader.parseRoot() else {
            fragment.isBroken = reader.diagnostics.hasErrors
            return fragment
        }
        if case let .scalar(s) = root, YAMLReader.isNull(s) { return fragment }
        guard case .mapping = root else {
            reader.error(
                SettingsCode.wrongType,
                "a settings file must be a mapping of sections, found \(YAMLReader.describe(root))",
                at: reader.range(root), help: "start the file with sections such as `seller:` or `clients:`")
            return fragment
        }
        guard
            let top = reader.fields(
                root, key: nil, keyName: "settings", owner: "the settings file",
                known: Self.topKeys)
        else { return fragment }

        fragment.hasSellerSection = reader.node(top, "seller") != nil
        if let (k, v) = reader.node(top, "seller"),
            let f = reader.fields(v, key: k, keyName: "seller", owner: "the seller", known: Self.sellerKeys),
            let seller = parseSeller(f)
        {
            fragment.seller = (seller, origin(k))
        }
        if let (k, v) = reader.node(top, "time_zone"), let zone = reader.text(top, "time_zone") {
            if TimeZone(identifier: zone) != nil {
                fragment.timeZone = (zone, origin(k))
            } else {
                let near = DidYouMean.suggest(zone, among: TimeZone.knownTimeZoneIdentifiers)
                reader.error(
                    SettingsCode.invalidTimeZone, "unknown time zone `\(zone)`", at: reader.range(v),
                    help: near.map { "did you mean `\($0)`?" } ?? "use an IANA time zone such as `Europe/Paris`")
            }
        }
        if let (k, v) = reader.node(top, "currency"), let currency = reader.text(top, "currency") {
            if currency == "EUR" {
                fragment.currency = (currency, origin(k))
            } else {
                reader.error(
                    SettingsCode.invalidCurrency, "unsupported currency `\(currency)`", at: reader.range(v),
                    help: "invoices are issued in euros: write `currency: EUR`")
            }
        }
        if let (k, v) = reader.node(top, "smtp"),
            let f = reader.fields(v, key: k, keyName: "smtp", owner: "the smtp settings", known: Self.smtpKeys),
            let smtp = parseSMTP(f)
        {
            fragment.smtp = (smtp, origin(k))
        }
        if let (k, v) = reader.node(top, "accounting"),
            let f = reader.fields(
                v, key: k, keyName: "accounting", owner: "the accounting settings", known: Self.accountingKeys),
            let accounting = parseAccounting(f)
        {
            fragment.accounting = (accounting, origin(k))
        }
        if let (k, v) = reader.node(top, "reminders"),
            let f = reader.fields(
                v, key: k, keyName: "reminders", owner: "the reminder settings", known: Self.reminderKeys),
            let reminders = parseReminders(f)
        {
            fragment.reminders = (reminders, origin(k))
            for item in reader.list(f, "clients", required: false) ?? [] {
                if case let .mapping(m) = item, let node = m["code"], let code = node.scalar?.string {
                    fragment.reminderCustomers.append(Reference(code: code, origin: origin(node)))
                }
            }
        }
        if let (k, v) = reader.node(top, "platform"),
            let f = reader.fields(
                v, key: k, keyName: "platform", owner: "the platform settings", known: Self.platformKeys),
            let platform = parsePlatform(f)
        {
            fragment.platform = (platform, origin(k))
        }
        if let (k, v) = reader.node(top, "limits"),
            let f = reader.fields(v, key: k, keyName: "limits", owner: "the amount limits", known: Self.limitKeys),
            let limits = parseLimits(f)
        {
            fragment.limits = (limits, origin(k))
        }
        for item in reader.list(top, "number_series", required: false) ?? [] {
            guard let f = entry(item, section: "number_series", noun: "number series", known: Self.seriesKeys) else {
                continue
            }
            if let s = parseSeries(f) { fragment.numberSeries.append(s) }
        }
        for item in reader.list(top, "revenue_types", required: false) ?? [] {
            guard let f = entry(item, section: "revenue_types", noun: "revenue type", known: Self.revenueTypeKeys)
            else { continue }
            if let r = parseRevenueType(f) { fragment.revenueTypes.append(r) }
        }
        for item in reader.list(top, "sites", required: false) ?? [] {
            guard let f = entry(item, section: "sites", noun: "site", known: Self.siteKeys) else { continue }
            if let s = parseSite(f) { fragment.sites.append(s) }
        }
        for item in reader.list(top, "clients", required: false) ?? [] {
            guard let f = entry(item, section: "clients", noun: "client", known: Self.clientKeys) else { continue }
            if let c = parseClient(f) { fragment.clients.append(c) }
        }
        for item in reader.list(top, "index_series", required: false) ?? [] {
            guard let f = entry(item, section: "index_series", noun: "index", known: Self.indexKeys) else { continue }
            if let s = parseIndexSeries(f) { fragment.indexSeries.append(s) }
        }
        return fragment
    }

    /// One entry of a list section, named after its `code` in messages.
    func entry(_ item: Node, section: String, noun: String, known: [String]) -> Fields? {
        guard case let .mapping(m) = item else {
            reader.error(
                SettingsCode.wrongType,
                "each entry of `\(section)` must be a mapping, found \(YAMLReader.describe(item))",
                at: reader.range(item), help: "write each \(noun) as `- code: ...` followed by its keys")
            return nil
        }
        let codeNode = m["code"]
        let code = codeNode?.scalar.map(\.string).flatMap { $0.isEmpty ? nil : $0 }
        let owner = code.map { "\(noun) `\($0)`" } ?? "a \(noun)"
        guard var f = reader.fields(item, key: nil, keyName: section, owner: owner, known: known) else { return nil }
        if let codeNode, code != nil { f.anchor = reader.range(codeNode) }
        return f
    }

    /// The entry's code: letters, digits, `-` and `_`.
    func code(_ f: Fields) -> String? {
        guard let code = reader.text(f, "code"), let node = reader.valueNode(f, "code") else { return nil }
        guard code.count <= 32, code.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" }) else {
            reader.error(
                SettingsCode.invalidCode, "invalid code `\(code)`", at: reader.range(node),
                help: "codes use letters, digits, `-` and `_` only, at most 32 characters")
            return nil
        }
        return code
    }

    // MARK: identifiers

    func siren(_ f: Fields) -> String? {
        guard let raw = reader.text(f, "siren"), let node = reader.valueNode(f, "siren") else { return nil }
        let siren = raw.filter { $0 != " " }
        guard Identifiers.isValidSIREN(siren) else {
            let digitsOnly = siren.allSatisfy { $0.wholeNumberValueASCII != nil }
            let help =
                digitsOnly && siren.count == 9
                ? "the check digit is wrong (luhn): look for a mistyped or swapped digit"
                : "a siren has exactly 9 digits"
            reader.error(SettingsCode.invalidSIREN, "invalid siren `\(raw)`", at: reader.range(node), help: help)
            return nil
        }
        return siren
    }

    func vatNumber(_ f: Fields, siren: String?, required: Bool) -> String? {
        guard let raw = reader.text(f, "vat_number", required: required), let node = reader.valueNode(f, "vat_number")
        else { return nil }
        let vat = raw.filter { $0 != " " }
        if vat.hasPrefix("FR") {
            guard Identifiers.isValidFrenchVATNumber(vat) else {
                let suffix = String(vat.dropFirst(4))
                let help =
                    Identifiers.isValidSIREN(suffix)
                    ? "the key of `\(suffix)` is `\(Identifiers.frenchVATKey(siren: suffix) ?? "")`: the number is `\(Identifiers.frenchVATNumber(siren: suffix) ?? "")`"
                    : "a french vat number is `FR`, a 2-digit key, then the 9-digit siren"
                reader.error(
                    SettingsCode.invalidVATNumber, "invalid vat number `\(raw)`", at: reader.range(node), help: help)
                return nil
            }
            if let siren, Identifiers.siren(ofVATNumber: vat) != siren {
                reader.error(
                    SettingsCode.invalidVATNumber, "vat number `\(raw)` does not match siren `\(siren)`",
                    at: reader.range(node),
                    help: "the vat number of siren `\(siren)` is `\(Identifiers.frenchVATNumber(siren: siren) ?? "")`")
                return nil
            }
            return vat
        }
        let chars = Array(vat)
        guard chars.count >= 4, chars.count <= 14, chars[0].isUppercaseASCIILetter, chars[1].isUppercaseASCIILetter,
            chars[2...].allSatisfy({ $0.isASCIIAlphanumeric })
        else {
            reader.error(
                SettingsCode.invalidVATNumber, "invalid vat number `\(raw)`", at: reader.range(node),
                help: "a vat number starts with its country code, e.g. `FR40303265045`")
            return nil
        }
        return vat
    }

    func emails(_ f: Fields) -> [String]? {
        guard let list = reader.textList(f, "emails") else { return nil }
        if list.isEmpty, let (k, _) = f.entries["emails"] {
            reader.error(
                SettingsCode.emptyList, "\(f.owner) has no billing e-mail address", at: reader.range(k),
                help: "invoices are sent by e-mail: list at least one address under `emails`")
            return nil
        }
        var ok = true
        for (address, node) in list where !Identifiers.isValidEmail(address) {
            reader.error(
                SettingsCode.invalidEmail, "invalid e-mail address `\(address)`", at: reader.range(node),
                help: "write one address per entry, as `name@domain.fr`")
            ok = false
        }
        return ok ? list.map(\.0) : nil
    }

    func account(_ f: Fields, _ key: String, receivable: Bool) -> String? {
        guard let account = reader.text(f, key), let node = reader.valueNode(f, key) else { return nil }
        let valid: Bool
        if receivable {
            valid = account.hasPrefix("411") && account.count <= 20 && account.allSatisfy(\.isASCIIAlphanumeric)
        } else {
            valid =
                account.hasPrefix("7") && account.count >= 3 && account.count <= 20
                && account.allSatisfy { $0.wholeNumberValueASCII != nil }
        }
        guard valid else {
            let help =
                receivable
                ? "a receivable account starts with `411`, then letters or digits, e.g. `411ACME`"
                : "a revenue account is a class 7 account number, e.g. `706100`"
            reader.error(
                SettingsCode.invalidAccount, "invalid \(receivable ? "receivable" : "revenue") account `\(account)`",
                at: reader.range(node), help: help)
            return nil
        }
        return account
    }

    func address(_ f: Fields, required: Bool = true) -> Address? {
        guard let (k, v) = reader.node(f, "address") else {
            if required { reader.missing("address", in: f) }
            return nil
        }
        guard
            let a = reader.fields(
                v, key: k, keyName: "address", owner: "the address of \(f.owner)",
                known: Self.addressKeys)
        else { return nil }
        let lines = reader.textList(a, "lines")
        if let lines, lines.isEmpty, let (lk, _) = a.entries["lines"] {
            reader.error(
                SettingsCode.emptyList, "\(a.owner) has no street line", at: reader.range(lk),
                help: "write the street as `lines: [\"12 rue de la Paix\"]`")
        }
        let postcode = reader.text(a, "postcode")
        let city = reader.text(a, "city")
        var country: String? = "FR"
        if let c = reader.text(a, "country", required: false), let node = reader.valueNode(a, "country") {
            if c.count == 2, c.allSatisfy(\.isUppercaseASCIILetter) {
                country = c
            } else {
                reader.error(
                    SettingsCode.invalidCountry, "invalid country code `\(c)`", at: reader.range(node),
                    help: "write the two-letter iso code, e.g. `FR`")
                country = nil
            }
        }
        if country == "FR", let postcode, let node = reader.valueNode(a, "postcode"),
            !(postcode.count == 5 && postcode.allSatisfy({ $0.wholeNumberValueASCII != nil }))
        {
            reader.error(
                SettingsCode.invalidPostcode, "invalid french postcode `\(postcode)`", at: reader.range(node),
                help: "a french postcode has 5 digits; quote it to keep a leading zero, e.g. `\"06000\"`")
            return nil
        }
        guard let lines, !lines.isEmpty, let postcode, let city, let country else { return nil }
        return Address(lines: lines.map(\.0), postcode: postcode, city: city, countryCode: country)
    }

    // MARK: sections

    func parseSeller(_ f: Fields) -> Seller? {
        let legalName = reader.text(f, "legal_name")
        let siren = siren(f)
        let vat = vatNumber(f, siren: siren, required: true)
        let address = address(f)
        var iban: String?
        if let raw = reader.text(f, "iban"), let node = reader.valueNode(f, "iban") {
            let compact = raw.filter { $0 != " " }
            if Identifiers.isValidIBAN(compact) {
                iban = compact
            } else {
                reader.error(
                    SettingsCode.invalidIBAN, "invalid iban `\(raw)`", at: reader.range(node),
                    help: "copy the iban from the bank's rib; its check digits (mod 97) do not match")
            }
        }
        var bic: String?
        if let raw = reader.text(f, "bic"), let node = reader.valueNode(f, "bic") {
            if Identifiers.isValidBIC(raw) {
                bic = raw
            } else {
                reader.error(
                    SettingsCode.invalidBIC, "invalid bic `\(raw)`", at: reader.range(node),
                    help: "a bic has 8 or 11 characters: bank (4 letters), country (2 letters), place, branch")
            }
        }
        let penalty = reader.percentage(f, "late_payment_penalty_rate")
        let indemnity = reader.money(f, "recovery_indemnity", default: Money(cents: 4000))
        if let indemnity, indemnity != Money(cents: 4000), let node = reader.valueNode(f, "recovery_indemnity") {
            reader.warning(
                SettingsCode.unusualIndemnity, "recovery indemnity `\(indemnity)` is not the legal 40.00",
                at: reader.range(node), help: "french law sets the fixed recovery indemnity at 40.00 euros")
        }
        let discount = reader.text(f, "early_payment_discount")
        let debits = reader.bool(f, "vat_on_debits", default: false)
        // Legal form, share capital and RCS city: printed together, so given together.
        var legalBroken = false
        var legalForm: String?
        if let form = reader.text(f, "legal_form", required: false), let node = reader.valueNode(f, "legal_form") {
            if Self.legalForms.contains(form) {
                legalForm = form
            } else {
                legalBroken = true
                reader.error(
                    SettingsCode.invalidValue, "unknown legal form `\(form)`", at: reader.range(node),
                    help:
                        "write one of \(Self.legalForms.map { "`\($0)`" }.joined(separator: ", ")), as the company's kbis says"
                )
            }
        }
        var capital: Money?
        if reader.node(f, "share_capital") != nil {
            capital = reader.money(f, "share_capital")
            if capital == nil { legalBroken = true }
            if let c = capital, c <= .zero, let node = reader.valueNode(f, "share_capital") {
                legalBroken = true
                reader.error(
                    SettingsCode.invalidValue, "share capital `\(c)` must be more than zero", at: reader.range(node),
                    help: "write the capital in euros as the kbis states it, e.g. `share_capital: 150000.00`")
            }
        }
        var rcsCity: String?
        if let city = reader.text(f, "rcs_city", required: false), let node = reader.valueNode(f, "rcs_city") {
            if city.trimmingCharacters(in: .whitespaces).isEmpty || city.contains(where: \.isNumber) {
                legalBroken = true
                reader.error(
                    SettingsCode.invalidValue, "invalid rcs city `\(city)`", at: reader.range(node),
                    help:
                        "write the city of the registry court only, e.g. `rcs_city: Nanterre`; the number printed is the siren"
                )
            } else {
                rcsCity = city
            }
        }
        let legalKeys = ["legal_form", "share_capital", "rcs_city"]
        let given = legalKeys.filter { reader.node(f, $0) != nil }
        if !given.isEmpty && given.count < legalKeys.count {
            legalBroken = true
            for key in legalKeys where !given.contains(key) {
                reader.missing(
                    key, in: f,
                    help: "legal_form, share_capital and rcs_city are printed together "
                        + "(\"SAS au capital de 150 000 €, RCS Nanterre …\"): give all three")
            }
        }
        guard let legalName, let siren, let vat, let address, let iban, let bic, let penalty, let indemnity,
            let discount, let debits, !legalBroken
        else { return nil }
        var seller = Seller(
            legalName: legalName, siren: siren, vatNumber: vat, address: address, iban: iban, bic: bic,
            latePaymentPenaltyRate: penalty, recoveryIndemnity: indemnity, earlyPaymentDiscount: discount,
            vatOnDebits: debits)
        seller.legalForm = legalForm
        seller.shareCapital = capital
        seller.rcsCity = rcsCity
        return seller
    }

    /// A schedule: `courtesy_days_before` (0 or absent in an override: the default's), `after_due_days` ascending.
    func parseSchedule(_ f: Fields, base: ReminderSettings.Schedule) -> ReminderSettings.Schedule? {
        var s = base
        var broken = false
        if reader.node(f, "courtesy_days_before") != nil {
            guard let n = reader.integer(f, "courtesy_days_before", in: 0...60, example: 5) else { return nil }
            s.courtesyDaysBefore = n == 0 ? nil : n
        }
        if let items = reader.textList(f, "after_due_days", required: false) {
            var days: [Int] = []
            for (text, node) in items {
                guard let n = Int(text), (1...365).contains(n), n > (days.last ?? 0) else {
                    reader.error(
                        SettingsCode.invalidValue,
                        "`after_due_days` must be whole numbers of days from 1 to 365 in ascending order, found `\(text)`",
                        at: reader.range(node), help: "write e.g. `after_due_days: [7, 21, 45]`")
                    broken = true
                    continue
                }
                days.append(n)
            }
            s.afterDueDays = days
        }
        if let enabled = reader.bool(f, "enabled", default: true), reader.node(f, "enabled") != nil {
            s.enabled = enabled
        }
        return broken ? nil : s
    }

    /// `reminders:`: the default schedule, per-client overrides, templates, the finance address.
    func parseReminders(_ f: Fields) -> ReminderSettings? {
        var settings = ReminderSettings.standard
        var broken = false
        let parsed = parseSchedule(f, base: settings.schedule)
        if parsed == nil { broken = true }
        let schedule = parsed ?? settings.schedule
        settings.schedule = schedule
        if let email = reader.text(f, "finance_email", required: false), let node = reader.valueNode(f, "finance_email")
        {
            if email.contains("@"), !email.contains(" ") {
                settings.financeEmail = email
            } else {
                reader.error(
                    SettingsCode.invalidEmail, "invalid e-mail address `\(email)` for `finance_email`",
                    at: reader.range(node),
                    help: "write an address such as `finance@serenest.example`")
                broken = true
            }
        }
        settings.courtesySubject = reader.text(f, "courtesy_subject", required: false)
        settings.courtesyBody = reader.text(f, "courtesy_body", required: false)
        settings.reminderSubject = reader.text(f, "reminder_subject", required: false)
        settings.reminderBody = reader.text(f, "reminder_body", required: false)
        for item in reader.list(f, "clients", required: false) ?? [] {
            guard
                let e = entry(
                    item, section: "reminders: clients", noun: "client's reminders", known: Self.reminderClientKeys),
                let code = reader.text(e, "code")
            else { broken = true; continue }
            guard let s = parseSchedule(e, base: schedule) else { broken = true; continue }
            settings.clients[code] = s
        }
        return broken ? nil : settings
    }

    /// `limits:`: the largest line HT and document TTC; what is not written keeps its default.
    func parseLimits(_ f: Fields) -> AmountLimits? {
        var limits = AmountLimits.standard
        var broken = false
        for (key, keyPath) in [
            ("max_line_ht", \AmountLimits.maxLineHT), ("max_document_ttc", \AmountLimits.maxDocumentTTC)
        ] {
            guard reader.node(f, key) != nil else { continue }
            guard let m = reader.money(f, key), let node = reader.valueNode(f, key) else { broken = true; continue }
            guard m.cents > 0 else {
                reader.error(
                    SettingsCode.invalidValue, "`\(key)` must be an amount above 0, found `\(m)`",
                    at: reader.range(node),
                    help: "write e.g. `\(key): \(limits[keyPath: keyPath])`")
                broken = true
                continue
            }
            limits[keyPath: keyPath] = m
        }
        return broken ? nil : limits
    }

    /// The sales journal and its accounts; what is not written keeps its default.
    func parseAccounting(_ f: Fields) -> AccountingSettings? {
        var settings = AccountingSettings.standard
        var broken = false
        func generalAccount(_ key: String, classPrefix: String, example: String) -> String? {
            guard let text = reader.text(f, key, required: false), let node = reader.valueNode(f, key) else {
                return nil
            }
            guard Self.isGeneralAccount(text, prefix: classPrefix) else {
                reader.error(
                    SettingsCode.invalidAccount, "invalid account `\(text)` for `\(key)`", at: reader.range(node),
                    help:
                        "an account of the french chart: digits (then letters or digits), starting with `\(classPrefix)`, e.g. `\(example)`"
                )
                broken = true
                return nil
            }
            return text
        }
        if let journal = reader.text(f, "journal", required: false), let node = reader.valueNode(f, "journal") {
            if journal.count <= 10, !journal.isEmpty, journal.allSatisfy(\.isASCIIAlphanumeric) {
                settings.journalCode = journal
            } else {
                reader.error(
                    SettingsCode.invalidCode, "invalid journal code `\(journal)`", at: reader.range(node),
                    help: "a journal code is a few letters or digits, e.g. `VT`")
                broken = true
            }
        }
        if let label = reader.text(f, "journal_label", required: false) { settings.journalLabel = label }
        if let account = generalAccount("customer_account", classPrefix: "411", example: "411000") {
            settings.customerAccount = account
        }
        if let account = generalAccount("bank_account", classPrefix: "5", example: "512000") {
            settings.bankAccount = account
        }
        if let account = generalAccount("suspense_account", classPrefix: "47", example: "471000") {
            settings.suspenseAccount = account
        }
        if let journal = reader.text(f, "bank_journal", required: false), let node = reader.valueNode(f, "bank_journal")
        {
            if journal.count <= 10, !journal.isEmpty, journal.allSatisfy(\.isASCIIAlphanumeric) {
                settings.bankJournalCode = journal
            } else {
                reader.error(
                    SettingsCode.invalidCode, "invalid journal code `\(journal)`", at: reader.range(node),
                    help: "a journal code is a few letters or digits, e.g. `BQ`")
                broken = true
            }
        }
        if let label = reader.text(f, "bank_journal_label", required: false) { settings.bankJournalLabel = label }
        if let journal = reader.text(f, "vat_journal", required: false), let node = reader.valueNode(f, "vat_journal") {
            if journal.count <= 10, !journal.isEmpty, journal.allSatisfy(\.isASCIIAlphanumeric) {
                settings.vatJournalCode = journal
            } else {
                reader.error(
                    SettingsCode.invalidCode, "invalid journal code `\(journal)`", at: reader.range(node),
                    help: "a journal code is a few letters or digits, e.g. `OD`")
                broken = true
            }
        }
        if let label = reader.text(f, "vat_journal_label", required: false) { settings.vatJournalLabel = label }
        if let account = generalAccount("default_revenue_account", classPrefix: "7", example: "706000") {
            settings.defaultRevenueAccount = account
        }
        if let items = reader.list(f, "output_vat_accounts", required: false) {
            var accounts: [Percentage: String] = [:]
            for item in items {
                guard
                    let e = entry(
                        item, section: "output_vat_accounts", noun: "output VAT account", known: Self.vatAccountKeys)
                else {
                    broken = true
                    continue
                }
                let rate = reader.percentage(e, "rate")
                let account = reader.text(e, "account")
                if let r = rate, !Self.frenchVATRates.contains(r) || r == .zero, let node = reader.valueNode(e, "rate")
                {
                    reader.error(
                        SettingsCode.invalidVATRate, "invalid vat rate `\(r)` for an output VAT account",
                        at: reader.range(node),
                        help: "french vat rates with a tax to post are 20, 10, 5.5 and 2.1 (percent)")
                    broken = true
                    continue
                }
                if let a = account, !Self.isGeneralAccount(a, prefix: "4457"), let node = reader.valueNode(e, "account")
                {
                    reader.error(
                        SettingsCode.invalidAccount, "invalid output VAT account `\(a)`", at: reader.range(node),
                        help: "output VAT accounts start with `4457`, e.g. `445711`")
                    broken = true
                    continue
                }
                if let rate, let account { accounts[rate] = account } else { broken = true }
            }
            settings.outputVATAccounts = accounts
        }
        if let items = reader.list(f, "pending_vat_accounts", required: false) {
            var accounts: [Percentage: String] = [:]
            for item in items {
                guard
                    let e = entry(
                        item, section: "pending_vat_accounts", noun: "pending VAT account", known: Self.vatAccountKeys)
                else {
                    broken = true
                    continue
                }
                let rate = reader.percentage(e, "rate")
                let account = reader.text(e, "account")
                if let r = rate, !Self.frenchVATRates.contains(r) || r == .zero, let node = reader.valueNode(e, "rate")
                {
                    reader.error(
                        SettingsCode.invalidVATRate, "invalid vat rate `\(r)` for a pending VAT account",
                        at: reader.range(node),
                        help: "french vat rates with a tax to post are 20, 10, 5.5 and 2.1 (percent)")
                    broken = true
                    continue
                }
                // The pending account must differ from the output one, or a payment's move would post nothing.
                if let a = account, let node = reader.valueNode(e, "account"),
                    !Self.isGeneralAccount(a, prefix: "4457") || settings.outputVATAccounts.values.contains(a)
                {
                    reader.error(
                        SettingsCode.invalidAccount, "invalid pending VAT account `\(a)`", at: reader.range(node),
                        help:
                            "a pending VAT account (VAT on receipts) starts with `4457` and is not an output VAT account, e.g. `445741`"
                    )
                    broken = true
                    continue
                }
                if let rate, let account { accounts[rate] = account } else { broken = true }
            }
            settings.pendingVATAccounts = accounts
        }
        return broken ? nil : settings
    }

    /// An account of the french chart: digits first (its class and sub-accounts), then letters or digits, at most 20.
    static func isGeneralAccount(_ text: String, prefix: String) -> Bool {
        text.hasPrefix(prefix) && text.count >= 3 && text.count <= 20 && text.allSatisfy(\.isASCIIAlphanumeric)
            && text.prefix(3).allSatisfy { $0.wholeNumberValueASCII != nil }
    }

    func parseSMTP(_ f: Fields) -> SMTPSettings? {
        let host = reader.text(f, "host")
        let port = reader.integer(f, "port", in: 1...65535, default: 587)
        let startTLS = reader.bool(f, "starttls", default: true)
        let username = reader.text(f, "username", required: false)
        var passwordEnv: String?
        var passwordBroken = false
        if let name = reader.text(f, "password_env", required: false), let node = reader.valueNode(f, "password_env") {
            let chars = Array(name)
            if let first = chars.first, first == "_" || first.isUppercaseASCIILetter,
                chars.allSatisfy({ $0 == "_" || $0.isUppercaseASCIILetter || $0.wholeNumberValueASCII != nil })
            {
                passwordEnv = name
            } else {
                reader.error(
                    SettingsCode.invalidEnvironmentVariable, "invalid environment variable name `\(name)`",
                    at: reader.range(node),
                    help:
                        "name the variable holding the password, e.g. `ARDOISE_SMTP_PASSWORD`; never write the password here"
                )
                passwordBroken = true
            }
        }
        var from: String?
        if let address = reader.text(f, "from"), let node = reader.valueNode(f, "from") {
            if Identifiers.isValidEmail(address) {
                from = address
            } else {
                reader.error(
                    SettingsCode.invalidEmail, "invalid e-mail address `\(address)`", at: reader.range(node),
                    help: "write the sender address as `facturation@domain.fr`")
            }
        }
        let connect = reader.integer(f, "connect_timeout", in: 1...600, default: SMTPSettings.defaultConnectTimeout)
        let command = reader.integer(f, "command_timeout", in: 1...600, default: SMTPSettings.defaultCommandTimeout)
        let message = reader.integer(f, "message_timeout", in: 1...3600, default: SMTPSettings.defaultMessageTimeout)
        let deadline = reader.integer(f, "run_deadline", in: 1...86400, default: SMTPSettings.defaultRunDeadline)
        guard let host, let port, let startTLS, !passwordBroken, let from, let connect, let command, let message,
            let deadline
        else { return nil }
        return SMTPSettings(
            host: host, port: port, startTLS: startTLS, username: username,
            passwordEnvironmentVariable: passwordEnv, fromAddress: from, connectTimeoutSeconds: connect,
            commandTimeoutSeconds: command, messageTimeoutSeconds: message, runDeadlineSeconds: deadline)
    }

    func parseSeries(_ f: Fields) -> (NumberSeries, Origin)? {
        let code = code(f)
        let prefix = reader.text(f, "prefix")
        let width = reader.integer(f, "width", in: 1...20, example: 6)
        let type = reader.choice(f, "document_type", DocumentKind.self, what: "document type")
        var prefixOK = true
        if let prefix, let bad = prefix.first(where: { !Identifiers.isInvoiceNumberCharacter($0) }),
            let node = reader.valueNode(f, "prefix")
        {
            reader.error(
                SettingsCode.invalidNumberSeries,
                "prefix `\(prefix)` has the character `\(bad)`, not allowed in invoice numbers",
                at: reader.range(node), help: "invoice numbers use only `A-Z a-z 0-9 + - _ /`")
            prefixOK = false
        }
        guard let code, let prefix, prefixOK, let width, let type, let codeNode = reader.valueNode(f, "code") else {
            return nil
        }
        if prefix.count + width > 35, let node = reader.valueNode(f, "width") {
            reader.error(
                SettingsCode.invalidNumberSeries,
                "numbers of series `\(code)` would have \(prefix.count + width) characters, more than 35",
                at: reader.range(node),
                help: "shorten the prefix or the width: an e-invoice number has at most 35 characters")
            return nil
        }
        return (NumberSeries(code: code, prefix: prefix, width: width, documentType: type), origin(codeNode))
    }

    func parseRevenueType(_ f: Fields) -> (RevenueType, Origin, articleOrigins: [Origin])? {
        let code = code(f)
        let label = reader.text(f, "label")
        let activity = reader.choice(f, "activity", Activity.self, what: "activity")
        let kind = reader.choice(f, "kind", RevenueKind.self, what: "revenue kind")
        let articles = reader.textList(f, "article_codes", required: false) ?? []
        let account = account(f, "revenue_account", receivable: false)
        var rate = reader.percentage(f, "vat_rate")
        if let r = rate, !Self.frenchVATRates.contains(r), let node = reader.valueNode(f, "vat_rate") {
            reader.error(
                SettingsCode.invalidVATRate, "invalid vat rate `\(r)`", at: reader.range(node),
                help: "french vat rates are 20, 10, 5.5, 2.1 and 0 (percent)")
            rate = nil
        }
        // Goods or services (default): the documents' operation category follows from it.
        var nature: OperationNature? = .services
        if reader.node(f, "nature") != nil { nature = reader.choice(f, "nature", OperationNature.self, what: "nature") }
        guard let code, let label, let activity, let kind, let account, let rate, let nature,
            let codeNode = reader.valueNode(f, "code")
        else { return nil }
        var type = RevenueType(
            code: code, label: label, activity: activity, kind: kind, articleCodes: articles.map(\.0),
            revenueAccount: account, vatRate: rate)
        type.nature = nature
        return (type, origin(codeNode), articles.map { origin($0.1) })
    }

    func parseSite(_ f: Fields) -> (Site, Origin)? {
        let code = code(f)
        let name = reader.text(f, "name")
        let address = address(f, required: false)
        let addressBroken = reader.node(f, "address") != nil && address == nil
        let calendar = siteCalendar(f)
        guard let code, let name, !addressBroken, let calendar, let codeNode = reader.valueNode(f, "code") else {
            return nil
        }
        return (Site(code: code, name: name, address: address, calendar: calendar), origin(codeNode))
    }

    /// `open_days: [monday, …]` (default Monday to Friday) and `closed: [2026-11-11, 2026-12-24..2027-01-01]`;
    /// nil (with diagnostics at each wrong value) when one is wrong.
    func siteCalendar(_ f: Fields) -> SiteCalendar? {
        var calendar = SiteCalendar()
        var broken = false
        if reader.node(f, "open_days") != nil, let days = reader.textList(f, "open_days", required: false) {
            var weekdays: Set<Int> = []
            for (text, node) in days {
                let name = text.lowercased()
                if let i = SiteCalendar.weekdayNames.firstIndex(where: { $0 == name || $0.prefix(3) == name }) {
                    weekdays.insert(i + 1)
                } else {
                    broken = true
                    reader.error(
                        SettingsCode.invalidValue, "`\(text)` is not a day of the week in `open_days` of \(f.owner)",
                        at: reader.range(node),
                        help:
                            "write English day names, e.g. `open_days: [monday, tuesday, wednesday, thursday, friday]`")
                }
            }
            if days.isEmpty, let (k, _) = f.entries["open_days"] {
                broken = true
                reader.error(
                    SettingsCode.emptyList, "`open_days` of \(f.owner) is empty", at: reader.range(k),
                    help:
                        "list the days the site opens, e.g. `open_days: [monday, tuesday, wednesday, thursday, friday]`"
                )
            }
            calendar.openWeekdays = weekdays
        }
        if reader.node(f, "closed") != nil, let closed = reader.textList(f, "closed", required: false) {
            for (text, node) in closed {
                if let p = Period(parsing: text), text.count == 10 || text.contains("..") {
                    calendar.closures.append(p)
                } else {
                    broken = true
                    reader.error(
                        SettingsCode.invalidValue,
                        "`\(text)` is not a day or a range of days in `closed` of \(f.owner)",
                        at: reader.range(node),
                        help: "write days as `2026-11-11` and ranges as `2026-12-24..2027-01-01`")
                }
            }
        }
        return broken ? nil : calendar
    }

    func references(_ f: Fields, _ key: String) -> [Reference]? {
        guard let list = reader.textList(f, key) else { return nil }
        var seen: [String: Node] = [:]
        for (code, node) in list {
            if let first = seen[code] {
                reader.warning(
                    SettingsCode.listedTwice, "`\(code)` is listed twice in `\(key)` of \(f.owner)",
                    at: reader.range(node), help: "remove the second `\(code)`",
                    notes: [.init("first listed at \(reader.position(first))")])
            } else {
                seen[code] = node
            }
        }
        return list.map { Reference(code: $0.0, origin: origin($0.1)) }
    }

    func parseClient(_ f: Fields) -> ClientEntry? {
        let code = code(f)
        let legalName = reader.text(f, "legal_name")
        let siren = siren(f)
        let vat = vatNumber(f, siren: siren, required: false)
        let vatBroken = reader.node(f, "vat_number") != nil && vat == nil
        let address = address(f)
        let emails = emails(f)
        let account = account(f, "receivable_account", receivable: true)
        let sites = references(f, "sites")
        if let sites, sites.isEmpty, let (k, _) = f.entries["sites"] {
            reader.error(
                SettingsCode.emptyList, "\(f.owner) has no site", at: reader.range(k),
                help: "list the codes of the sites its diners use, e.g. `sites: [LD01]`")
        }
        let categories = references(f, "diner_categories")
        let revenueTypes = references(f, "revenue_types")
        if let revenueTypes, revenueTypes.isEmpty, let (k, _) = f.entries["revenue_types"] {
            reader.warning(
                SettingsCode.noRevenueTypes, "\(f.owner) has no revenue type", at: reader.range(k),
                help:
                    "list what the client buys, e.g. `revenue_types: [SUBV, DROIT]`, so the contract linter can check it is all billed"
            )
        }
        var payers: [(Payer, Origin)] = []
        var payersBroken = false
        for item in reader.list(f, "payers", required: false) ?? [] {
            guard let pf = entry(item, section: "payers", noun: "payer", known: Self.payerKeys),
                let payer = parsePayer(pf)
            else {
                payersBroken = true
                continue
            }
            payers.append(payer)
        }
        guard let code, let legalName, let siren, !vatBroken, let address, let emails, let account,
            let sites, !sites.isEmpty, let categories, let revenueTypes, !payersBroken,
            let codeNode = reader.valueNode(f, "code")
        else { return nil }
        let client = Client(
            code: code, legalName: legalName, siren: siren, vatNumber: vat, address: address,
            emails: emails, receivableAccount: account, sites: sites.map(\.code),
            dinerCategories: categories.map(\.code), revenueTypes: revenueTypes.map(\.code),
            payers: payers.map(\.0))
        return ClientEntry(
            client: client, origin: origin(codeNode), siteReferences: sites,
            revenueTypeReferences: revenueTypes, payerOrigins: payers.map(\.1))
    }

    func parsePayer(_ f: Fields) -> (Payer, Origin)? {
        let code = code(f)
        let legalName = reader.text(f, "legal_name")
        let siren = siren(f)
        let vat = vatNumber(f, siren: siren, required: false)
        let vatBroken = reader.node(f, "vat_number") != nil && vat == nil
        let address = address(f)
        let emails = emails(f)
        let account = account(f, "receivable_account", receivable: true)
        guard let code, let legalName, let siren, !vatBroken, let address, let emails, let account,
            let codeNode = reader.valueNode(f, "code")
        else { return nil }
        return (
            Payer(
                code: code, legalName: legalName, siren: siren, vatNumber: vat, address: address, emails: emails,
                receivableAccount: account), origin(codeNode)
        )
    }

    func parseIndexSeries(_ f: Fields) -> (IndexSeries, Origin)? {
        let code = code(f)
        let label = reader.text(f, "label")
        var values: [Month: IndexValue] = [:]
        var broken = false
        if let (k, v) = reader.node(f, "values") ?? f.entries["values"] {
            if case let .mapping(m) = v {
                for (mk, mv) in m {
                    let key = mk.scalar?.string ?? ""
                    guard let month = Month(key) else {
                        reader.error(
                            SettingsCode.invalidMonth, "invalid month `\(key)` in \(f.owner)", at: reader.range(mk),
                            help: "write months as `YYYY-MM`, e.g. `2025-09: 118.2`")
                        broken = true
                        continue
                    }
                    guard case let .scalar(s) = mv, let value = IndexValue(s.string), value.tenThousandths > 0 else {
                        let raw = mv.scalar?.string ?? YAMLReader.describe(mv)
                        reader.error(
                            SettingsCode.invalidIndexValue, "invalid value `\(raw)` for `\(key)` in \(f.owner)",
                            at: reader.range(mv),
                            help: "write the published value, positive, with at most 4 decimals, e.g. `118.2`")
                        broken = true
                        continue
                    }
                    values[month] = value
                }
            } else {
                reader.wrongType(
                    v, key: k, keyName: "values", expected: "a mapping of months to values",
                    example: "values: { 2025-09: 118.2 }")
                broken = true
            }
        } else {
            reader.missing("values", in: f)
            broken = true
        }
        guard let code, let label, !broken, let codeNode = reader.valueNode(f, "code") else { return nil }
        // The months missing between the first and the last value: one warning for the series, the
        // months listed as runs (`2025-01..2025-12`), not one warning per month.
        let months = values.keys.sorted()
        var runs: [(first: Month, last: Month)] = []
        var missing = 0
        if var month = months.first, let last = months.last {
            while month < last {
                if values[month] == nil {
                    missing += 1
                    if let run = runs.last, run.last.next == month {
                        runs[runs.count - 1].last = month
                    } else {
                        runs.append((month, month))
                    }
                }
                month = month.next
            }
        }
        if let firstRun = runs.first {
            let listed = runs.map { $0.first == $0.last ? "`\($0.first)`" : "`\($0.first)..\($0.last)`" }.joined(
                separator: ", ")
            reader.warning(
                SettingsCode.indexGap,
                "\(f.owner) has no value for \(missing == 1 ? "" : "\(missing) months: ")\(listed)",
                at: reader.range(codeNode),
                help:
                    "add \(missing == 1 ? "`\(firstRun.first): ...`" : "them") under `values`; a price revision needing one would fail"
            )
        }
        return (IndexSeries(code: code, label: label, values: values), origin(codeNode))
    }
}
