import Foundation

/// When to try a failed delivery again: growing delays, then give up.
///
/// A pure value the outbox consults after each temporary failure; a permanent
/// failure (`DeliveryError.refused`) is never retried.
public struct RetryPolicy: Sendable, Hashable {
    /// The wait after the 1st, 2nd, ... failed attempt.
    public var delays: [Duration]

    /// The total number of attempts, the first included.
    public var maxAttempts: Int { delays.count + 1 }

    public init(delays: [Duration]) {
        self.delays = delays
    }

    /// 1 min, 5 min, 30 min, 2 h, 12 h: six attempts over about 15 hours.
    public static let standard = RetryPolicy(delays: [
        .seconds(60), .seconds(300), .seconds(1800),
        .seconds(7200), .seconds(43200)
    ])

    /// When to make the next attempt after `attempt` attempts (1 = the first)
    /// failed, the last at `at`; nil when no attempt is left.
    public func nextAttempt(after attempt: Int, at date: Date) -> Date? {
        guard attempt >= 1, attempt < maxAttempts else { return nil }
        let delay = delays[attempt - 1].components
        return date.addingTimeInterval(TimeInterval(delay.seconds))
    }
}
