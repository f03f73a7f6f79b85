import Testing
@testable import Diagnostics

@Suite struct RendererTests {
    let source = SourceFile(
        path: "rules/acme.ard", text: "client ACME\n  subsidy per cover at 10% VAT\n    category D: 4.20 HT\n")

    func sample() -> Diagnostic {
        .error(
            "E0201", "unknown category `D` for client `ACME`", file: "rules/acme.ard",
            range: source.range(from: 56, to: 57), help: "did you mean `B`?")
    }

    @Test func textHasCaretUnderTheFault() {
        let out = DiagnosticRenderer(sources: [source.path: source]).render([sample()], format: .text)
        #expect(
            out == """
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
        #expect(
            r.render([sample()], format: .json)
                == #"{"file":"rules/acme.ard","line":3,"column":14,"end_line":3,"end_column":15,"code":"E0201","severity":"error","message":"unknown category `D` for client `ACME`","help":"did you mean `B`?"}"#
                + "\n")
        #expect(
            r.render([sample()], format: .github)
                == "::error file=rules/acme.ard,line=3,col=14,endColumn=15,title=E0201::unknown category `D` for client `ACME`%0Ahelp: did you mean `B`?\n"
        )
        let sarif = r.render([sample()], format: .sarif)
        #expect(
            sarif.contains(#""version":"2.1.0""#) && sarif.contains(#""ruleId":"E0201""#)
                && sarif.contains(#""startLine":3"#))
    }

    /// The notes the text shows ("first priced here", line 9) are in the JSON too.
    @Test func jsonCarriesTheNotes() {
        var d = sample()
        d.notes = [.init("first priced here", range: source.range(from: 12, to: 19))]
        let json = DiagnosticRenderer(sources: [source.path: source]).render([d], format: .json)
        #expect(json.contains(#""notes":[{"message":"first priced here","line":2,"column":1}]"#), "\(json)")
    }

    /// A 100 KB line is shown cut around the caret, once per message, not whole.
    @Test func aLongLineIsCutAroundTheCaret() {
        let line = "  sites " + Array(repeating: "LD01", count: 5000).joined(separator: ", ")
        let long = SourceFile(path: "rules/x.ard", text: "client X\n" + line + "\n")
        let at = 9 + line.utf8.count - 4
        let d = Diagnostic.error(
            "E0108", "site `LD01` is listed 5,000 times", file: "rules/x.ard", range: long.range(from: at, to: at + 4))
        let out = DiagnosticRenderer(sources: [long.path: long]).render([d], format: .text)
        let shown = out.split(separator: "\n")
        #expect(out.utf8.count < 400, "\(out)")
        let text = String(shown[3]), caret = String(shown[4])
        #expect(text.hasPrefix("2 | …") && text.hasSuffix("LD01"), "\(out)")
        #expect(caret.hasSuffix("^^^^") && caret.count == text.count, "\(out)")
    }

    /// SARIF: paths under the base directory are relative to `%SRCROOT%`, others absolute `file://` URIs;
    /// each rule's `helpUri` is an absolute URI to its documentation.
    @Test func sarifLocatesFilesForCodeScanning() {
        let r = DiagnosticRenderer(sources: [:], baseDirectory: "/repo", ruleTitles: ["E0201": "unknown client"])
        let inside = Diagnostic.error("E0201", "x", file: "/repo/rules/my acme.ard", range: nil)
        let relative = Diagnostic.error("E0201", "x", file: "settings.yaml", range: nil)
        let outside = Diagnostic.error("E0201", "x", file: "/elsewhere/a.ard", range: nil)
        let sarif = r.render([inside, relative, outside], format: .sarif)
        #expect(sarif.contains(#"{"uri":"rules/my%20acme.ard","uriBaseId":"%SRCROOT%"}"#), "\(sarif)")
        #expect(sarif.contains(#"{"uri":"settings.yaml","uriBaseId":"%SRCROOT%"}"#))
        #expect(sarif.contains(#"{"uri":"file:///elsewhere/a.ard"}"#))
        #expect(sarif.contains(#""originalUriBaseIds":{"%SRCROOT%":{"uri":"file:///repo/"}}"#))
        #expect(
            sarif.contains(
                #""shortDescription":{"text":"unknown client"},"helpUri":"https://serenest.example/ardoise/blob/main/grammar/diagnostics.md#e0201""#
            ))
    }

    /// `D` among `A`, `B` and `C`: as close to each, so no guess.
    @Test func noGuessBetweenEquallyCloseNames() {
        #expect(DidYouMean.suggest("D", among: ["A", "B", "C"]) == nil)
        #expect(DidYouMean.suggest("LD03", among: ["LD01", "LD02"]) == nil)
        #expect(DidYouMean.suggest("LD0", among: ["LD01", "XX"]) == "LD01")
    }

    @Test func suggestsNearNamesOnly() {
        #expect(DidYouMean.suggest("ACNE", among: ["ACME", "AXA-LD"]) == "ACME")
        #expect(DidYouMean.suggest("ZZZZZZ", among: ["ACME"]) == nil)
        #expect(DidYouMean.distance("ab", "ba") == 1)
    }
}
