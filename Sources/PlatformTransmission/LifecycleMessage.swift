import BillingModel
import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A life-cycle status as a CDAR message (UN/CEFACT Cross Domain Acknowledgement And Response, D22B), in the shape
/// of the French CDV: the referenced invoice, the status code (`ProcessConditionCode`), its reasons and, for
/// Encaissée (212), the amount collected (`SpecifiedDocumentCharacteristic` `MEN`).
public struct LifecycleMessage: Sendable, Hashable {
    public struct Reason: Sendable, Hashable, Codable {
        public var reasonCode: String
        public var reasonMessage: String
        public init(reasonCode: String, reasonMessage: String) {
            self.reasonCode = reasonCode
            self.reasonMessage = reasonMessage
        }
    }

    /// The message's own identifier.
    public var id: String
    /// The invoice it is about (its number) and that invoice's issue date (`YYYY-MM-DD`).
    public var invoiceNumber: String
    public var invoiceIssueDate: String?
    /// `380` invoice, `381` credit note.
    public var invoiceTypeCode: String
    /// `200` … `213`.
    public var statusCode: String
    public var statusName: String
    public var reasons: [Reason]
    /// Cents, Encaissée only (negative: a reversal).
    public var amountCents: Int64?
    /// The SIREN of the seller (who issued the invoice).
    public var sellerSIREN: String?
    /// `YYYYMMDDHHMMSS`, UTC.
    public var issuedAt: String

    public init(
        id: String, invoiceNumber: String, invoiceIssueDate: String?, invoiceTypeCode: String = "380",
        statusCode: String,
        statusName: String, reasons: [Reason] = [], amountCents: Int64? = nil, sellerSIREN: String?, issuedAt: String
    ) {
        self.id = id
        self.invoiceNumber = invoiceNumber
        self.invoiceIssueDate = invoiceIssueDate
        self.invoiceTypeCode = invoiceTypeCode
        self.statusCode = statusCode
        self.statusName = statusName
        self.reasons = reasons
        self.amountCents = amountCents
        self.sellerSIREN = sellerSIREN
        self.issuedAt = issuedAt
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;"
        )
        .replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `-12.34` from cents, exactly.
    public static func amountText(_ cents: Int64) -> String { amount(cents) }

    /// `1500.00`, `-0.05`: the amount as `Money` writes it (two decimals, a point, no grouping).
    static func amount(_ cents: Int64) -> String { Money(cents: cents).description }

    /// The message as XML bytes.
    public var xml: [UInt8] {
        let e = Self.escape
        var s = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rsm:CrossDomainAcknowledgementAndResponse xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100" \
            xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" \
            xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100" \
            xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100">
            <rsm:ExchangedDocumentContext>
            <ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>REGULATED</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter>
            <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn.cpro.gouv.fr:1p0:CDV:invoice</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
            </rsm:ExchangedDocumentContext>
            <rsm:ExchangedDocument>
            <ram:ID>\(e(id))</ram:ID>
            <ram:IssueDateTime><udt:DateTimeString format="204">\(e(issuedAt))</udt:DateTimeString></ram:IssueDateTime>

            """
        if let siren = sellerSIREN {
            s +=
                "<ram:SenderTradeParty><ram:GlobalID schemeID=\"0002\">\(e(siren))</ram:GlobalID><ram:RoleCode>SE</ram:RoleCode></ram:SenderTradeParty>\n"
        }
        s += """
            </rsm:ExchangedDocument>
            <rsm:AcknowledgementDocument>
            <ram:MultipleReferencesIndicator><udt:Indicator>false</udt:Indicator></ram:MultipleReferencesIndicator>
            <ram:TypeCode>305</ram:TypeCode>
            <ram:IssueDateTime><udt:DateTimeString format="204">\(e(issuedAt))</udt:DateTimeString></ram:IssueDateTime>
            <ram:ReferenceReferencedDocument>
            <ram:IssuerAssignedID>\(e(invoiceNumber))</ram:IssuerAssignedID>
            <ram:TypeCode>\(e(invoiceTypeCode))</ram:TypeCode>

            """
        if let d = invoiceIssueDate {
            s +=
                "<ram:FormattedIssueDateTime><qdt:DateTimeString format=\"102\">\(e(d.replacingOccurrences(of: "-", with: "")))</qdt:DateTimeString></ram:FormattedIssueDateTime>\n"
        }
        s +=
            "<ram:ProcessConditionCode>\(e(statusCode))</ram:ProcessConditionCode>\n<ram:ProcessCondition>\(e(statusName))</ram:ProcessCondition>\n"
        if !reasons.isEmpty || amountCents != nil {
            s += "<ram:SpecifiedDocumentStatus>\n"
            for r in reasons {
                s +=
                    "<ram:ReasonCode>\(e(r.reasonCode))</ram:ReasonCode>\n<ram:Reason>\(e(r.reasonMessage))</ram:Reason>\n"
            }
            if let amountCents {
                s +=
                    "<ram:SpecifiedDocumentCharacteristic><ram:TypeCode>MEN</ram:TypeCode>"
                    + "<ram:ValueAmount currencyID=\"EUR\">\(Self.amount(amountCents))</ram:ValueAmount></ram:SpecifiedDocumentCharacteristic>\n"
            }
            s += "</ram:SpecifiedDocumentStatus>\n"
        }
        s +=
            "</ram:ReferenceReferencedDocument>\n</rsm:AcknowledgementDocument>\n</rsm:CrossDomainAcknowledgementAndResponse>\n"
        return Array(s.utf8)
    }

    /// Reads a CDAR message (the referenced invoice, the status code, the reasons, an amount); nil when it names
    /// no invoice or no status.
    public static func read(_ bytes: [UInt8]) -> LifecycleMessage? {
        let reader = Reader()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        guard parser.parse(), let number = reader.values["IssuerAssignedID"],
            let code = reader.values["ProcessConditionCode"]
        else { return nil }
        var reasons: [Reason] = []
        for (i, c) in reader.reasonCodes.enumerated() {
            reasons.append(
                Reason(reasonCode: c, reasonMessage: i < reader.reasonTexts.count ? reader.reasonTexts[i] : ""))
        }
        var cents: Int64?
        if let a = reader.values["ValueAmount"] {
            let negative = a.hasPrefix("-")
            let parts = a.trimmingCharacters(in: CharacterSet(charactersIn: "-+")).split(
                separator: ".", omittingEmptySubsequences: false)
            if let whole = Int64(parts[0]), whole < 1_000_000_000_000 {
                let fraction =
                    parts.count > 1
                    ? String(parts[1].prefix(2)).padding(toLength: 2, withPad: "0", startingAt: 0) : "00"
                if let f = Int64(fraction) { cents = (whole * 100 + f) * (negative ? -1 : 1) }
            }
        }
        return LifecycleMessage(
            id: reader.values["ID"] ?? "", invoiceNumber: number, invoiceIssueDate: reader.values["FormattedDate"],
            invoiceTypeCode: reader.values["TypeCode"] ?? "380", statusCode: code,
            statusName: reader.values["ProcessCondition"] ?? "", reasons: reasons, amountCents: cents,
            sellerSIREN: nil, issuedAt: reader.values["IssueDateTime"] ?? "")
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var path: [String] = []
        var text = ""
        var values: [String: String] = [:]
        var reasonCodes: [String] = []
        var reasonTexts: [String] = []

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            path.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let inReference = path.contains("ReferenceReferencedDocument")
            switch name {
            case "IssuerAssignedID", "ProcessConditionCode", "ProcessCondition", "ValueAmount":
                if inReference && values[name] == nil { values[name] = value }
            case "ReasonCode" where inReference: reasonCodes.append(value)
            case "Reason" where inReference: reasonTexts.append(value)
            case "ID" where path.dropLast().last == "ExchangedDocument": values["ID"] = value
            default: break
            }
            path.removeLast()
            text = ""
        }
    }
}
