import BillingModel
@testable import ContractLanguage
import Foundation
import Testing
import TestSupport

/// Keeps `grammar/` in step with the parser.
@Suite struct GrammarTests {
    let ebnf =
        (try? String(contentsOf: Repository.root.appendingPathComponent("grammar/ardoise.ebnf"), encoding: .utf8)) ?? ""
    let textMate =
        (try? String(
            contentsOf: Repository.root.appendingPathComponent("grammar/ardoise.tmLanguage.json"), encoding: .utf8))
        ?? ""
    let parserSource =
        (try? String(
            contentsOf: Repository.root.appendingPathComponent("Sources/ContractLanguage/Parser.swift"), encoding: .utf8
        )) ?? ""

    /// The quoted terminals of the EBNF that are words.
    var terminals: Set<String> {
        var out: Set<String> = []
        let regex = try! Regex(#""([A-Za-z0-9]+)""#)
        for m in ebnf.matches(of: regex) {
            if let w = m.output[1].substring { out.insert(String(w)) }
        }
        return out
    }

    @Test func everyStatementWordIsInBothGrammars() {
        for word in Parser.allStatementWords {
            #expect(terminals.contains(word), "`\(word)` is missing from grammar/ardoise.ebnf")
            #expect(textMate.contains(word), "`\(word)` is missing from grammar/ardoise.tmLanguage.json")
        }
    }

    @Test func everyKeywordOfTheGrammarIsReadByTheParser() {
        let lowered = parserSource.lowercased()
        // cadences are read through `Cadence(rawValue:)` of the billing model
        let cadences = Set(Cadence.allCases.map(\.rawValue))
        for word in terminals where word.count > 1 && !cadences.contains(word) {
            let w = word.lowercased()
            let read =
                lowered.contains("\"\(w)\"") || lowered.contains("\"\(w) ") || lowered.contains(" \(w)\"")
                || lowered.contains(" \(w) ")
            #expect(read, "the EBNF has `\(word)`, which the parser never reads")
        }
    }

    @Test func textMateGrammarIsValidJSONWithCompilingRegexes() throws {
        let json = try JSONSerialization.jsonObject(with: Data(textMate.utf8)) as? [String: Any]
        let repository = try #require(json?["repository"] as? [String: [String: Any]])
        for (name, rule) in repository {
            for key in ["match", "begin", "end"] {
                guard let pattern = rule[key] as? String else { continue }
                let nsPattern = pattern.replacingOccurrences(of: "(?i)", with: "")
                #expect(
                    (try? NSRegularExpression(pattern: nsPattern, options: [.caseInsensitive, .anchorsMatchLines]))
                        != nil, "rule \(name).\(key) does not compile")
            }
        }
    }

    @Test func theEditorGrammarColoursEveryStatementOfTheRules() throws {
        let repository = try #require(
            (try JSONSerialization.jsonObject(with: Data(textMate.utf8)) as? [String: Any])?["repository"]
                as? [String: [String: Any]])
        let statement = try #require(repository["statement"]?["match"] as? String).replacingOccurrences(
            of: "(?i)", with: "")
        let regex = try NSRegularExpression(pattern: statement, options: [.caseInsensitive])
        for file in try Fixtures.ruleFiles() {
            for line in file.text.split(separator: "\n")
            where !line.trimmingCharacters(in: .whitespaces).isEmpty
                && !line.trimmingCharacters(in: .whitespaces).hasPrefix("#")
            {
                let s = String(line)
                #expect(
                    regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil,
                    "\(file.path): `\(s)` is not coloured as a statement")
            }
        }
    }
}
