import Foundation
import Testing
import TestSupport

/// The web app reads the ledger through named queries (the client scope a parameter, applied before any limit):
/// no file of it imports GRDB, writes SQL or reaches the ledger's connection; and each screen has its own file.
@Suite struct ScreensSpeakNoSQLTests {
    static let folder = Repository.root.appendingPathComponent("Sources/WebApp")

    static func sources() throws -> [(name: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }.sorted().map
        {
            ($0, try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8))
        }
    }

    @Test func noFileOfTheWebAppSpeaksSQL() throws {
        let files = try Self.sources()
        #expect(files.count > 20)
        for (name, text) in files {
            #expect(!text.contains("import GRDB"), "\(name) imports GRDB")
            #expect(!text.contains(".pool"), "\(name) reaches the ledger's connection")
            for keyword in ["SELECT ", "INSERT ", "UPDATE ", "DELETE FROM", "sql:"] {
                #expect(!text.contains(keyword), "\(name) writes SQL (`\(keyword)`)")
            }
        }
    }

    @Test func eachScreenHasItsOwnFile() throws {
        let names = Set(try Self.sources().map(\.name))
        #expect(!names.contains("Pages.swift"))
        for screen in [
            "SignInScreen", "HomeScreen", "DashboardScreen", "ProformasScreen", "InvoicesScreen", "PaymentsScreen",
            "ManualScreen",
            "UnbilledScreen", "ImportsScreen", "ClientsScreen", "AuditScreen", "ClosingScreen", "UsersScreen"
        ] {
            #expect(names.contains(screen + ".swift"), "no \(screen).swift")
        }
    }
}
