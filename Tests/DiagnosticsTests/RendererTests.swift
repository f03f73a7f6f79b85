import Testing
@testable import Diagnostics

@Suite struct RendererTests {
    let source = SourceFile(path: "rules/acme.ard", text: "client ACME\n  subsidy per cover at 10% VAT\n    category D: 4.20 HT\n")

    func sample() -> Diagnostic {
        .error("E0201", "unknown category `D` for client `ACME`", file: "rules/acme.ard",
               range: source.range(from: 56, to: 57), help: "did you mean `B`?")
    }

    @Test func textHasCaretUnderTheFault() {
        let out = DiagnosticRenderer(sources: [source.path: source]).render([sample()], format: .text)
        #expect(out == """
        error[E0201]: unknown category `D` for client `ACME`
         --> rules/acme.ard:3:14
          |
        3 |     category D: 4.20 HT
          |              ^
          = help: did you mean `B`?

        1 error, 0 warnings

        """)
    }

    @Test func machineFormats() {
        let r = DiagnosticRenderer(sources: [source.path: source])
        #expect(r.render([sample()], format: .json) == #"{"file":"rules/acme.ard","line":3,"column":14,"end_line":3,"end_column":15,"code":"E0201","severity":"error","message":"unknown category `D` for client `ACME`","help":"did you mean `B`?"}"# + "\n")
        #expect(r.render([sample()], format: .github) == "::error file=rules/acme.ard,line=3,col=14,endColumn=15,title=E0201::unknown category `D` for client `ACME`%0Ahelp: did you mean `B`?\n")
        let sarif = r.render([sample()], format: .sarif)
        #expect(sarif.contains(#""version":"2.1.0""#) && sarif.contains(#""ruleId":"E0201""#) && sarif.contains(#""startLine":3"#))
    }

    @Test func suggestsNearNamesOnly() {
        #expect(DidYouMean.suggest("ACNE", among: ["ACME", "AXA-LD"]) == "ACME")
        #expect(DidYouMean.suggest("ZZZZZZ", among: ["ACME"]) == nil)
        #expect(DidYouMean.distance("ab", "ba") == 1)
    }
}
