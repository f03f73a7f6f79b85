import Foundation
import Testing
import TestSupport

/// `ardoise --help` (and the development tool's `ardoise-dev --help`) group their subcommands
/// as the README's table of commands groups them, so a reader of either finds a command in the same place.
@Suite struct CommandGroupsTests {
    /// Group name → subcommands, in order, from the help's `NAME SUBCOMMANDS:` sections.
    static func helpGroups(_ help: String) -> [(String, [String])] {
        var groups: [(String, [String])] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasSuffix(" SUBCOMMANDS:") {
                groups.append((String(line.dropLast(" SUBCOMMANDS:".count)).lowercased(), []))
            } else if !groups.isEmpty, line.hasPrefix("  "), !line.hasPrefix("   ") {
                let name = line.dropFirst(2).prefix { $0 != " " }
                // The closing "See 'ardoise help <subcommand>'" line is not a command.
                if name.allSatisfy({ $0.isLowercase || $0 == "-" }) { groups[groups.count - 1].1.append(String(name)) }
            } else if !line.hasPrefix("  "), !line.isEmpty, !groups.isEmpty, !line.hasSuffix("SUBCOMMANDS:") {
                break
            }
        }
        return groups
    }

    /// Group name → the distinct commands of its rows, in order, from the README's `## Commands` table: the groups
    /// whose rows are commands of `tool` (`ardoise`, or the development tool `ardoise-dev`).
    static func readmeGroups(_ readme: String, of tool: Tool = .ardoise) -> [(String, [String])] {
        var groups: [(String, [String])] = []
        guard let start = readme.range(of: "\n## Commands\n") else { return [] }
        let row = "| `\(tool.rawValue) "
        for line in readme[start.upperBound...].split(separator: "\n") {
            if line.hasPrefix("## ") { break }
            if line.hasPrefix("| **"), let end = line.range(of: "** |") {
                groups.append(
                    (String(line[line.index(line.startIndex, offsetBy: 4)..<end.lowerBound]).lowercased(), []))
            } else if line.hasPrefix(row), !groups.isEmpty {
                let name = String(line.dropFirst(row.count).prefix { $0.isLetter })
                if !groups[groups.count - 1].1.contains(name) { groups[groups.count - 1].1.append(name) }
            }
        }
        return groups.filter { !$0.1.isEmpty }
    }

    @Test func theHelpAndTheReadmeGroupTheSameCommands() throws {
        let help = try Executable.run(["--help"], in: Repository.root)
        expectRuns(help)
        let fromHelp = Self.helpGroups(help.stdout)
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let fromReadme = Self.readmeGroups(readme)
        #expect(fromHelp.count >= 7, "the help lists its groups: \(help.stdout)")
        #expect(fromHelp.map(\.0) == fromReadme.map(\.0))
        for (h, r) in zip(fromHelp, fromReadme) {
            #expect(Set(h.1) == Set(r.1), "group \(h.0): help \(h.1), README \(r.1)")
        }
        // Every subcommand is in a group: none is listed apart.
        #expect(!help.stdout.contains("\nSUBCOMMANDS:"))
    }

    /// The development tool's groups (`demo`, `bench`) are the table's rows of `ardoise-dev`, and none of the product's.
    @Test func theDevToolsHelpAndTheReadmeGroupTheSameCommands() throws {
        let help = try Executable.run(["--help"], in: Repository.root, tool: .ardoiseDev)
        expectRuns(help)
        let fromHelp = Self.helpGroups(help.stdout)
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let fromReadme = Self.readmeGroups(readme, of: .ardoiseDev)
        #expect(fromHelp.map(\.0) == fromReadme.map(\.0), "\(help.stdout)")
        for (h, r) in zip(fromHelp, fromReadme) {
            #expect(Set(h.1) == Set(r.1), "group \(h.0): help \(h.1), README \(r.1)")
        }
        #expect(Set(fromHelp.flatMap(\.1)) == ["demo", "bench"])
        #expect(!help.stdout.contains("\nSUBCOMMANDS:"))
    }
}
