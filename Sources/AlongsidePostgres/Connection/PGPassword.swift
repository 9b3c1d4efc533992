import Foundation

/// Where a trust database password comes from, as libpq does it: `$PGPASSWORD`, else the
/// password file (`$PGPASSFILE`, else `~/.pgpass`). A URL never carries one.
public enum PGPassword {
    /// A lookup's outcome: the password, if any, and a warning to show when the password
    /// file was ignored.
    public struct Lookup: Sendable, Equatable {
        /// The password found, or nil.
        public var password: String?
        /// Why the password file was not read (it is readable by others), in plain words with
        /// the fix; never contains a password.
        public var warning: String?
    }

    /// The password for `url`: a non-empty `$PGPASSWORD`, else the first matching line of the
    /// password file, else nil.
    public static func lookup(
        url: PostgresURL, environment: [String: String], homeDirectory: String
    ) -> String? {
        find(url: url, environment: environment, homeDirectory: homeDirectory).password
    }

    /// As ``lookup(url:environment:homeDirectory:)``, also saying when the password file was
    /// ignored because group or others may read it (libpq ignores it then, and so do we).
    public static func find(
        url: PostgresURL, environment: [String: String], homeDirectory: String
    ) -> Lookup {
        if let password = environment["PGPASSWORD"], !password.isEmpty {
            return Lookup(password: password, warning: nil)
        }
        let path: String
        let shown: String
        if let file = environment["PGPASSFILE"], !file.isEmpty {
            path = file
            shown = file
        } else {
            path = (homeDirectory.hasSuffix("/") ? homeDirectory : homeDirectory + "/") + ".pgpass"
            shown = "~/.pgpass"
        }
        var info = stat()
        guard stat(path, &info) == 0 else { return Lookup(password: nil, warning: nil) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return Lookup(
                password: nil, warning: "warning: \(shown) is not a plain file, so it is not read")
        }
        if info.st_mode & 0o077 != 0 {
            return Lookup(
                password: nil,
                warning: "warning: \(shown) is not read because other users may read it; "
                    + "run chmod 600 \(shown)")
        }
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else {
            return Lookup(password: nil, warning: nil)
        }
        let password = match(text, url: url)
        return Lookup(password: password?.isEmpty == false ? password : nil, warning: nil)
    }

    /// The password from the first line of a libpq password file (`host:port:db:user:password`,
    /// `*` matching anything, `\:` and `\\` escaping) that matches `url`. For a unix socket
    /// host, a line matches when its host is `localhost` or the socket directory itself.
    public static func match(_ fileText: String, url: PostgresURL) -> String? {
        let hosts = url.isSocket ? [url.host, "localhost"] : [url.host]
        let port = String(url.port)
        for rawLine in fileText.split(whereSeparator: \.isNewline) {
            let line = Array(rawLine.utf8)
            if line.isEmpty || line[0] == UInt8(ascii: "#") { continue }
            for host in hosts {
                var at = 0
                guard matchField(line, &at, host), matchField(line, &at, port),
                      matchField(line, &at, url.database), matchField(line, &at, url.user)
                else { continue }
                return unescapePassword(line[at...])
            }
        }
        return nil
    }

    /// Whether the field at `at` is `*` or equals `token` (after unescaping), moving `at`
    /// past the field and its `:`. A last field with no `:` after it never matches, as in libpq.
    private static func matchField(_ line: [UInt8], _ at: inout Int, _ token: String) -> Bool {
        let colon = UInt8(ascii: ":")
        let backslash = UInt8(ascii: "\\")
        if at + 1 < line.count, line[at] == UInt8(ascii: "*"), line[at + 1] == colon {
            at += 2
            return true
        }
        let want = Array(token.utf8)
        var i = at
        var j = 0
        while i < line.count {
            var c = line[i]
            var escaped = false
            if c == backslash, i + 1 < line.count {
                i += 1
                c = line[i]
                escaped = true
            }
            if c == colon, !escaped {
                guard j == want.count else { return false }
                at = i + 1
                return true
            }
            guard j < want.count, want[j] == c else { return false }
            i += 1
            j += 1
        }
        return false
    }

    /// The password: the rest of the line up to an unescaped `:`, backslash escapes removed.
    private static func unescapePassword(_ rest: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        var i = rest.startIndex
        while i < rest.endIndex {
            var c = rest[i]
            if c == UInt8(ascii: ":") { break }
            if c == UInt8(ascii: "\\"), i + 1 < rest.endIndex {
                i += 1
                c = rest[i]
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
