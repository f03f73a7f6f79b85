import ArgumentParser
import BillingModel
import Foundation

/// The shape a value was expected to have, shown after swift-argument-parser's
/// "The value 'X' is invalid for '--option <value>'".
public struct ExpectedShape: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A calendar month, `2026-10`.
public struct MonthArgument: ExpressibleByArgument, CustomStringConvertible, Sendable {
    public var month: Month
    public var period: Period { month.period }
    public var text: String { month.description }
    public var description: String { text }

    /// October 2026, the example month: the default of `ardoise-dev demo` and `ardoise-dev bench year`.
    public static let exampleMonth = MonthArgument(month: Month(Day(ordinal: 20_727)))  // 2026-10-01

    public init(month: Month) { self.month = month }

    public init?(argument: String) {
        guard let m = Month(argument) else { return nil }
        month = m
    }

    public static func parse(_ text: String) throws -> MonthArgument {
        guard let m = MonthArgument(argument: text) else {
            throw ExpectedShape("expected a month YYYY-MM, e.g. 2026-10")
        }
        return m
    }
}

extension ParsableCommand {
    /// Parses and runs like swift-argument-parser's default, except that wrong
    /// arguments (an unknown command or option, a malformed value, a missing one)
    /// exit 2, the code of "nothing done", instead of its EX_USAGE 64.
    public static func runCommandLine(_ arguments: [String]) {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
