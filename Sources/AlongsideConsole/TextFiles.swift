import AlongsideStore
import Foundation

/// Reading the files people give the console, and writing the private files it makes
/// (reports, exports): one place for the checks and the 0600, write-then-rename rule.
enum TextFiles {
    /// Reads a UTF-8 text file (with or without BOM), refusing folders and other encodings
    /// with advice; errors name `field` (the option or argument that gave the path).
    static func read(_ path: String, field: String) throws -> String {
        let full = (path as NSString).expandingTildeInPath
        // A problem with a file is named by the file, as every problem in one is
        // (`FILE:LINE:`); an option names it too where one gave the path.
        let name = field.hasPrefix("--") ? "\(field): \(path)" : path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir) else {
            throw CommandError("\(name): no such file; check the name and folder")
        }
        if isDir.boolValue {
            throw CommandError("\(name): is a folder; give the file in it")
        }
        guard let data = FileManager.default.contents(atPath: full) else {
            throw CommandError("\(name): cannot be read (check its permissions)")
        }
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            throw CommandError(
                "\(name): is UTF-16 text; save it from the spreadsheet as 'CSV UTF-8'")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            // Like every other problem in a file, it is reported at its line.
            throw CommandError(
                "\(path):\(firstNonUTF8Line(data)): not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8'")
        }
        return text
    }

    /// The physical line (from 1) holding the first byte that is not valid UTF-8.
    static func firstNonUTF8Line(_ data: Data) -> Int {
        let bytes = [UInt8](data)
        var line = 1
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return line
            }
            guard i + length <= bytes.count,
                String(validating: bytes[i..<i + length], as: UTF8.self) != nil
            else { return line }
            if b == 0x0A { line += 1 }
            i += length
        }
        return line
    }

    /// Writes `text` to `path` the one safe way (`PendingFile`: a fresh unpredictable
    /// temporary name beside it, `O_EXCL | O_NOFOLLOW`, mode 0600, fsync, rename, folder
    /// fsync), so a reader never sees half a file and a planted symlink is never followed.
    static func writePrivate(_ text: String, to path: String, field: String) throws {
        try writePrivate([(text, path)], field: field)
    }

    /// Writes several files together: every one is complete on disk before any replaces its
    /// target, so a failure leaves all the previous files untouched.
    static func writePrivate(_ files: [(text: String, path: String)], field: String) throws {
        var pending: [PendingFile] = []
        do {
            for (text, path) in files {
                let f = try PendingFile(replacing: path)
                pending.append(f)
                try f.write(Array(text.utf8))
            }
            try PendingFile.commit(pending)
        } catch {
            for f in pending { f.discard() }
            throw CommandError.field(field, error.description)
        }
    }

    /// 100000 → "100,000".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
