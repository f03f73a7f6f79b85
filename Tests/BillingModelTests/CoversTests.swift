import BillingModel
import Testing

/// What a cover is, the one definition the revenue scan and the daily aggregate share.
@Suite struct CoversTests {
    @Test func selfServiceAndBrasserieLinesCountCafeteriaLinesDoNot() {
        #expect(Covers.counts(activity: "SELF"))
        #expect(Covers.counts(activity: "BRASS"))
        #expect(!Covers.counts(activity: "CAFET"))
        #expect(!Covers.counts(activity: "EVENT"))
        #expect(!Covers.counts(activity: "SELFX"))
        for activity in ["SELF", "BRASS", "CAFET", "SEL", ""] {
            let bytes = Array(activity.utf8)
            let fromBytes = bytes.withUnsafeBufferPointer { Covers.counts(activity: $0) }
            #expect(fromBytes == Covers.counts(activity: activity))
        }
    }

    @Test func aTicketIsACoverWhenItsCountedLinesSumAboveZero() {
        #expect(Covers.isCover(countedCents: 1))
        #expect(Covers.isCover(countedCents: 420))
        // A ticket cancelled by a negative line of the same amount is no cover, nor is a refund.
        #expect(!Covers.isCover(countedCents: 0))
        #expect(!Covers.isCover(countedCents: -420))
    }
}
