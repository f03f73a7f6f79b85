import BillingModel

/// The UN/CEFACT Cross Industry Invoice (D16B) of a document, Factur-X
/// EN 16931 profile, with the French rules (BR-FR): SIRENs with scheme 0002,
/// electronic addresses with scheme 0225, the PMT/PMD/AAB notes, the B2B
/// processing note and the invoice a credit note references.
///
/// Elements are written in the schema's order, so the same document always
/// gives the same bytes.
public enum CrossIndustryInvoice {
    /// The guideline identifier of the EN 16931 (Factur-X "EN 16931") profile (BT-24).
    public static let guideline = "urn:cen.eu:en16931:2017"

    /// The CII XML of `document`, UTF-8.
    public static func xml(_ document: InvoiceDocument) -> String {
        var w = XMLWriter()
        w.start(
            "rsm:CrossIndustryInvoice",
            [
                "xmlns:rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
                "xmlns:qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
                "xmlns:ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
                "xmlns:udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
            ])
        w.element("rsm:ExchangedDocumentContext") { w in
            // BT-23, the French billing framework: B1 goods, S1 services, M1 both (from the lines' revenue types).
            w.element("ram:BusinessProcessSpecifiedDocumentContextParameter") {
                $0.leaf("ram:ID", document.operationCategory.code)
            }
            w.element("ram:GuidelineSpecifiedDocumentContextParameter") { $0.leaf("ram:ID", guideline) }
        }
        w.element("rsm:ExchangedDocument") { w in
            w.leaf("ram:ID", document.number)
            w.leaf("ram:TypeCode", document.kind.typeCode)
            w.element("ram:IssueDateTime") { date(&$0, "udt", document.issueDate) }
            for (subject, content) in notes(document) {
                w.element("ram:IncludedNote") { w in
                    w.leaf("ram:Content", content)
                    if let subject { w.leaf("ram:SubjectCode", subject) }
                }
            }
        }
        w.element("rsm:SupplyChainTradeTransaction") { w in
            for (index, line) in document.lines.enumerated() { lineItem(&w, index + 1, line) }
            agreement(&w, document)
            w.element("ram:ApplicableHeaderTradeDelivery") { w in
                // BG-13: the client served and the site where the service happened.
                if let to = document.delivery {
                    w.element("ram:ShipToTradeParty") { w in
                        w.leaf("ram:Name", to.name)
                        if let a = to.address { address(&w, a) }
                    }
                }
                // BT-72: the last day delivered by the issue date, never after it (an empty element would be a
                // PEPPOL-EN16931-R008 failure).
                w.element("ram:ActualDeliverySupplyChainEvent") { w in
                    w.element("ram:OccurrenceDateTime") { date(&$0, "udt", document.deliveryDate) }
                }
            }
            settlement(&w, document)
        }
        w.end()
        return w.text
    }

    /// The document-level notes (BG-1): subject code and text, in a stable order.
    static func notes(_ d: InvoiceDocument) -> [(String?, String)] {
        // UNTDID 4451: PMT (payment term) carries the fixed recovery indemnity, PMD (payment detail) the penalties.
        var notes: [(String?, String)] = [
            ("BAR", "B2B"),
            ("PMT", d.indemnityMention),
            ("PMD", d.penaltyMention),
            ("AAB", d.earlyPaymentDiscount),
            ("AAI", d.operationMention)
        ]
        if let forWhom = d.billedFor { notes.append(("AAI", forWhom)) }
        if let credited = d.creditedInvoiceMention { notes.append(("AAI", credited)) }
        if let who = d.orderedBy { notes.append(("AAI", "Commandé par : \(who)")) }
        for n in d.notes { notes.append(("AAI", n)) }
        return notes
    }

    private static func date(_ w: inout XMLWriter, _ prefix: String, _ day: Day) {
        w.leaf("\(prefix):DateTimeString", day.compact, ["format": "102"])
    }

    private static func period(_ w: inout XMLWriter, _ p: Period) {
        w.element("ram:BillingSpecifiedPeriod") { w in
            w.element("ram:StartDateTime") { date(&$0, "udt", p.start) }
            w.element("ram:EndDateTime") { date(&$0, "udt", p.end) }
        }
    }

    private static func lineItem(_ w: inout XMLWriter, _ number: Int, _ line: InvoiceDocument.Line) {
        w.element("ram:IncludedSupplyChainTradeLineItem") { w in
            w.element("ram:AssociatedDocumentLineDocument") { w in
                w.leaf("ram:LineID", String(number))
                // BT-127: how a payer's line was counted (its tickets, group by group, and their total).
                if let note = line.ticketNote { w.element("ram:IncludedNote") { $0.leaf("ram:Content", note) } }
            }
            w.element("ram:SpecifiedTradeProduct") { $0.leaf("ram:Name", line.label) }
            w.element("ram:SpecifiedLineTradeAgreement") { w in
                // BT-132: the buyer's order the line answers.
                if let po = line.purchaseOrder {
                    w.element("ram:BuyerOrderReferencedDocument") { $0.leaf("ram:LineID", po) }
                }
                // BT-148 and BT-147: the price before the discount and the discount per unit; the net price is their
                // difference (EN 16931: BT-146 = BT-148 − BT-147).
                if let gross = line.grossPrice, let discount = line.discount {
                    w.element("ram:GrossPriceProductTradePrice") { w in
                        w.leaf("ram:ChargeAmount", gross.description)
                        w.element("ram:AppliedTradeAllowanceCharge") { w in
                            w.element("ram:ChargeIndicator") { $0.leaf("udt:Indicator", "false") }
                            w.leaf("ram:ActualAmount", discount.description)
                        }
                    }
                }
                w.element("ram:NetPriceProductTradePrice") { $0.leaf("ram:ChargeAmount", line.unitPrice.description) }
            }
            w.element("ram:SpecifiedLineTradeDelivery") { w in
                // C62: "one", a unit count (covers, meals, fees).
                w.leaf("ram:BilledQuantity", String(line.quantity), ["unitCode": "C62"])
            }
            w.element("ram:SpecifiedLineTradeSettlement") { w in
                w.element("ram:ApplicableTradeTax") { w in
                    w.leaf("ram:TypeCode", "VAT")
                    w.leaf("ram:CategoryCode", "S")
                    w.leaf("ram:RateApplicablePercent", line.vatRate.oneDecimal)
                }
                if let p = line.servicePeriod { period(&w, p) }
                w.element("ram:SpecifiedTradeSettlementLineMonetarySummation") {
                    $0.leaf("ram:LineTotalAmount", line.net.description)
                }
            }
        }
    }

    private static func address(_ w: inout XMLWriter, _ a: Address) {
        w.element("ram:PostalTradeAddress") { w in
            w.leaf("ram:PostcodeCode", a.postcode)
            let names = ["ram:LineOne", "ram:LineTwo", "ram:LineThree"]
            // CII has three street lines; any further lines join the third.
            var lines = Array(a.lines.prefix(2))
            if a.lines.count > 2 { lines.append(a.lines.dropFirst(2).joined(separator: ", ")) }
            for (name, text) in zip(names, lines) { w.leaf(name, text) }
            w.leaf("ram:CityName", a.city)
            w.leaf("ram:CountryID", a.countryCode)
        }
    }

    private static func agreement(_ w: inout XMLWriter, _ d: InvoiceDocument) {
        w.element("ram:ApplicableHeaderTradeAgreement") { w in
            if let cc = d.costCenter { w.leaf("ram:BuyerReference", cc) }
            w.element("ram:SellerTradeParty") { w in
                w.leaf("ram:Name", d.seller.legalName)
                // BT-33: the seller's additional legal information (legal form, share capital, RCS).
                if let legal = d.seller.legalMention { w.leaf("ram:Description", legal) }
                w.element("ram:SpecifiedLegalOrganization") { $0.leaf("ram:ID", d.seller.siren, ["schemeID": "0002"]) }
                address(&w, d.seller.address)
                w.element("ram:URIUniversalCommunication") {
                    $0.leaf("ram:URIID", d.seller.electronicAddress ?? d.seller.siren, ["schemeID": "0225"])
                }
                w.element("ram:SpecifiedTaxRegistration") { $0.leaf("ram:ID", d.seller.vatNumber, ["schemeID": "VA"]) }
            }
            w.element("ram:BuyerTradeParty") { w in
                w.leaf("ram:Name", d.buyer.legalName)
                w.element("ram:SpecifiedLegalOrganization") { $0.leaf("ram:ID", d.buyer.siren, ["schemeID": "0002"]) }
                if d.orderedBy != nil || !d.buyer.emails.isEmpty {
                    w.element("ram:DefinedTradeContact") { w in
                        if let who = d.orderedBy { w.leaf("ram:PersonName", who) }
                        if let email = d.buyer.emails.first {
                            w.element("ram:EmailURIUniversalCommunication") { $0.leaf("ram:URIID", email) }
                        }
                    }
                }
                address(&w, d.buyer.address)
                w.element("ram:URIUniversalCommunication") {
                    $0.leaf("ram:URIID", d.buyer.electronicAddress ?? d.buyer.siren, ["schemeID": "0225"])
                }
                if let vat = d.buyer.vatNumber {
                    w.element("ram:SpecifiedTaxRegistration") { $0.leaf("ram:ID", vat, ["schemeID": "VA"]) }
                }
            }
            if let po = d.documentPurchaseOrder {
                w.element("ram:BuyerOrderReferencedDocument") { $0.leaf("ram:IssuerAssignedID", po) }
            }
        }
    }

    private static func settlement(_ w: inout XMLWriter, _ d: InvoiceDocument) {
        w.element("ram:ApplicableHeaderTradeSettlement") { w in
            w.leaf("ram:PaymentReference", d.number)
            w.leaf("ram:InvoiceCurrencyCode", "EUR")
            w.element("ram:SpecifiedTradeSettlementPaymentMeans") { w in
                // 58: SEPA credit transfer.
                w.leaf("ram:TypeCode", "58")
                w.element("ram:PayeePartyCreditorFinancialAccount") { $0.leaf("ram:IBANID", compact(d.seller.iban)) }
                w.element("ram:PayeeSpecifiedCreditorFinancialInstitution") {
                    $0.leaf("ram:BICID", compact(d.seller.bic))
                }
            }
            for v in d.totals.breakdown {
                w.element("ram:ApplicableTradeTax") { w in
                    w.leaf("ram:CalculatedAmount", v.vat.description)
                    w.leaf("ram:TypeCode", "VAT")
                    w.leaf("ram:BasisAmount", v.base.description)
                    w.leaf("ram:CategoryCode", "S")
                    // BT-8, for a rate of services only: VAT on debits is due at invoicing (5), otherwise at payment
                    // (72). VAT on goods is due on delivery, whatever the option: no code.
                    if d.lines.filter({ $0.vatRate == v.rate }).allSatisfy({ $0.nature == .services }) {
                        w.leaf("ram:DueDateTypeCode", d.vatOnDebits ? "5" : "72")
                    }
                    w.leaf("ram:RateApplicablePercent", v.rate.oneDecimal)
                }
            }
            period(&w, d.period)
            w.element("ram:SpecifiedTradePaymentTerms") { w in
                w.leaf("ram:Description", d.settlementTerms)
                if let due = d.paymentDueDate { w.element("ram:DueDateDateTime") { date(&$0, "udt", due) } }
            }
            w.element("ram:SpecifiedTradeSettlementHeaderMonetarySummation") { w in
                w.leaf("ram:LineTotalAmount", d.totals.totalHT.description)
                w.leaf("ram:TaxBasisTotalAmount", d.totals.totalHT.description)
                w.leaf("ram:TaxTotalAmount", d.totals.totalVAT.description, ["currencyID": "EUR"])
                w.leaf("ram:GrandTotalAmount", d.totals.totalTTC.description)
                w.leaf("ram:DuePayableAmount", d.totals.totalTTC.description)
            }
            if let credited = d.creditedInvoice {
                w.element("ram:InvoiceReferencedDocument") { w in
                    w.leaf("ram:IssuerAssignedID", credited.number)
                    w.element("ram:FormattedIssueDateTime") { date(&$0, "qdt", credited.issueDate) }
                }
            }
        }
    }

    /// An IBAN or BIC without the spaces people print in it.
    private static func compact(_ s: String) -> String { s.filter { $0 != " " } }
}
