import Foundation

/// Why a file could not be written, as a sentence a person can act on.
public struct SafeFileError: Error, CustomStringConvertible, Equatable {
    /// The sentence.
    public var description: String
}

/// The one way Alongside writes a file (reports, exports, backups; spec §8): under a fresh
/// unpredictable name in the target folder, created with `O_EXCL | O_NOFOLLOW` and mode
/// 0600 (so a planted file or symlink is never followed or reused), fsynced, renamed over
/// the target only when complete, and the folder fsynced. Until `commit`, the previous
/// file is untouched; `discard` removes the temporary file.
public final class PendingFile {
    /// The file it will become.
    public let path: String
    /// The temporary file being written.
    public let temporaryPath: String
    private var fd: Int32
    private let identity: (dev: UInt64, ino: UInt64)

    /// Creates the temporary file beside `path` (`~` expanded).
    public init(replacing path: String) throws(SafeFileError) {
        let full = (path as NSString).expandingTildeInPath
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), isDir.boolValue {
            throw SafeFileError(description: "'\(path)' is a folder; give a file name")
        }
        let url = URL(fileURLWithPath: full)
        let folder = url.deletingLastPathComponent().path
        var g = SystemRandomNumberGenerator()
        let random = (0..<16).map { _ in
            String(format: "%02x", UInt8.random(in: 0...255, using: &g))
        }
        .joined()
        let temporary = (folder as NSString).appendingPathComponent(
            ".\(url.lastPathComponent).tmp-\(random)")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SafeFileError(description: "cannot write '\(path)': \(Self.reason(errno))")
        }
        var st = stat()
        fstat(fd, &st)
        fchmod(fd, 0o600)
        self.path = full
        self.temporaryPath = temporary
        self.fd = fd
        self.identity = (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends bytes to the temporary file.
    public func write(_ bytes: [UInt8]) throws(SafeFileError) {
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes {
                Foundation.write(fd, $0.baseAddress, $0.count)
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let e = n < 0 ? errno : ENOSPC
                discard()
                throw SafeFileError(description: "could not write '\(path)': \(Self.reason(e))")
            }
            written += n
        }
    }

    /// Makes the temporary file durable and checks it is still the file created (not
    /// replaced by someone else meanwhile).
    func seal() throws(SafeFileError) {
        var st = stat()
        guard lstat(temporaryPath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG,
            UInt64(st.st_dev) == identity.dev, UInt64(st.st_ino) == identity.ino
        else {
            discard()
            throw SafeFileError(
                description: "'\(temporaryPath)' was replaced while it was being written; "
                    + "nothing was changed (check who else can write that folder)")
        }
        if fsync(fd) != 0 {
            let e = errno
            discard()
            throw SafeFileError(description: "could not write '\(path)': \(Self.reason(e))")
        }
    }

    /// Renames the complete file into place and fsyncs the folder.
    public func commit() throws(SafeFileError) { try Self.commit([self]) }

    /// Seals every file first, then renames them all, so a failure leaves every previous
    /// file untouched.
    public static func commit(_ files: [PendingFile]) throws(SafeFileError) {
        do {
            for f in files { try f.seal() }
        } catch {
            for f in files { f.discard() }
            throw error
        }
        for f in files {
            close(f.fd)
            f.fd = -1
            if rename(f.temporaryPath, f.path) != 0 {
                let e = errno
                for g in files { g.discard() }
                throw SafeFileError(description: "could not write '\(f.path)': \(reason(e))")
            }
        }
        for folder in Set(
            files.map { URL(fileURLWithPath: $0.path).deletingLastPathComponent().path })
        {
            let d = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if d >= 0 {
                fsync(d)
                close(d)
            }
        }
    }

    /// Removes the temporary file (the previous file stays as it was).
    public func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(temporaryPath)
        unlink(temporaryPath + "-journal")
    }

    /// Writes `bytes` to `path` safely in one step.
    public static func write(_ bytes: [UInt8], to path: String) throws(SafeFileError) {
        let f = try PendingFile(replacing: path)
        try f.write(bytes)
        try f.commit()
    }

    /// A sentence for an errno value.
    public static func reason(_ code: Int32) -> String {
        switch code {
        case ENOSPC: "the disk is full; free some space and try again"
        case EFBIG: "the file would be larger than this process may write (a file size limit)"
        case EDQUOT: "the disk quota is used up; free some space and try again"
        case EACCES, EPERM: "permission denied; choose a folder you can write"
        case ENOENT: "the folder does not exist"
        case EROFS: "the disk is read-only"
        case EEXIST, ELOOP: "a file or link is in the way of the temporary file"
        default: String(cString: strerror(code))
        }
    }
}
