import Crypto
import Foundation
import Ledger

/// Reads a file in chunks into a growable byte window, hashing every byte
/// once as it arrives: the importers' only way to read input, so memory stays
/// flat whatever the file size.
struct ChunkReader {
    static let chunkSize = 1 << 20

    private let handle: FileHandle
    /// The window: valid bytes are `buffer[start..<end]`.
    private(set) var buffer: [UInt8]
    private(set) var start = 0
    private(set) var end = 0
    private(set) var atEOF = false
    private(set) var size: Int64 = 0
    /// The file's size when opened.
    let fileSize: Int64
    /// The file's modification time when opened, to see a file rewritten while read.
    private let modified: timespec
    private let path: String
    private var hasher = SHA256()

    /// Opens a regular file for reading, and nothing else: a FIFO, socket,
    /// device or directory named like an inbox file is refused at once
    /// (opened non-blocking, so a FIFO with no writer cannot hang the run),
    /// as is a symbolic link that loops or leads nowhere.
    init(url: URL) throws {
        path = url.path
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw Refusal(reason: InboxFile.openFailure(path: path, errno: errno)) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw Refusal(reason: InboxFile.openFailure(path: path, errno: code))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            _ = Glibc.close(fd)
            throw Refusal(
                reason: "`\(path)` is \(InboxFile.kind(mode: info.st_mode)), not a regular file: nothing read")
        }
        // Back to blocking reads for the regular file.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        // A small file gets a window its size (plus one byte to see the end at
        // once), a large one a window of one chunk.
        let known = Int(info.st_size)
        fileSize = Int64(known)
        modified = info.st_mtim
        buffer = [UInt8](repeating: 0, count: min(max(known, 0), ChunkReader.chunkSize) + 1)
    }

    /// At end of file: the file must still be the one opened, whole and
    /// unchanged, or the import is refused (and its transaction rolled back).
    private func checkUnchanged() throws {
        var info = stat()
        guard fstat(handle.fileDescriptor, &info) == 0 else {
            throw Refusal(reason: "`\(path)` could not be checked after reading: nothing imported")
        }
        if info.st_nlink == 0 {
            throw Refusal(reason: "`\(path)` vanished while being read: nothing imported; deliver it again")
        }
        if Int64(info.st_size) != fileSize || size != fileSize
            || info.st_mtim.tv_sec != modified.tv_sec || info.st_mtim.tv_nsec != modified.tv_nsec
        {
            throw Refusal(
                reason: "`\(path)` changed while being read (still being written?): nothing imported; "
                    + "it is imported once complete, at the next import")
        }
    }

    /// Makes `start` the new beginning of the window and reads more bytes after
    /// `end`; returns false at end of file.
    mutating func fill(keepingFrom keep: Int) throws -> Bool {
        if atEOF { return false }
        // Move the unconsumed tail to the front, growing when a record is longer than the window.
        let kept = end - keep
        if keep > 0 {
            buffer.withUnsafeMutableBufferPointer { b in
                if let base = b.baseAddress, kept > 0 { base.update(from: base + keep, count: kept) }
            }
        }
        start = 0
        end = kept
        if end == buffer.count {
            // A record longer than the window (or a file that grew): double it.
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        let want = buffer.count - end
        let fd = handle.fileDescriptor
        var got = 0
        try buffer.withUnsafeMutableBufferPointer { b in
            guard let base = b.baseAddress else { return }
            while true {
                let n = read(fd, base + end, want)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CocoaError(.fileReadUnknown)
                }
                got = n
                break
            }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: base + end, count: got))
        }
        if got == 0 {
            atEOF = true
            try checkUnchanged()
            return false
        }
        end += got
        size += Int64(got)
        return true
    }

    /// The SHA-256 of every byte read so far (call once, at end of file).
    mutating func digest() -> String { ContentHash.hex(hasher.finalize()) }

    func close() { try? handle.close() }

    /// The SHA-256 and size of a whole file, read in chunks.
    static func hash(url: URL) throws -> (sha256: String, size: Int64) {
        var reader = try ChunkReader(url: url)
        defer { reader.close() }
        while try reader.fill(keepingFrom: reader.end) {}
        return (reader.digest(), reader.size)
    }
}
