import BillingModel
import Diagnostics
import Foundation

/// Loads the settings from one or more YAML files, merges them and checks
/// every cross-reference; all faults come back as diagnostics.
public enum SettingsLoader {
    /// Reads, parses, merges and checks `files` (e.g. settings.yaml, clients.yaml,
    /// indices.yaml). Returns the settings only when there is no error.
    public static func load(files: [String]) -> (MasterData?, [Diagnostic]) {
        let (sources, readErrors) = readSources(files: files)
        let (settings, diagnostics) = load(sources: sources)
        return (readErrors.isEmpty ? settings : nil, readErrors + diagnostics)
    }

    /// Reads the files as text, for `load(sources:)` and for the renderer's excerpts.
    public static func readSources(files: [String]) -> ([SourceFile], [Diagnostic]) {
        var sources: [SourceFile] = []
        var diagnostics: [Diagnostic] = []
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                diagnostics.append(
                    .error(
                        SettingsCode.unreadableFile, "cannot read settings file `\(path)`", file: path,
                        range: nil, help: "check that the file exists and is readable"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(
                    .error(
                        SettingsCode.unreadableFile, "settings file `\(path)` is not utf-8 text",
                        file: path, range: nil, help: "save the file as utf-8"))
                continue
            }
            sources.append(SourceFile(path: path, text: text))
        }
        return (sources, diagnostics)
    }

    /// Parses, merges and checks settings already read; the paths of the
    /// sources are the names printed in diagnostics.
    public static func load(sources: [SourceFile]) -> (MasterData?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var fragments: [SettingsFragment] = []
        for source in sources {
            let reader = YAMLReader(source: source)
            fragments.append(SettingsFileParser(reader: reader).parse())
            diagnostics += reader.diagnostics
        }
        var merger = Merger(firstFile: sources.first?.path ?? "settings")
        let settings = merger.merge(fragments)
        diagnostics += merger.diagnostics
        return (diagnostics.hasErrors ? nil : settings, diagnostics)
    }
}

/// Merges the fragments of several files: each code once across all files,
/// each single section (seller, time zone, currency, smtp) in one file only.
struct Merger {
    let firstFile: String
    var diagnostics: [Diagnostic] = []

    init(firstFile: String) { self.firstFile = firstFile }

    mutating func single<T>(_ values: [(T, Origin)], key: String) -> T? {
        guard let first = values.first else { return nil }
        for (_, origin) in values.dropFirst() {
            diagnostics.append(
                .error(
                    SettingsCode.definedTwice, "`\(key)` is defined in more than one place",
                    file: origin.file, range: origin.range, help: "keep one `\(key)` section",
                    notes: [.init("first defined at \(first.1.position)")]))
        }
        return first.0
    }

    /// Keeps the first definition of each code and reports the others.
    mutating func unique<T>(
        _ items: [(T, Origin)], code: (T) -> String, noun: String,
        seen: inout [String: Origin]
    ) -> [T] {
        var kept: [T] = []
        for (item, origin) in items {
            let c = code(item)
            if let first = seen[c] {
                diagnostics.append(
                    .error(
                        SettingsCode.duplicateCode, "duplicate \(noun) code `\(c)`", file: origin.file,
                        range: origin.range, help: "give each \(noun) its own code, or remove one of the two",
                        notes: [.init("`\(c)` is first defined at \(first.position)")]))
            } else {
                seen[c] = origin
                kept.append(item)
            }
        }
        return kept
    }

    mutating func merge(_ fragments: [SettingsFragment]) -> MasterData? {
        let seller = single(fragments.compactMap(\.seller), key: "seller")
        let timeZone = single(fragments.compactMap(\.timeZone), key: "time_zone") ?? "Europe/Paris"
        let currency = single(fragments.compactMap(\.currency), key: "currency") ?? "EUR"
        let smtp = single(fragments.compactMap(\.smtp), key: "smtp")
        let accountingEntry = fragments.compactMap(\.accounting).first
        let accounting = single(fragments.compactMap(\.accounting), key: "accounting") ?? .standard
        let reminders = single(fragments.compactMap(\.reminders), key: "reminders") ?? .standard
        let limits = single(fragments.compactMap(\.limits), key: "limits") ?? .standard
        let platform = single(fragments.compactMap(\.platform), key: "platform")

        var seen: [String: Origin] = [:]
        let series = unique(fragments.flatMap(\.numberSeries), code: \.code, noun: "number series", seen: &seen)
        seen = [:]
        let revenueEntries = fragments.flatMap(\.revenueTypes)
        let revenueTypes = unique(revenueEntries.map { ($0.0, $0.1) }, code: \.code, noun: "revenue type", seen: &seen)
        seen = [:]
        let sites = unique(fragments.flatMap(\.sites), code: \.code, noun: "site", seen: &seen)
        seen = [:]
        let indices = unique(fragments.flatMap(\.indexSeries), code: \.code, noun: "index", seen: &seen)

        // Clients and their payers are all billed customers: one namespace.
        seen = [:]
        var clients: [Client] = []
        var clientPlaces: [String: SettingsPlace] = [:]
        let entries = fragments.flatMap(\.clients)
        for entry in entries {
            if clientPlaces[entry.client.code] == nil {
                clientPlaces[entry.client.code] = SettingsPlace(file: entry.origin.file, range: entry.origin.range)
            }
            let kept = unique([(entry.client, entry.origin)], code: \.code, noun: "client", seen: &seen)
            let payers = unique(
                Array(zip(entry.client.payers, entry.payerOrigins)), code: \.code, noun: "client",
                seen: &seen)
            if var client = kept.first {
                client.payers = payers
                clients.append(client)
            }
        }

        // An article code must lead to one revenue type, or imports cannot classify it.
        var articles: [String: (String, Origin)] = [:]
        for (type, _, origins) in revenueEntries {
            for (article, origin) in zip(type.articleCodes, origins) {
                if let (other, first) = articles[article] {
                    diagnostics.append(
                        .error(
                            SettingsCode.duplicateArticleCode,
                            "article code `\(article)` belongs to revenue types `\(other)` and `\(type.code)`",
                            file: origin.file, range: origin.range,
                            help: "an article code must belong to one revenue type only",
                            notes: [.init("first listed at \(first.position)")]))
                } else {
                    articles[article] = (type.code, origin)
                }
            }
        }

        // A file that could not be parsed may hold the missing pieces: say nothing about them.
        if fragments.contains(where: \.isBroken) { return nil }

        let siteCodes = sites.map(\.code), typeCodes = revenueTypes.map(\.code)
        let customerCodes = entries.flatMap { [$0.client.code] + $0.client.payers.map(\.code) }
        for ref in fragments.flatMap(\.reminderCustomers) where !customerCodes.contains(ref.code) {
            diagnostics.append(
                .error(
                    SettingsCode.unknownCustomer, "unknown client or payer `\(ref.code)` in `reminders: clients`",
                    file: ref.origin.file, range: ref.origin.range,
                    help: DidYouMean.suggest(ref.code, among: customerCodes).map { "did you mean `\($0)`?" }
                        ?? "write the code of a client or payer of the settings"))
        }
        for entry in entries {
            for ref in entry.siteReferences where !siteCodes.contains(ref.code) {
                diagnostics.append(
                    .error(
                        SettingsCode.unknownSite, "unknown site `\(ref.code)` for client `\(entry.client.code)`",
                        file: ref.origin.file, range: ref.origin.range,
                        help: DidYouMean.suggest(ref.code, among: siteCodes).map { "did you mean `\($0)`?" }
                            ?? "define site `\(ref.code)` under `sites:` or correct the code"))
            }
            for ref in entry.revenueTypeReferences where !typeCodes.contains(ref.code) {
                diagnostics.append(
                    .error(
                        SettingsCode.unknownRevenueType,
                        "unknown revenue type `\(ref.code)` for client `\(entry.client.code)`",
                        file: ref.origin.file, range: ref.origin.range,
                        help: DidYouMean.suggest(ref.code, among: typeCodes).map { "did you mean `\($0)`?" }
                            ?? "define revenue type `\(ref.code)` under `revenue_types:` or correct the code"))
            }
        }

        // Every VAT rate a revenue type bills at must have its output VAT account, or its invoices cannot be posted.
        for (type, origin, _) in revenueEntries
        where type.vatRate != .zero && accounting.outputVATAccounts[type.vatRate] == nil {
            let at = accountingEntry?.1 ?? origin
            diagnostics.append(
                .error(
                    SettingsCode.missingVATAccount,
                    "no output VAT account for \(type.vatRate) %, the rate of revenue type `\(type.code)`",
                    file: at.file, range: at.range,
                    help:
                        "add `- rate: \(type.vatRate)` with its `account` (e.g. 44571x) under `accounting: output_vat_accounts:`"
                ))
        }

        // VAT on receipts: every rate a service is billed at needs its pending account, or its invoices cannot be posted.
        if seller?.vatOnDebits == false {
            for (type, origin, _) in revenueEntries
            where type.nature == .services && type.vatRate != .zero
                && accounting.pendingVATAccounts[type.vatRate] == nil
            {
                let at = accountingEntry?.1 ?? origin
                diagnostics.append(
                    .error(
                        SettingsCode.missingPendingVATAccount,
                        "no pending VAT account for \(type.vatRate) %, the rate of service `\(type.code)` (VAT on receipts)",
                        file: at.file, range: at.range,
                        help:
                            "add `- rate: \(type.vatRate)` with its `account` (e.g. 44574x) under `accounting: pending_vat_accounts:`, or set `seller: vat_on_debits: true`"
                    ))
            }
        }

        for type in DocumentKind.allCases where !series.contains(where: { $0.documentType == type }) {
            let name = type == .invoice ? "invoices" : "credit notes"
            diagnostics.append(
                .warning(
                    SettingsCode.missingNumberSeries, "no number series for \(name)", file: firstFile,
                    range: nil,
                    help: "add an entry with `document_type: \(type.rawValue)` under `number_series:`"))
        }

        guard let seller else {
            // Only worth saying when no file has a seller section: a faulty one has its own errors.
            if !fragments.contains(where: \.hasSellerSection) {
                diagnostics.append(
                    .error(
                        SettingsCode.missingSeller, "no `seller` in the settings", file: firstFile,
                        range: nil, help: "add a `seller:` section with the legal identity of the issuer"))
            }
            return nil
        }
        var settings = MasterData(
            seller: seller, timeZone: timeZone, currency: currency, numberSeries: series,
            revenueTypes: revenueTypes, sites: sites, clients: clients, indexSeries: indices, smtp: smtp,
            accounting: accounting)
        settings.reminders = reminders
        settings.limits = limits
        settings.platform = platform
        settings.clientPlaces = clientPlaces
        return settings
    }
}
