import Foundation

/// An independent reading of a FEC file against article A47 A-1 of the Livre
/// des procédures fiscales, written from the rules and not from the writer:
/// it parses text, never Ardoise's values.
struct FECChecker {
    static let columns = [
        "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
        "CompAuxLib",
        "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate",
        "Montantdevise",
        "Idevise"
    ]
    static let mandatory = [
        "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "PieceRef",
        "PieceDate", "EcritureLib", "Debit", "Credit", "ValidDate"
    ]

    struct Row {
        var line: Int
        var fields: [String: String]
        var debitCents: Int
        var creditCents: Int
    }

    var problems: [String] = []
    var rows: [Row] = []

    /// Checks `text`; `firstDay`/`lastDay` as `YYYYMMDD` bound every entry date.
    init(text: String, firstDay: String, lastDay: String) {
        let lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard let header = lines.first else { problems.append("empty file"); return }
        let separator: Character = header.contains("\t") ? "\t" : "|"
        if header.split(separator: separator, omittingEmptySubsequences: false).map(String.init) != Self.columns {
            problems.append("header is not the 18 columns in order: \(header)")
        }
        for (index, line) in lines.dropFirst().enumerated() {
            let number = index + 2
            let parts = line.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 18 else { problems.append("line \(number): \(parts.count) fields, not 18"); continue }
            var fields: [String: String] = [:]
            for (name, value) in zip(Self.columns, parts) { fields[name] = value }
            for name in Self.mandatory where (fields[name] ?? "").isEmpty {
                problems.append("line \(number): \(name) is empty")
            }
            for name in ["EcritureDate", "PieceDate", "ValidDate"] {
                let d = fields[name] ?? ""
                if !Self.isDate(d) { problems.append("line \(number): \(name) `\(d)` is not YYYYMMDD") }
            }
            if let d = fields["EcritureDate"], d < firstDay || d > lastDay {
                problems.append("line \(number): EcritureDate \(d) outside \(firstDay)–\(lastDay)")
            }
            if (fields["CompAuxNum"] ?? "").isEmpty != (fields["CompAuxLib"] ?? "").isEmpty {
                problems.append("line \(number): CompAuxNum and CompAuxLib go together")
            }
            if !(fields["CompAuxNum"] ?? "").isEmpty, !(fields["CompteNum"] ?? "").hasPrefix("411") {
                problems.append(
                    "line \(number): an auxiliary account under `\(fields["CompteNum"] ?? "")`, not the collective 411")
            }
            let debit = Self.cents(fields["Debit"] ?? ""), credit = Self.cents(fields["Credit"] ?? "")
            guard let debit, let credit else {
                problems.append(
                    "line \(number): Debit/Credit `\(fields["Debit"] ?? "")`/`\(fields["Credit"] ?? "")` are not amounts with a decimal comma"
                )
                continue
            }
            if (debit == 0) == (credit == 0) {
                problems.append("line \(number): one of Debit and Credit, and only one, holds the amount")
            }
            if (fields["EcritureNum"].flatMap { Int($0) }) == nil {
                problems.append("line \(number): EcritureNum is not a number")
            }
            rows.append(Row(line: number, fields: fields, debitCents: debit, creditCents: credit))
        }
        var byEntry: [String: [Row]] = [:]
        var numbersByJournal: [String: Set<Int>] = [:]
        var journalBalance: [String: Int] = [:]
        for r in rows {
            let journal = r.fields["JournalCode"] ?? ""
            let num = r.fields["EcritureNum"] ?? ""
            byEntry[journal + "/" + num, default: []].append(r)
            if let n = Int(num) { numbersByJournal[journal, default: []].insert(n) }
            journalBalance[journal, default: 0] += r.debitCents - r.creditCents
        }
        for (key, entryRows) in byEntry {
            let balance = entryRows.reduce(0) { $0 + $1.debitCents - $1.creditCents }
            if balance != 0 { problems.append("entry \(key) does not balance (\(balance) cents)") }
            if Set(entryRows.map { $0.fields["EcritureDate"] ?? "" }).count > 1 {
                problems.append("entry \(key) has several dates")
            }
            if Set(entryRows.map { $0.fields["PieceRef"] ?? "" }).count > 1 {
                problems.append("entry \(key) has several pieces")
            }
        }
        for (journal, balance) in journalBalance where balance != 0 {
            problems.append("journal \(journal) does not balance (\(balance) cents)")
        }
        for (journal, numbers) in numbersByJournal {
            if let low = numbers.min(), let high = numbers.max(), numbers.count != high - low + 1 {
                problems.append("journal \(journal): entry numbers \(low)…\(high) have gaps")
            }
        }
        problems.sort()
    }

    static func isDate(_ text: String) -> Bool {
        guard text.count == 8, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) else { return false }
        let y = Int(text.prefix(4)) ?? 0, m = Int(text.dropFirst(4).prefix(2)) ?? 0, d = Int(text.suffix(2)) ?? 0
        var c = DateComponents()
        c.year = y; c.month = m; c.day = d
        return (1...12).contains(m) && (1...31).contains(d) && Calendar(identifier: .gregorian).date(from: c) != nil
            && Calendar(identifier: .gregorian).dateComponents(
                [.day], from: Calendar(identifier: .gregorian).date(from: c) ?? Date()
            ).day == d
    }

    /// `1234,50` → 123450; nil when not digits, a comma and two digits.
    static func cents(_ text: String) -> Int? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].count == 2,
            parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
            let units = Int(parts[0]), let fraction = Int(parts[1])
        else { return nil }
        return units * 100 + fraction
    }

    /// Debit minus credit of the lines on `account` (or on accounts starting with it).
    func balance(accountPrefix: String) -> Int {
        rows.filter { ($0.fields["CompteNum"] ?? "").hasPrefix(accountPrefix) }.reduce(0) {
            $0 + $1.debitCents - $1.creditCents
        }
    }
}
