import Foundation

/// Runs the built binaries in a hostile environment: through a shell that
/// limits the size of every file the process writes (a disk that fills up),
/// or another program beside them (an `sqlite3` shell holding a lock).
public enum HostileEnvironment {
    /// `ardoise arguments…` in `directory`, unable to write any file past
    /// `kilobytes` (RLIMIT_FSIZE, with SIGXFSZ ignored so a write fails with
    /// EFBIG as on a full disk instead of killing the process).
    public static func run(_ arguments: [String], in directory: URL, fileSizeLimitKB kilobytes: Int) throws -> Execution
    {
        guard let binary = Executable.url else {
            throw HarnessError("no `ardoise` binary: run `swift build` first, or set ARDOISE_BINARY")
        }
        return try run(
            tool: "/bin/bash",
            ["-c", "trap '' XFSZ; ulimit -f \(kilobytes); exec \"$0\" \"$@\"", binary.path] + arguments,
            in: directory, shown: arguments)
    }

    /// A tool run to its end in `directory`, its outputs kept apart (in files under `/tmp`, outside any limit's reach).
    public static func run(tool: String, _ arguments: [String], in directory: URL, shown: [String]? = nil) throws
        -> Execution
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["USER"] = "tester"
        process.environment = environment
        let scratch = Repository.temporaryDirectory("ardoise-outputs")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout"), err = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Execution(
            arguments: shown ?? arguments, status: process.terminationStatus,
            stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// An `sqlite3` shell holding `BEGIN EXCLUSIVE` on a database until `release()`.
    public final class Lock {
        let process = Process()
        let input = Pipe()

        public init(database: URL) throws {
            let output = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["sqlite3", database.path]
            process.standardInput = input
            process.standardOutput = output
            process.standardError = output
            try process.run()
            input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\n.print locked\n".utf8))
            var text = ""
            while !text.contains("locked") {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
            }
            guard text.contains("locked"), !text.contains("Error") else {
                process.terminate()
                throw HarnessError("sqlite3 could not take the lock: \(text)")
            }
        }

        /// Rolls back (nothing of the lock's own write stays) and ends the shell.
        public func release() {
            input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }
}
