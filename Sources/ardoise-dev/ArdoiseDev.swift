import ArgumentParser
import CommandSupport
import Foundation

/// `ardoise-dev`: the development tool beside the product. It writes and bills the example workspace (`demo`) and
/// prints the benchmarks' figures (`bench`); the product binary `ardoise` links neither the generator nor the
/// benchmarks (`.ci/check-dependencies` and ProductBinaryTests check it).
@main
struct ArdoiseDev: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ardoise-dev",
        abstract:
            "Ardoise's development tool: the example workspace and the benchmarks (not part of the product `ardoise`).",
        discussion:
            "Exit codes: 0 done; 1 done, but something needs a person; 2 nothing done (wrong arguments, a malformed value).",
        // Grouped as the README's table of commands groups them (CommandGroupsTests checks both agree).
        groupedSubcommands: [
            CommandGroup(name: "Development tool", subcommands: [DemoCommand.self, BenchCommand.self])
        ]
    )

    /// Wrong arguments exit 2, as the product's (`runCommandLine`).
    static func main() {
        runCommandLine(Array(CommandLine.arguments.dropFirst()))
    }
}

/// The product binary the benchmarks run as a person would (`serve`, `export`, every writing command killed by the
/// fault campaigns): `ardoise`, beside this one in the build folder (`swift build` builds both).
enum ProductBinary {
    static func url() throws -> URL {
        let here = (Bundle.main.executableURL ?? URL(fileURLWithPath: "/proc/self/exe")).resolvingSymlinksInPath()
        let product = here.deletingLastPathComponent().appendingPathComponent("ardoise")
        guard FileManager.default.isExecutableFile(atPath: product.path) else {
            printError(
                "ardoise-dev: no `ardoise` beside `\(here.path)`: build the product first "
                    + "(`swift build -c release --product ardoise`); nothing done")
            throw ExitCode(2)
        }
        return product
    }
}
