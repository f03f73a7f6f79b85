/// Checks of the identifiers French invoices carry: SIREN, intra-EU VAT
/// numbers, IBAN, BIC, e-mail addresses, invoice numbers.
///
/// Each check is pure and returns whether the text is acceptable, so the
/// loader can point at the faulty value and the billing engine can re-check.
public enum Identifiers {
    /// A SIREN: exactly 9 digits whose Luhn checksum is 0.
    public static func isValidSIREN(_ text: String) -> Bool {
        let digits = text.compactMap(\.wholeNumberValueASCII)
        guard text.count == 9, digits.count == 9 else { return false }
        return luhn(digits)
    }

    /// The Luhn checksum over decimal digits (rightmost digit not doubled).
    public static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (i, d) in digits.reversed().enumerated() {
            if i % 2 == 1 {
                let doubled = d * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += d
            }
        }
        return sum % 10 == 0
    }

    /// The two-digit key of a French VAT number for a SIREN: `(12 + 3 × (SIREN mod 97)) mod 97`.
    public static func frenchVATKey(siren: String) -> String? {
        guard siren.count == 9, let n = Int(siren) else { return nil }
        let key = (12 + 3 * (n % 97)) % 97
        return key < 10 ? "0\(key)" : String(key)
    }

    /// The French VAT number of a SIREN, `FR` + key + SIREN.
    public static func frenchVATNumber(siren: String) -> String? {
        frenchVATKey(siren: siren).map { "FR\($0)\(siren)" }
    }

    /// A French VAT number, `FR` + 2 key digits + a valid SIREN, whose key matches.
    public static func isValidFrenchVATNumber(_ text: String) -> Bool {
        guard text.count == 13, text.hasPrefix("FR") else { return false }
        let key = String(text.dropFirst(2).prefix(2))
        let siren = String(text.dropFirst(4))
        guard isValidSIREN(siren), let expected = frenchVATKey(siren: siren) else { return false }
        return key == expected
    }

    /// The SIREN inside a French VAT number (its last nine characters).
    public static func siren(ofVATNumber text: String) -> String { String(text.suffix(9)) }

    /// Lengths of IBANs by country for the countries Serenest's banks use;
    /// other countries are checked by checksum only (15 to 34 characters).
    static let ibanLengths: [String: Int] = [
        "FR": 27, "MC": 27, "BE": 16, "LU": 20, "DE": 22, "ES": 24, "IT": 27, "NL": 18, "CH": 21, "GB": 22
    ]

    /// An IBAN (spaces allowed): country letters, 2 check digits, alphanumerics,
    /// the country's length, and `mod 97 == 1` (ISO 13616).
    public static func isValidIBAN(_ text: String) -> Bool {
        let compact = text.filter { $0 != " " }
        let chars = Array(compact)
        guard chars.count >= 15, chars.count <= 34,
            chars[0].isUppercaseASCIILetter, chars[1].isUppercaseASCIILetter,
            chars[2].wholeNumberValueASCII != nil, chars[3].wholeNumberValueASCII != nil,
            chars.allSatisfy({ $0.isUppercaseASCIILetter || $0.wholeNumberValueASCII != nil })
        else { return false }
        if let length = ibanLengths[String(chars[0...1])], length != chars.count { return false }
        let rearranged = chars[4...] + chars[0..<4]
        var remainder = 0
        for c in rearranged {
            if let d = c.wholeNumberValueASCII {
                remainder = (remainder * 10 + d) % 97
            } else if let a = c.asciiValue {
                let v = Int(a) - 55  // A = 10 ... Z = 35
                remainder = (remainder * 100 + v) % 97
            }
        }
        return remainder == 1
    }

    /// A BIC (ISO 9362): 4 letters (bank), 2 letters (country), 2 alphanumerics
    /// (location), optionally 3 alphanumerics (branch).
    public static func isValidBIC(_ text: String) -> Bool {
        let c = Array(text)
        guard c.count == 8 || c.count == 11 else { return false }
        let alnum: (Character) -> Bool = { $0.isUppercaseASCIILetter || $0.wholeNumberValueASCII != nil }
        return c[0..<6].allSatisfy(\.isUppercaseASCIILetter) && c[6...].allSatisfy(alnum)
    }

    /// A plain e-mail address, `local@domain.tld`: what invoices are sent to.
    /// Deliberately stricter than RFC 5322 (no quoted parts, no comments).
    public static func isValidEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last,
            !local.isEmpty, local.count <= 64, domain.count <= 253
        else { return false }
        let localAllowed = "!#$%&'*+/=?^_`{|}~-."
        guard local.allSatisfy({ $0.isASCIIAlphanumeric || localAllowed.contains($0) }),
            local.first != ".", local.last != ".", !local.contains("..")
        else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != "-", label.last != "-",
                label.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" })
            else { return false }
        }
        return labels.last.map { $0.count >= 2 && $0.allSatisfy(\.isLetter) } ?? false
    }

    /// The characters an e-invoice number may use (EN 16931 / French rules).
    public static func isInvoiceNumberCharacter(_ c: Character) -> Bool {
        c.isASCIIAlphanumeric || c == "+" || c == "-" || c == "_" || c == "/"
    }

    /// An e-invoice number: 1 to 35 characters of `A-Z a-z 0-9 + - _ /`.
    public static func isValidInvoiceNumber(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 35 && text.allSatisfy(isInvoiceNumberCharacter)
    }
}

extension Character {
    var wholeNumberValueASCII: Int? {
        guard let a = asciiValue, a >= 48, a <= 57 else { return nil }
        return Int(a - 48)
    }
    var isUppercaseASCIILetter: Bool {
        guard let a = asciiValue else { return false }
        return a >= 65 && a <= 90
    }
    var isASCIIAlphanumeric: Bool {
        guard let a = asciiValue else { return false }
        return (a >= 48 && a <= 57) || (a >= 65 && a <= 90) || (a >= 97 && a <= 122)
    }
}
