import BillingModel
import Ledger

/// Writes a camt.053.001.02 bank-to-customer statement (the XML French banks
/// deliver) of credits received, valid against the ISO 20022 schema:
/// group header, one statement with the account, opening and closing booked
/// balances, one booked entry per credit with its transaction details
/// (references, debtor, debtor's IBAN, unstructured remittance).
public enum Camt053Writer {
    public static func xml(messageID: String, created: Day, account iban: String, opening: Money, credits: [BankCredit])
        -> String
    {
        let closing = Money(cents: opening.cents + credits.map(\.amount.cents).reduce(0, +))
        let from = credits.map(\.bookingDate).min() ?? created
        let to = credits.map(\.bookingDate).max() ?? created
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <BkToCstmrStmt>
                <GrpHdr>
                  <MsgId>\(escape(messageID))</MsgId>
                  <CreDtTm>\(created)T06:00:00</CreDtTm>
                </GrpHdr>
                <Stmt>
                  <Id>\(escape(messageID))-1</Id>
                  <ElctrncSeqNb>1</ElctrncSeqNb>
                  <CreDtTm>\(created)T06:00:00</CreDtTm>
                  <FrToDt>
                    <FrDtTm>\(from)T00:00:00</FrDtTm>
                    <ToDtTm>\(to)T23:59:59</ToDtTm>
                  </FrToDt>
                  <Acct>
                    <Id>
                      <IBAN>\(escape(iban.replacingOccurrences(of: " ", with: "")))</IBAN>
                    </Id>
                    <Ccy>EUR</Ccy>
                  </Acct>
            \(balance("OPBD", opening, from))
            \(balance("CLBD", closing, to))

            """
        for c in credits {
            out += """
                    <Ntry>
                      <NtryRef>\(escape(c.reference))</NtryRef>
                      <Amt Ccy="EUR">\(c.amount)</Amt>
                      <CdtDbtInd>CRDT</CdtDbtInd>
                      <Sts>BOOK</Sts>
                      <BookgDt>
                        <Dt>\(c.bookingDate)</Dt>
                      </BookgDt>
                      <ValDt>
                        <Dt>\(c.bookingDate)</Dt>
                      </ValDt>
                      <AcctSvcrRef>\(escape(c.reference))</AcctSvcrRef>
                      <BkTxCd>
                        <Domn>
                          <Cd>PMNT</Cd>
                          <Fmly>
                            <Cd>RCDT</Cd>
                            <SubFmlyCd>ESCT</SubFmlyCd>
                          </Fmly>
                        </Domn>
                      </BkTxCd>
                      <NtryDtls>
                        <TxDtls>
                          <Refs>
                            <AcctSvcrRef>\(escape(c.reference))</AcctSvcrRef>
                            <EndToEndId>NOTPROVIDED</EndToEndId>
                          </Refs>
                          <AmtDtls>
                            <TxAmt>
                              <Amt Ccy="EUR">\(c.amount)</Amt>
                            </TxAmt>
                          </AmtDtls>
                          <RltdPties>
                            <Dbtr>
                              <Nm>\(escape(String((c.debtorName ?? "INCONNU").prefix(140))))</Nm>
                            </Dbtr>\(c.debtorIBAN.map { """

                            <DbtrAcct>
                              <Id>
                                <IBAN>\(escape($0))</IBAN>
                              </Id>
                            </DbtrAcct>
                """ } ?? "")
                          </RltdPties>
                          <RmtInf>
                            <Ustrd>\(escape(String(c.remittance.prefix(140))))</Ustrd>
                          </RmtInf>
                        </TxDtls>
                      </NtryDtls>
                    </Ntry>

                """
        }
        out += """
                </Stmt>
              </BkToCstmrStmt>
            </Document>

            """
        return out
    }

    static func balance(_ code: String, _ amount: Money, _ day: Day) -> String {
        """
                  <Bal>
                    <Tp>
                      <CdOrPrtry>
                        <Cd>\(code)</Cd>
                      </CdOrPrtry>
                    </Tp>
                    <Amt Ccy="EUR">\(Money(cents: abs(amount.cents)))</Amt>
                    <CdtDbtInd>\(amount.cents < 0 ? "DBIT" : "CRDT")</CdtDbtInd>
                    <Dt>
                      <Dt>\(day)</Dt>
                    </Dt>
                  </Bal>
        """
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;"
        )
        .replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The demo's statement of a billed month: from its issued invoices (in
    /// number order), an exact payment by number, a partial payment, one
    /// payment for two invoices of a customer (named by the debtor, total
    /// exact), an unmatched credit, and the first entry delivered twice
    /// (a duplicate the import skips). `names`: customer code → legal name.
    public static func demoCredits(invoices: [OpenInvoice], names: [String: String], bookedOn day: Day) -> [BankCredit]
    {
        var credits: [BankCredit] = []
        var n = 0
        func ref() -> String {
            n += 1; return "DEMO\(day.compact)\(String(repeating: "0", count: max(0, 6 - String(n).count)))\(n)"
        }
        let sorted = invoices.sorted { $0.number < $1.number }
        var used: Set<Int64> = []
        if let a = sorted.first {
            credits.append(
                BankCredit(
                    reference: ref(), bookingDate: day, amount: a.balance, debtorName: names[a.customer],
                    debtorIBAN: "FR7630006000011234567890189", remittance: "FACTURE \(a.number)"))
            used.insert(a.id)
        }
        if let b = sorted.dropFirst().first(where: { $0.balance.cents > 200 }) {
            credits.append(
                BankCredit(
                    reference: ref(), bookingDate: day, amount: Money(cents: b.balance.cents / 2),
                    debtorName: names[b.customer], debtorIBAN: nil, remittance: "Acompte \(b.number)"))
            used.insert(b.id)
        }
        // A customer with exactly two open invoices, neither paid above: one transfer for both, no number written.
        let byCustomer = Dictionary(grouping: sorted, by: \.customer)
        if let (customer, group) = byCustomer.sorted(by: { $0.key < $1.key })
            .first(where: { $0.value.count == 2 && $0.value.allSatisfy { !used.contains($0.id) } })
        {
            credits.append(
                BankCredit(
                    reference: ref(), bookingDate: day, amount: Money(cents: group.map(\.balance.cents).reduce(0, +)),
                    debtorName: names[customer], debtorIBAN: nil, remittance: "REGLEMENT FACTURES OCTOBRE"))
        }
        credits.append(
            BankCredit(
                reference: ref(), bookingDate: day, amount: Money(cents: 123_45), debtorName: "SCI DES TILLEULS",
                debtorIBAN: "FR7610107001011234567890129", remittance: "LOYER NOVEMBRE"))
        if let first = credits.first { credits.append(first) }
        return credits
    }
}
