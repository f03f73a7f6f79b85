import BillingModel
import Ledger
import Testing
import Workspace

@Suite struct LineTextTests {
    @Test func aTypedLineIsReadExactly() throws {
        let l = try LineText.parse("Prestation exceptionnelle | 2 | 150.0050 | 5.5")
        #expect(
            l
                == LineText.Parsed(
                    label: "Prestation exceptionnelle", quantity: 2, unitPrice: Price(tenThousandths: 1_500_050),
                    vat: VATRate(tenThousandths: 55_000)))
    }

    @Test(arguments: [
        ("Label|2|150.00", "4 fields, found 3"),
        ("|2|150.00|20", "the label is empty"),
        ("Label|0|150.00|20", "the quantity `0` is not a whole number above 0"),
        ("Label|2|150.00001|20", "at most 4 decimals"),
        ("Label|2|150.00|19.6", "is not a French VAT rate")
    ])
    func aWrongLineSaysWhichField(text: String, message: String) {
        #expect { try LineText.parse(text) } throws: { ($0 as? InvoiceError)?.message.contains(message) == true }
    }

    @Test func anEditKeepsEmptyFieldsAndRecomputesTheNet() throws {
        let line = NewInvoiceLine(
            label: "Subvention employeur catégorie A", quantity: 2000, unitPrice: Price("4.20")!,
            net: Money("8400.00")!, vat: VATRate(whole: 10), explanation: "2000 covers")
        let edited = try LineText.apply("|1850||", to: line, editedBy: "marie", reason: "badge errors")
        #expect(
            edited.label == line.label && edited.quantity == 1850 && edited.net == Money("7770.00")!
                && edited.vat == line.vat)
        // A line without facts (stored before "v18 line facts", unread) keeps its words and gains the edit's.
        #expect(edited.explanation == "2000 covers; edited by marie: badge errors" && edited.facts == nil)
        // A line with facts records the edit among them, and its English is worded from them.
        let computed = line.explained(
            by: .subsidyPerCover(
                covers: 2000, category: "A", price: Price("4.20")!, includesVAT: false,
                vat: VATRate(whole: 10), net: Money("8400.00")!))
        let recorded = try LineText.apply("|1850||", to: computed, editedBy: "marie", reason: "badge errors")
        #expect(recorded.facts?.edits == [LineFacts.Edit(by: "marie", reason: "badge errors")])
        #expect(recorded.explanation == "2000 covers of category A × 4.20 HT = 8400.00; edited by marie: badge errors")
        let relabelled = try LineText.apply("Subvention A (corrigée)|||", to: line, editedBy: "paul", reason: "n")
        #expect(relabelled.net == line.net && relabelled.label == "Subvention A (corrigée)")
    }
}
