import Foundation

/// The inbox is hostile ground: transfer tools, people and mistakes put
/// there more than register files. What the importers accept is a regular
/// file (directly or through a symbolic link to one); everything else is
/// refused with a line that names it, and the rest of the inbox goes on.
enum InboxFile {
    /// What a file's mode says it is, in words.
    static func kind(mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// Why `path` could not be opened, in words.
    static func openFailure(path: String, errno code: Int32) -> String {
        switch code {
        case ELOOP: return "`\(path)` is a symbolic link that loops: nothing read"
        case ENOENT:
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                return "`\(path)` is a symbolic link to nothing: nothing read"
            }
            return "`\(path)` vanished before it could be read: nothing imported"
        case EACCES: return "`\(path)` cannot be read (permission denied): nothing imported"
        case ENXIO: return "`\(path)` is a socket or a device with nothing behind it: nothing read"
        default: return "`\(path)` cannot be opened (\(String(cString: strerror(code)))): nothing imported"
        }
    }
}
