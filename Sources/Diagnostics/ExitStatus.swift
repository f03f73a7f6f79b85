/// What a command's outcome means to a scheduler or a CI step: the exit code
/// every command uses (README, "Exit codes").
public enum ExitStatus: Int32, Sendable, Hashable {
    /// Done.
    case done = 0
    /// Done (or checked), but a person must look.
    case needsAttention = 1
    /// Nothing done: refused, not found, invalid input, a workspace that cannot be opened.
    case nothingDone = 2
}

/// An error that knows whether something was done before it was thrown.
/// The executable turns any such error into its message and its exit code in
/// one place (`Outcome.run`); a module's new error type joins by conforming.
public protocol CommandFailure: Error, CustomStringConvertible {
    /// The exit code this failure gives; `.nothingDone` unless part of the work was committed.
    var exitStatus: ExitStatus { get }
}
