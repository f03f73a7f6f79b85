import BillingModel
import Foundation
import Ledger
#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A bank statement that cannot be read: the file, and the entry when one is at fault.
public struct StatementError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
}

/// Reads the credits of a bank statement: ISO 20022 camt.053 (001.02 to
/// 001.08: the elements used are the same) or the CSV of received payments
/// (`reference;date;amount;debtor;iban;remittance`, documented in README).
public enum BankStatements {
    public static func read(file: String) throws -> [BankCredit] {
        // The size is checked before a byte is read: a statement is a day's or a month's entries, never hundreds of MB.
        let size = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
        if size > ImportBounds.maximumStatementBytes {
            throw StatementError(
                file: file,
                message: "is \(size) bytes, over the \(ImportBounds.maximumStatementBytes >> 20) MiB "
                    + "a bank statement may have: nothing read; ask the bank for one statement per day or per account")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw StatementError(file: file, message: "cannot be read")
        }
        return try read(data, file: file)
    }

    /// The credits of a statement's bytes, whichever format they are (no ledger needed).
    public static func read(_ data: Data, file: String) throws -> [BankCredit] {
        // A byte-order mark before the XML (some banks write one) does not make the statement a CSV file.
        let head = String(decoding: data.prefix(512), as: UTF8.self).trimmingCharacters(
            in: CharacterSet.whitespacesAndNewlines.union(["\u{FEFF}"]))
        if head.hasPrefix("<") { return try camt053(data, file: file) }
        return try csv(data, file: file)
    }

    // MARK: camt.053

    /// The credits (`CdtDbtInd` CRDT, status BOOK) of a camt.053 document;
    /// debits are not payments received and are left out. One credit per
    /// entry (`Ntry`): its reference is `AcctSvcrRef` (else `NtryRef`), the
    /// debtor the first transaction's, the remittance all transactions' text.
    public static func camt053(_ data: Data, file: String) throws -> [BankCredit] {
        // FoundationXML traps on an element name that is not UTF-8 (found by `.ci/fuzz`): ISO 20022
        // messages are UTF-8, so any other byte is refused, at its line, before the parser sees it.
        if let line = firstInvalidUTF8Line(data) {
            throw StatementError(file: file, message: "line \(line): not UTF-8 (ISO 20022 statements are UTF-8)")
        }
        // FoundationXML crashes on a processing instruction without data (`<?x?>`, found by `.ci/fuzz --long`). A statement
        // has none but its XML declaration: any other is refused, at its line, before the parser sees it.
        if let line = firstProcessingInstructionLine(data) {
            throw StatementError(
                file: file,
                message: "line \(line): a processing instruction (`<?…?>`) other than the XML declaration "
                    + "is not part of an ISO 20022 statement: nothing imported")
        }
        let parser = XMLParser(data: data)
        let collector = CamtCollector()
        parser.delegate = collector
        parser.shouldProcessNamespaces = true
        guard parser.parse() else {
            let e = parser.parserError.map { "\($0.localizedDescription)" } ?? "not well-formed"
            let entry =
                collector.current.map { ", inside entry \(collector.entries.count + 1) (opened at line \($0.line))" }
                ?? ""
            throw StatementError(
                file: file, message: "line \(parser.lineNumber): malformed XML (\(e))\(entry): nothing imported")
        }
        // A file cut short is not a shorter statement: every element opened must be closed.
        if !collector.path.isEmpty {
            let inside =
                collector.current.map { " inside entry \(collector.entries.count + 1) (opened at line \($0.line))" }
                ?? ""
            throw StatementError(
                file: file,
                message: "line \(parser.lineNumber): malformed XML, the file ends\(inside) with "
                    + "<\(collector.path.joined(separator: "><"))> not closed: truncated, nothing imported")
        }
        guard collector.sawDocument else {
            throw StatementError(file: file, message: "not a camt.053 statement (no BkToCstmrStmt element)")
        }
        guard let version = collector.namespace.flatMap(camtVersion), supportedVersions.contains(version) else {
            throw StatementError(
                file: file,
                message: "namespace `\(collector.namespace ?? "")` is not camt.053.001.02 to "
                    + "camt.053.001.08, the versions read: nothing imported")
        }
        var out: [BankCredit] = []
        for (i, e) in collector.entries.enumerated() {
            let ref = e.acctSvcrRef ?? e.ntryRef
            let name = "entry \(i + 1)\(ref.map { " (\($0))" } ?? "") at line \(e.line)"
            guard let indicator = e.cdtDbt else { throw StatementError(file: file, message: "\(name): no CdtDbtInd") }
            guard indicator == "CRDT" || indicator == "DBIT" else {
                throw StatementError(file: file, message: "\(name): CdtDbtInd `\(indicator)` is neither CRDT nor DBIT")
            }
            guard let amountText = e.amount, let amount = Money(amountText), amount.cents > 0 else {
                throw StatementError(file: file, message: "\(name): invalid or missing Amt `\(e.amount ?? "")`")
            }
            if let ccy = e.currency, ccy != "EUR" {
                throw StatementError(file: file, message: "\(name): amount in \(ccy), only EUR is accepted")
            }
            // Booked entries are payments; pending and information-only ones are not yet. Anything else is not understood.
            guard let status = e.status, ["BOOK", "PDNG", "INFO"].contains(status) else {
                throw StatementError(
                    file: file, message: "\(name): status (Sts) `\(e.status ?? "")` is not BOOK, PDNG or INFO")
            }
            guard indicator == "CRDT", status == "BOOK" else { continue }
            guard let ref, !ref.isEmpty else {
                throw StatementError(file: file, message: "\(name): no AcctSvcrRef nor NtryRef")
            }
            for (field, value) in [
                ("AcctSvcrRef/NtryRef", ref), ("Dbtr/Nm", e.debtor ?? ""), ("DbtrAcct/IBAN", e.iban ?? "")
            ] {
                if let fault = ControlCharacters.fault(field, value) {
                    throw StatementError(file: file, message: "\(name): \(fault)")
                }
            }
            for text in e.remittance {
                if let fault = ControlCharacters.fault("RmtInf", text, allowingLineBreaks: true) {
                    throw StatementError(file: file, message: "\(name): \(fault)")
                }
            }
            guard let dateText = e.bookingDate, let day = Day(iso: dateText.prefix(10)) else {
                throw StatementError(
                    file: file, message: "\(name): invalid or missing BookgDt `\(e.bookingDate ?? "")`")
            }
            var credit = BankCredit(
                reference: ref, bookingDate: day, amount: amount, debtorName: e.debtor, debtorIBAN: e.iban,
                remittance: e.remittance.joined(separator: " "))
            credit.origin = "entry \(i + 1) at line \(e.line)"
            out.append(credit)
        }
        return out
    }

    /// camt.053.001.02 (`<Sts>BOOK</Sts>`) to camt.053.001.08 (`<Sts><Cd>BOOK</Cd></Sts>`).
    public static let supportedVersions = 2...8

    /// 8 for `urn:iso:std:iso:20022:tech:xsd:camt.053.001.08`; nil for another namespace.
    static func camtVersion(_ namespace: String) -> Int? {
        let prefix = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."
        guard namespace.hasPrefix(prefix) else { return nil }
        let digits = namespace.dropFirst(prefix.count)
        guard digits.count == 2, digits.allSatisfy(\.isASCII) else { return nil }
        return Int(digits)
    }

    final class CamtCollector: NSObject, XMLParserDelegate {
        struct Entry {
            var line = 0
            var ntryRef: String?, acctSvcrRef: String?, amount: String?, currency: String?, cdtDbt: String?,
                status: String?
            var bookingDate: String?, debtor: String?, iban: String?
            var remittance: [String] = []
        }
        var path: [String] = []
        var text = ""
        var entries: [Entry] = []
        var current: Entry?
        var sawDocument = false
        /// The namespace of the root element (the camt.053 version).
        var namespace: String?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if path.isEmpty, namespace == nil { namespace = namespaceURI ?? "" }
            path.append(name)
            text = ""
            if name == "BkToCstmrStmt" { sawDocument = true }
            if name == "Ntry" { current = Entry(line: parser.lineNumber) }
            if name == "Amt", path.dropLast().last == "Ntry" { current?.currency = attributes["Ccy"] }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let parent = path.dropLast().last ?? ""
            if current != nil, let ntry = path.lastIndex(of: "Ntry") {
                let inside = Array(path[(ntry + 1)...])
                switch inside {
                case ["NtryRef"]: current?.ntryRef = value
                case ["AcctSvcrRef"]: current?.acctSvcrRef = value
                case ["Amt"]: current?.amount = value
                case ["CdtDbtInd"]: current?.cdtDbt = value
                case ["Sts"]: if !value.isEmpty { current?.status = value }
                case ["Sts", "Cd"], ["Sts", "Prtry"]: current?.status = value
                case ["BookgDt", "Dt"], ["BookgDt", "DtTm"]: current?.bookingDate = value
                default:
                    if name == "Nm", parent == "Dbtr", current?.debtor == nil { current?.debtor = value }
                    if name == "IBAN", path.contains("DbtrAcct"), current?.iban == nil { current?.iban = value }
                    if path.contains("RmtInf"), name == "Ustrd" || name == "Ref", !value.isEmpty {
                        current?.remittance.append(value)
                    }
                }
            }
            if name == "Ntry", let c = current {
                entries.append(c)
                current = nil
            }
            path.removeLast()
            text = ""
        }
    }

    // MARK: CSV

    /// The line of the first byte sequence that is not UTF-8, or nil when all of `data` is.
    /// The line of the first `<?` that is not the XML declaration at the very start (after a byte-order mark and blanks).
    static func firstProcessingInstructionLine(_ data: Data) -> Int? {
        let bytes = [UInt8](data)
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        let declaration = Array("<?xml".utf8)
        var line = 1
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0x0A { line += 1 }
            if bytes[i] == 0x3C, bytes[i + 1] == 0x3F {
                let isDeclaration =
                    i == start && bytes[i...].starts(with: declaration)
                    && (i + 5 < bytes.count && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i + 5]))
                if !isDeclaration { return line }
            }
            i += 1
        }
        return nil
    }

    static func firstInvalidUTF8Line(_ data: Data) -> Int? {
        var decoder = UTF8()
        var bytes = data.makeIterator()
        var line = 1
        while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
            case .emptyInput: return nil
            case .error: return line
            }
        }
    }

    public static let csvColumns = ["reference", "date", "amount", "debtor", "iban", "remittance"]

    /// `reference;date;amount;debtor;iban;remittance`, a header line, UTF-8,
    /// dates `YYYY-MM-DD` or `DD/MM/YYYY`, amounts `1234.56` or `1234,56`
    /// (positive: payments received), fields quoted with `"` when needed.
    public static func csv(_ data: Data, file: String) throws -> [BankCredit] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw StatementError(file: file, message: "not UTF-8")
        }
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false
        ).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { throw StatementError(file: file, message: "empty file") }
        let names = fields(header).map { $0.lowercased() }
        guard names == csvColumns else {
            throw StatementError(
                file: file,
                message: "line 1: the header must be `\(csvColumns.joined(separator: ";"))`, found `\(header)`")
        }
        var out: [BankCredit] = []
        for (i, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let f = fields(line)
            let at = "line \(i + 1)"
            guard f.count == csvColumns.count else {
                throw StatementError(file: file, message: "\(at): \(f.count) fields, expected \(csvColumns.count)")
            }
            for (column, value) in zip(csvColumns, f) {
                if let fault = ControlCharacters.fault(column, value) {
                    throw StatementError(file: file, message: "\(at): \(fault)")
                }
            }
            let ref = f[0].trimmingCharacters(in: .whitespaces)
            guard !ref.isEmpty else { throw StatementError(file: file, message: "\(at): empty reference") }
            guard let day = Day(iso: f[1]) ?? Day(french: f[1]) else {
                throw StatementError(
                    file: file, message: "\(at) (\(ref)): invalid date `\(f[1])`, expected YYYY-MM-DD or DD/MM/YYYY")
            }
            let amountText = f[2].replacingOccurrences(of: ",", with: ".")
            guard let amount = Money(amountText), amount.cents > 0 else {
                throw StatementError(
                    file: file,
                    message: "\(at) (\(ref)): invalid amount `\(f[2])`, expected a positive amount such as 1234,56")
            }
            var credit = BankCredit(
                reference: ref, bookingDate: day, amount: amount, debtorName: f[3].isEmpty ? nil : f[3],
                debtorIBAN: f[4].isEmpty ? nil : f[4], remittance: f[5])
            credit.origin = at
            out.append(credit)
        }
        return out
    }

    static func fields(_ line: String) -> [String] {
        var out: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars = chars.dropFirst() } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == ";" {
                out.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        out.append(field)
        return out
    }
}
