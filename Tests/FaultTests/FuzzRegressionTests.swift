import Foundation
import Testing
import TestSupport

/// Every input of the fuzz corpora (`Tests/FuzzCorpus/<target>/`: the seeds, and each input a fuzz target
/// crashed on, committed with its fix) replayed through the same reader by the normal build's `ardoise-fuzz`.
@Suite struct FuzzFoundInputsStayFixed {
    static let replayer: URL? = Executable.url.map {
        $0.deletingLastPathComponent().appendingPathComponent("ardoise-fuzz")
    }

    @Test(arguments: ["contract", "settings", "register", "events", "camt", "payments-csv"])
    func everyInputReturns(target: String) throws {
        let replayer = try #require(Self.replayer, "no `ardoise-fuzz` beside `ardoise`: run `swift build` first")
        let folder = Repository.root.appendingPathComponent("Tests/FuzzCorpus/\(target)")
        let r = try HostileEnvironment.run(tool: replayer.path, [target, folder.path], in: Repository.root)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("\(target): "), "\(r)")
        #expect(!r.stdout.hasPrefix("\(target): 0 inputs"), "\(r)")
    }
}
