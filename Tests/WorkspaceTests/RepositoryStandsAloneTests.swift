import Foundation
import Testing
import TestSupport

/// A clone of the repository is all a developer or CI has: no file of it may
/// lean on reference material kept beside the checkout.
@Suite struct RepositoryStandsAlone {
    /// The folder of reference material beside the checkout, spelled so that
    /// this file does not name it itself.
    static let outsideFolder = ".." + "/" + "shared"

    @Test func noTrackedFileRefersToTheFolderBesideTheCheckout() throws {
        let root = Repository.root
        var offenders: [String] = []
        for path in try Self.trackedFiles(root: root) {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
                continue
            }
            let text = String(decoding: data, as: UTF8.self)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains(Self.outsideFolder) {
                offenders.append("\(path):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders.isEmpty, "files referring to \(Self.outsideFolder):\n\(offenders.joined(separator: "\n"))")
    }

    @Test func theSampleInboxFilesAndTheirFormatsAreInTheRepository() {
        for name in ["PIE_LD01_20261005.csv", "EVT_20261014.jsonl"] {
            #expect(
                FileManager.default.fileExists(atPath: Repository.samples.appendingPathComponent(name).path), "\(name)")
        }
        for name in [
            "examples/formats/pielectronique.md", "examples/formats/event-orders.md", "grammar/contract-terms.md"
        ] {
            #expect(
                FileManager.default.fileExists(atPath: Repository.root.appendingPathComponent(name).path), "\(name)")
        }
    }

    /// The files git tracks (or, in an export without `.git`, every file but build folders).
    static func trackedFiles(root: URL) throws -> [String] {
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(".git").path),
            let listed = try? Tools.run("git", ["-C", root.path, "ls-files", "-co", "--exclude-standard"]),
            listed.status == 0
        {
            return listed.output.split(separator: "\n").map(String.init)
        }
        let all = FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []
        return all.filter { !$0.hasPrefix(".build") && !$0.hasPrefix(".git/") && !$0.hasPrefix(".venv") }
    }
}
