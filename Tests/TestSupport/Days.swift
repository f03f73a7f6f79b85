import BillingModel
import Testing

/// The day of an ISO date written in a test (`day("2026-10-05")`); a malformed one fails the test that wrote it.
public func day(_ iso: String, sourceLocation: SourceLocation = #_sourceLocation) -> Day {
    guard let day = Day(iso: iso) else {
        Issue.record("`\(iso)` is not a YYYY-MM-DD date", sourceLocation: sourceLocation)
        return Day(ordinal: 0)
    }
    return day
}
