import BillingModel

/// The *fichier des écritures comptables* of article A47 A-1 of the Livre des
/// procédures fiscales: one line per entry line, the 18 columns in their
/// legal order, a header line, tab-separated, dates `YYYYMMDD`, amounts with
/// a decimal comma and no thousands separator, debit and credit in their own
/// columns. Amounts are in euros, so `Montantdevise` and `Idevise` stay empty.
public enum FEC {
    public static let columns = [
        "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
        "CompAuxLib",
        "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet", "ValidDate",
        "Montantdevise",
        "Idevise"
    ]
    public static let separator: Character = "\t"

    /// `<SIREN>FEC<YYYYMMDD>.txt`, the date being the closing date of the period exported.
    public static func fileName(siren: String, closingDate: Day) -> String { "\(siren)FEC\(closingDate.compact).txt" }

    /// `1234,50`: the FEC's amount form.
    public static func amount(_ money: Money) -> String {
        DecimalText.format(money.cents, scale: 2, minimumFraction: 2, decimalSeparator: ",")
    }

    /// The file's text (UTF-8, lines ending with CR LF as accounting software expects).
    public static func text(
        _ entries: [JournalEntry], lettering: (JournalEntry, EntryLine) -> (code: String, date: Day)? = { _, _ in nil }
    ) -> String {
        var out = columns.joined(separator: String(separator)) + "\r\n"
        for entry in entries {
            for line in entry.lines {
                let letter = lettering(entry, line)
                let fields = [
                    entry.journal, entry.journalLabel, String(entry.number), entry.date.compact,
                    line.account, line.accountLabel, line.auxiliaryAccount ?? "", line.auxiliaryLabel ?? "",
                    entry.pieceReference, entry.pieceDate.compact, line.label,
                    amount(line.debit), amount(line.credit), letter?.code ?? "", letter?.date.compact ?? "",
                    entry.validationDate.compact, "", ""
                ]
                out += fields.map(clean).joined(separator: String(separator)) + "\r\n"
            }
        }
        return out
    }

    /// The file's bytes in ISO 8859-15 (Latin-9), the 8-bit character set article A47 A-1 allows beside ASCII
    /// (it has `€`, `œ`, `Œ`, `Ÿ` that Latin-1 lacks). A character it lacks (a typographic apostrophe `’`, a
    /// narrow no-break space) is refused, naming the file's line, the column and the character: the label is to
    /// be corrected where it comes from, never replaced silently in the legal file.
    public static func latin9(_ text: String) throws(FECCharacterError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var line = 1, column = 0
        for scalar in text.unicodeScalars {
            if scalar == "\n" { line += 1; column = 0 }
            if scalar == "\t" { column += 1 }
            guard let byte = latin9Byte(scalar) else {
                throw FECCharacterError(
                    line: line, column: column < columns.count ? columns[column] : "?", character: scalar)
            }
            out.append(byte)
        }
        return out
    }

    /// The ISO 8859-15 byte of a Unicode scalar, nil when Latin-9 lacks it (and for the C1 controls).
    static func latin9Byte(_ s: Unicode.Scalar) -> UInt8? {
        switch s.value {
        case 0..<0x80: return UInt8(s.value)
        case 0x20AC: return 0xA4
        case 0x0160: return 0xA6
        case 0x0161: return 0xA8
        case 0x017D: return 0xB4
        case 0x017E: return 0xB8
        case 0x0152: return 0xBC
        case 0x0153: return 0xBD
        case 0x0178: return 0xBE
        case 0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE: return nil  // Latin-1's, replaced in Latin-9
        case 0xA0...0xFF: return UInt8(s.value)
        default: return nil
        }
    }

    /// A field never holds the separator or a line break.
    static func clean(_ field: String) -> String {
        guard field.contains(where: { $0 == separator || $0.isNewline || $0 == "|" }) else { return field }
        return String(field.map { $0 == separator || $0.isNewline || $0 == "|" ? " " : $0 })
    }
}

/// A character of a FEC that ISO 8859-15 lacks: where it is and which, to correct at its source.
public struct FECCharacterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's line, 1 being the header.
    public var line: Int
    public var column: String
    public var character: Unicode.Scalar
    public init(line: Int, column: String, character: Unicode.Scalar) {
        self.line = line
        self.column = column
        self.character = character
    }
    public var description: String {
        let code = String(character.value, radix: 16, uppercase: true)
        return
            "the FEC is written in ISO 8859-15, which has no `\(character)` (U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code)): "
            + "line \(line), column \(column); correct the label where it comes from (settings or document)"
    }
}

/// A semicolon-separated layout that the common French accounting packages
/// import as "écritures" (one row per entry line, with a header):
/// `journal;date;piece;account;auxiliary;label;debit;credit;entry`, dates
/// `DD/MM/YYYY`, amounts with a decimal comma.
public enum EntriesCSV {
    public static let columns = [
        "journal", "date", "piece", "account", "auxiliary", "label", "debit", "credit", "entry"
    ]

    public static func text(_ entries: [JournalEntry]) -> String {
        var out = columns.joined(separator: ";") + "\r\n"
        for entry in entries {
            for line in entry.lines {
                let fields = [
                    entry.journal, entry.date.french, entry.pieceReference, line.account, line.auxiliaryAccount ?? "",
                    line.label, FEC.amount(line.debit), FEC.amount(line.credit), String(entry.number)
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
