import Foundation
import Testing

/// Golden files: the expected output of a test, kept beside the tests and read
/// by a person once. A missing golden file fails the test while recording it,
/// so a new case is never accepted unseen; `ARDOISE_RECORD=1` re-records all.
public enum Golden {
    /// Compares `actual` with the file at `path`; records it when missing.
    public static func assertMatches(
        _ actual: String, file path: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let fm = FileManager.default
        let record = ProcessInfo.processInfo.environment["ARDOISE_RECORD"] == "1"
        if record || !fm.fileExists(atPath: path) {
            try? fm.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            if !record {
                Issue.record(
                    "golden file \(path) was missing: recorded it, read it, and run again",
                    sourceLocation: sourceLocation)
            }
            return
        }
        let expected = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        if expected != actual {
            Issue.record(
                "output differs from golden \(path)\n--- expected\n\(expected)\n--- actual\n\(actual)",
                sourceLocation: sourceLocation)
        }
    }
}

/// Paths of the repository, for tests that read its files.
public enum Repository {
    /// The repository root (the folder holding Package.swift).
    public static var root: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// The sample inbox files of `examples/samples` (their formats: `examples/formats`).
    public static var samples: URL { root.appendingPathComponent("examples/samples") }

    /// A fresh temporary directory, removed by the caller or left for the OS.
    public static func temporaryDirectory(_ name: String = "ardoise") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
