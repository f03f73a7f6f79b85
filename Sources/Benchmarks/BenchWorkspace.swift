import Demo
import Foundation

/// The generated example month a benchmark runs on, written once in its
/// scratch folder and reused by later runs (the folder's name carries every
/// parameter and the generator's version, so a change of either writes anew).
enum BenchWorkspace {
    /// The folder of the month, written when missing or incomplete; `note`
    /// says what was done (generated, with its size and time, or reused).
    static func generated(
        in directory: URL, sites: Int, clients: Int, month: String, seed: UInt64,
        prefix: String = "workspace"
    ) throws -> (folder: URL, note: String) {
        let fm = FileManager.default
        let folder = directory.appendingPathComponent(
            "\(prefix)-\(month)-\(sites)x\(clients)-seed\(seed)-v\(DemoGenerator.version)")
        let marker = folder.appendingPathComponent(".complete")
        if fm.fileExists(atPath: marker.path) { return (folder, "reusing \(folder.path)") }
        try? fm.removeItem(at: folder)
        let clock = ContinuousClock()
        let start = clock.now
        let summary = try DemoWorkspace.write(to: folder, sites: sites, clients: clients, month: month, seed: seed)
        try Data().write(to: marker)
        return (
            folder,
            "generated \(summary.clients) clients, \(summary.contracts) contracts, "
                + "\(summary.revenue?.ticketLines ?? 0) ticket lines in \(GenerationBenchmark.seconds(clock.now - start)) s"
        )
    }
}
