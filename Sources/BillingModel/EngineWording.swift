import Foundation

/// The English words the engine writes for people (a line's explanation, the
/// CLI's wording of an audit entry), made in one place so a test can change
/// them all: with `ARDOISE_TEST_REWORDING` set, every such text starts with its
/// value. The facts behind the words are stored apart (typed columns, audit
/// parameters), so rewording changes no figure and no French page; the test of
/// "facts as data" runs a month with the switch on and checks it.
public enum EngineWording {
    /// The test-only prefix (empty in production: the variable is never set there).
    public static let prefix: String = ProcessInfo.processInfo.environment["ARDOISE_TEST_REWORDING"] ?? ""

    /// `text` as the engine words it (unchanged unless the test switch is on; an empty text stays empty).
    public static func worded(_ text: String) -> String { prefix.isEmpty || text.isEmpty ? text : prefix + text }
}
