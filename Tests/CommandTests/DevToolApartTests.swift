import Foundation
import Testing
import TestSupport

/// The example generator and the benchmarks are the development tool's (`ardoise-dev demo …`, `ardoise-dev bench …`):
/// the product binary `ardoise` neither offers the commands nor carries their code.
@Suite struct DevToolApartTests {
    /// `demo` and `bench` are unknown to the product: wrong arguments, exit 2 with the parser's message, nothing written.
    @Test func theProductRefusesDemoAndBenchAsUnknownCommands() throws {
        let root = Repository.temporaryDirectory("product-without-demo")
        for arguments in [["demo"], ["demo", "generate"], ["demo", "run"], ["bench", "lint"], ["bench", "faults"]] {
            let r = try Executable.run(arguments, in: root)
            #expect(r.status == 2, "\(r)")
            #expect(
                r.stderr.lowercased().contains("unexpected argument") && r.stderr.contains("'\(arguments[0])'"), "\(r)")
            #expect(r.stdout.isEmpty, "\(r)")
        }
        // With the dev tool's options, the parser stops at the first it does not know: nothing is written either.
        let generate = try Executable.run(
            ["demo", "generate", "--out", "ws", "--sites", "1", "--clients", "3"], in: root)
        #expect(generate.status == 2 && generate.stderr.contains("Unknown option '--out'"), "\(generate)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !$0.hasPrefix(".") }.isEmpty)
        // The product's help names neither.
        let help = try Executable.run(["--help"], in: root)
        #expect(!help.stdout.contains("\n  demo ") && !help.stdout.contains("\n  bench "), "\(help)")
    }

    @Test func theDevToolGeneratesTheExampleWorkspace() throws {
        let root = Repository.temporaryDirectory("dev-tool-demo")
        let r = try Executable.run(
            ["demo", "generate", "--out", "ws", "--sites", "1", "--clients", "3"], in: root, tool: .ardoiseDev)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == "wrote ws: 3 clients, 1 sites, 3 contracts\n", "\(r)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("ws/ardoise.yaml").path))
        // The product opens what the dev tool wrote.
        let created = try Executable.run(["init"], in: root.appendingPathComponent("ws"))
        #expect(created.status == 0, "\(created)")
    }

    /// The product's binary holds no type of the generator nor of the benchmarks (their names are in Swift's type
    /// metadata and symbols of a binary that links them, as the dev tool's shows).
    @Test func theProductBinaryCarriesNoDemoNorBenchmarkCode() throws {
        let product = try #require(Executable.url(of: .ardoise))
        let dev = try #require(Executable.url(of: .ardoiseDev))
        let names = ["Camt053Writer", "DemoWorkspace", "FaultCampaign", "YearBenchmark"]
        let inDev = try Self.contains(names, in: dev)
        #expect(inDev == Set(names), "the dev tool's binary should name them all: \(inDev)")
        let inProduct = try Self.contains(names, in: product)
        #expect(inProduct.isEmpty, "`ardoise` carries \(inProduct.sorted())")
    }

    /// Which of `names` occur as bytes in the file.
    static func contains(_ names: [String], in file: URL) throws -> Set<String> {
        let data = try Data(contentsOf: file, options: .alwaysMapped)
        var found: Set<String> = []
        for name in names where data.range(of: Data(name.utf8)) != nil { found.insert(name) }
        return found
    }
}
