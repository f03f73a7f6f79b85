import Accounting
import BillingModel
import Testing
import TestSupport

/// Sales-journal entries and the FEC, checked by an independent reading.
@Suite struct SalesEntries {
    static let ten = VATRate(tenThousandths: 100_000), twenty = VATRate(tenThousandths: 200_000)
    static let accounts = SalesAccounts(
        customerCollective: "411000", outputVAT: [twenty: "445711", ten: "445712"],
        revenue: [
            "SUBV": ("706100", "Subventions"), "DROIT": ("706200", "Droits d'admission"),
            "FEES": ("706700", "Frais de gestion")
        ],
        defaultRevenue: ("706000", "Prestations de services"))

    /// ACME's October: subsidy 11,500.00 and admission fee 8,272.00 at 10 %, management fee 1,584.00 at 20 %.
    static let acme = IssuedDocument(
        kind: .invoice, number: "FA-2026-000001", issueDate: day("2026-11-02"), customerAccount: "411ACME",
        customerName: "ACME Industries SA",
        lines: [
            ("SUBV", ten, Money(cents: 1_150_000)), ("DROIT", ten, Money(cents: 827_200)),
            ("FEES", twenty, Money(cents: 158_400))
        ],
        vat: [
            (ten, Money(cents: 1_977_200), Money(cents: 197_720)), (twenty, Money(cents: 158_400), Money(cents: 31_680))
        ],
        totalTTC: Money(cents: 1_977_200 + 197_720 + 158_400 + 31_680))

    @Test func anInvoiceDebitsTheCustomerAndCreditsRevenueAndVAT() throws {
        let entry = try SalesEntry.make(
            Self.acme, accounts: Self.accounts, journal: "VT", journalLabel: "Ventes", number: 1)
        #expect(entry.isBalanced)
        let byAccount = Dictionary(grouping: entry.lines, by: \.account)
        #expect(byAccount["411000"]?.first?.debit == Money(cents: 2_365_000))
        #expect(byAccount["411000"]?.first?.auxiliaryAccount == "411ACME")
        #expect(byAccount["706100"]?.first?.credit == Money(cents: 1_150_000))
        #expect(byAccount["706200"]?.first?.credit == Money(cents: 827_200))
        #expect(byAccount["706700"]?.first?.credit == Money(cents: 158_400))
        #expect(byAccount["445712"]?.first?.credit == Money(cents: 197_720))
        #expect(byAccount["445711"]?.first?.credit == Money(cents: 31_680))
        // Per rate: the revenue credited at each rate is the document's base at that rate.
        for v in Self.acme.vat {
            let base = entry.lines.filter { $0.vatRate == v.rate && $0.account.hasPrefix("7") }.map {
                $0.credit - $0.debit
            }.sum()
            #expect(base == v.base)
        }
    }

    @Test func aCreditNoteIsTheMirror() throws {
        var note = Self.acme
        note.kind = .creditNote
        note.number = "AV-2026-000001"
        let invoice = try SalesEntry.make(
            Self.acme, accounts: Self.accounts, journal: "VT", journalLabel: "Ventes", number: 1)
        let credit = try SalesEntry.make(
            note, accounts: Self.accounts, journal: "VT", journalLabel: "Ventes", number: 2)
        #expect(credit.isBalanced)
        #expect(
            zip(invoice.lines, credit.lines).allSatisfy {
                $0.debit == $1.credit && $0.credit == $1.debit && $0.account == $1.account
            })
        #expect(credit.lines.first?.label.hasPrefix("Avoir AV-2026-000001") == true)
    }

    @Test func aNegativeRevenueGoesToTheOtherSideAndNoAmountIsNegative() throws {
        var discounted = Self.acme
        discounted.lines.append(("FEES", Self.twenty, Money(cents: -200_000)))  // a discount larger than the fee
        discounted.vat = [
            (Self.ten, Money(cents: 1_977_200), Money(cents: 197_720)),
            (Self.twenty, Money(cents: -41_600), Money(cents: -8_320))
        ]
        discounted.totalTTC = Money(cents: 1_977_200 + 197_720 - 41_600 - 8_320)
        let entry = try SalesEntry.make(
            discounted, accounts: Self.accounts, journal: "VT", journalLabel: "Ventes", number: 1)
        #expect(entry.isBalanced)
        #expect(
            entry.lines.allSatisfy {
                $0.debit.cents >= 0 && $0.credit.cents >= 0 && ($0.debit.isZero != $0.credit.isZero)
            })
        #expect(entry.lines.first { $0.account == "706700" }?.debit == Money(cents: 41_600))
        #expect(entry.lines.first { $0.account == "445711" }?.debit == Money(cents: 8_320))
    }

    @Test func aRateWithoutAVATAccountCannotBePosted() {
        var accounts = Self.accounts
        accounts.outputVAT[Self.twenty] = nil
        #expect(throws: PostingError.noVATAccount(rate: "20.0", document: "FA-2026-000001")) {
            try SalesEntry.make(Self.acme, accounts: accounts, journal: "VT", journalLabel: "Ventes", number: 1)
        }
    }

    @Test func theFECPassesTheIndependentChecker() throws {
        var note = Self.acme
        note.kind = .creditNote
        note.number = "AV-2026-000001"
        note.issueDate = day("2026-11-20")
        let entries = [
            try SalesEntry.make(Self.acme, accounts: Self.accounts, journal: "VT", journalLabel: "Ventes", number: 1),
            try SalesEntry.make(note, accounts: Self.accounts, journal: "VT", journalLabel: "Ventes", number: 2)
        ]
        let text = FEC.text(entries)
        let check = FECChecker(text: text, firstDay: "20261101", lastDay: "20261130")
        #expect(check.problems.isEmpty, "\(check.problems)")
        #expect(check.rows.count == 12)
        #expect(check.balance(accountPrefix: "411") == 0)
        #expect(FEC.fileName(siren: "412387565", closingDate: day("2026-11-30")) == "412387565FEC20261130.txt")
        #expect(
            text.split(separator: "\r\n")[1]
                == "VT\tVentes\t1\t20261102\t411000\tClients\t411ACME\tACME Industries SA\tFA-2026-000001\t20261102\tFacture FA-2026-000001 ACME Industries SA\t23650,00\t0,00\t\t\t20261102\t\t"
        )
    }

    @Test func theCheckerCatchesWhatTheRulesForbid() throws {
        let entry = try SalesEntry.make(
            Self.acme, accounts: Self.accounts, journal: "VT", journalLabel: "Ventes", number: 1)
        let good = FEC.text([entry])
        func problems(_ edit: (String) -> String, from: String = "20261101", to: String = "20261130") -> [String] {
            FECChecker(text: edit(good), firstDay: from, lastDay: to).problems
        }
        #expect(problems { $0 }.isEmpty)
        #expect(!problems { $0.replacingOccurrences(of: "23650,00", with: "23650,01") }.isEmpty)  // unbalanced
        // a mandatory field empty
        #expect(!problems { $0.replacingOccurrences(of: "\tClients\t", with: "\t\t") }.isEmpty)
        // wrong column
        #expect(!problems { $0.replacingOccurrences(of: "23650,00\t0,00", with: "0,00\t23650,00") }.isEmpty)
        #expect(!problems { $0.replacingOccurrences(of: "23650,00", with: "23650.00") }.isEmpty)  // decimal point
        #expect(!problems({ $0 }, from: "20261201", to: "20261231").isEmpty)  // outside the period
        let gap = FEC.text([
            entry,
            try SalesEntry.make(Self.acme, accounts: Self.accounts, journal: "VT", journalLabel: "Ventes", number: 3)
        ])
        #expect(
            FECChecker(text: gap, firstDay: "20261101", lastDay: "20261130").problems.contains { $0.contains("gaps") })
    }

    @Test func theCSVHasOneRowPerEntryLine() throws {
        let entry = try SalesEntry.make(
            Self.acme, accounts: Self.accounts, journal: "VT", journalLabel: "Ventes", number: 7)
        let rows = EntriesCSV.text([entry]).split(separator: "\r\n")
        #expect(rows.first == "journal;date;piece;account;auxiliary;label;debit;credit;entry")
        #expect(rows.count == 1 + entry.lines.count)
        #expect(
            rows[1]
                == "VT;02/11/2026;FA-2026-000001;411000;411ACME;Facture FA-2026-000001 ACME Industries SA;23650,00;0,00;7"
        )
    }
}

/// The FEC in ISO 8859-15: its letters one byte each, `€` and `œ` where Latin-9 has them, and a character it lacks
/// refused with its line, column and code instead of being replaced.
@Suite struct FECCharacterSetTests {
    @Test func latin9HasTheFrenchLettersAndTheEuroSign() throws {
        let bytes = try FEC.latin9("JournalCode\tJournalLib\r\nVT\tVentes é à ç œ Œ Ÿ € ü\r\n")
        #expect(
            Array(bytes.suffix(20))
                == [
                    0x56, 0x65, 0x6E, 0x74, 0x65, 0x73, 0x20, 0xE9, 0x20, 0xE0, 0x20, 0xE7, 0x20, 0xBD, 0x20,
                    0xBC, 0x20, 0xBE, 0x20, 0xA4, 0x20, 0xFC, 0x0D, 0x0A
                ].suffix(20))
        #expect(bytes.contains(0xE9) && bytes.contains(0xBD) && bytes.contains(0xA4) && bytes.contains(0xFC))
        #expect(!bytes.contains(0xC3), "no UTF-8 sequence")
    }

    @Test func aCharacterLatin9LacksIsRefusedWithItsPlace() {
        let text =
            FEC.columns.joined(separator: "\t")
            + "\r\nVT\tVentes\t1\t20261101\t411000\tClients\tC1\tL\u{2019}Atelier SARL\r\n"
        #expect(throws: FECCharacterError(line: 2, column: "CompAuxLib", character: "\u{2019}")) {
            try FEC.latin9(text)
        }
        do { _ = try FEC.latin9(text) } catch {
            #expect(
                error.description.contains("line 2, column CompAuxLib") && error.description.contains("U+2019"),
                "\(error)")
        }
        // Latin-1's ¤, replaced by € in Latin-9, is refused too.
        #expect(throws: FECCharacterError.self) { try FEC.latin9("a\u{A4}") }
    }
}
