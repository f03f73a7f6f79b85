@testable import Ledger
import Testing

/// A text holding several statements (a migration's script) is run as a script, never as one prepared
/// statement; one statement, with or without its closing `;` and blanks, is prepared once and reused.
@Suite struct StatementScriptTests {
    @Test func aSecondStatementMakesAScriptAndTrailingSemicolonsOrBlanksDoNot() {
        for one in ["SELECT 1", "SELECT 1;", "SELECT 1 ;\n", "", ";;", "  \t\n"] {
            #expect(!GRDBSession.isScript(one), "\(one.debugDescription)")
        }
        for script in ["CREATE TABLE a(x); CREATE TABLE b(y)", "A;\nB", "A;;B;", "A;\u{0B}B"] {
            #expect(GRDBSession.isScript(script), "\(script.debugDescription)")
        }
    }
}
