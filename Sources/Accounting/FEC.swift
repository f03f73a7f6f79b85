import BillingModel

/// The *fichier des écritures comptables* of article A47 A-1 of the Livre des
/// procédures fiscales: one line per entry line, the 18 columns in their
/// legal order, a header line, tab-separated, dates `YYYYMMDD`, amounts with
/// a decimal comma and no thousands separator, debit and credit in their own
/// columns. Amounts are in euros, so `Montantdevise` and `Idevise` stay empty.
public enum FEC {
    public static let columns = [
        "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum", "CompAuxLib",
        "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate", "Montantdevise",
        "Idevise",
    ]
    public static let separator: Character = "\t"

    /// `<SIREN>FEC<YYYYMMDD>.txt`, the date being the closing date of the period exported.
    public static func fileName(siren: String, closingDate: Day) -> String { "\(siren)FEC\(closingDate.compact).txt" }

    /// `1234,50`: the FEC's amount form.
    public static func amount(_ money: Money) -> String {
        DecimalText.format(money.cents, scale: 2, minimumFraction: 2, decimalSeparator: ",")
    }

    /// The file's text (UTF-8, lines ending with CR LF as accounting software expects).
    public static func text(_ entries: [JournalEntry], lettering: (JournalEntry, EntryLine) -> (code: String, date: Day)? = { _, _ in nil }) -> String {
        var out = columns.joined(separator: String(separator)) + "\r\n"
        for entry in entries {
            for line in entry.lines {
                let letter = lettering(entry, line)
                let fields = [
                    entry.journal, entry.journalLabel, String(entry.number), entry.date.compact,
                    line.account, line.accountLabel, line.auxiliaryAccount ?? "", line.auxiliaryLabel ?? "",
                    entry.pieceReference, entry.pieceDate.compact, line.label,
                    amount(line.debit), amount(line.credit), letter?.code ?? "", letter?.date.compact ?? "",
                    entry.validationDate.compact, "", "",
                ]
                out += fields.map(clean).joined(separator: String(separator)) + "\r\n"
            }
        }
        return out
    }

    /// A field never holds the separator or a line break.
    static func clean(_ field: String) -> String {
        guard field.contains(where: { $0 == separator || $0.isNewline || $0 == "|" }) else { return field }
        return String(field.map { $0 == separator || $0.isNewline || $0 == "|" ? " " : $0 })
    }
}

/// A semicolon-separated layout that the common French accounting packages
/// import as "écritures" (one row per entry line, with a header):
/// `journal;date;piece;account;auxiliary;label;debit;credit;entry`, dates
/// `DD/MM/YYYY`, amounts with a decimal comma.
public enum EntriesCSV {
    public static let columns = ["journal", "date", "piece", "account", "auxiliary", "label", "debit", "credit", "entry"]

    public static func text(_ entries: [JournalEntry]) -> String {
        var out = columns.joined(separator: ";") + "\r\n"
        for entry in entries {
            for line in entry.lines {
                let fields = [
                    entry.journal, entry.date.french, entry.pieceReference, line.account, line.auxiliaryAccount ?? "",
                    line.label, FEC.amount(line.debit), FEC.amount(line.credit), String(entry.number),
                ]
                out += fields.map(quote).joined(separator: ";") + "\r\n"
            }
        }
        return out
    }

    /// RFC 4180 quoting when a field holds `;`, a quote or a line break.
    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == ";" || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.flatMap { $0 == "\"" ? "\"\"" : String($0) } + "\""
    }
}
