import AlongsideCore
import AlongsideStore
import Foundation

/// Where the settings come from (spec §8): the database holds every setting that changes
/// figures or safety; a `site.conf` only seeds a new database (and names the site's own
/// tags and localities files); on an existing database a disagreeing file is reported and
/// ignored.
enum SiteSettings {
    /// The settings for a session on `store`: the stored ones, or — when the database has
    /// none yet — `file` (or the defaults), stored in one audited `config seed` change.
    /// Returns them with the warnings to show. Installs the keyed chain's key on the store.
    static func load(
        store: any AlongsideStore, file: SiteConfig?, fileText: String?, filePath: String?,
        databasePath: String, actor: String, now: Date
    ) throws -> (SiteConfig, [String]) {
        let stored = try store.read { try $0.settings() }
        var config = SiteConfig()
        var warnings: [String] = []
        if stored.isEmpty {
            config = file ?? SiteConfig()
            let values = SiteConfig.databaseKeys.map { ($0, config.value(of: $0) ?? "") }
            try store.write(ActingContext(actor: actor, command: "config seed", at: now)) { tx in
                if try tx.settings().isEmpty { try tx.seedSettings(values) }
            }
        } else {
            for key in SiteConfig.databaseKeys {
                guard let value = stored[key] else { continue }
                do { try config.set(key, value) } catch {
                    throw CommandError(
                        "the setting \(key) stored in the database is not valid "
                            + "(\(error.message)); "
                            + "set it again with 'config set \(key) VALUE'")
                }
            }
            do { try config.validate() } catch {
                throw CommandError("the settings stored in the database: \(error.message)")
            }
            config.tagsFile = file?.tagsFile
            config.localitiesFile = file?.localitiesFile
            if let file, let fileText, let filePath {
                let differing = explicitKeys(fileText).filter {
                    SiteConfig.databaseKeys.contains($0)
                        && file.value(of: $0) != config.value(of: $0)
                }
                if !differing.isEmpty {
                    let list = differing.map {
                        "\($0) (file \(file.value(of: $0) ?? ""), "
                            + "database \(config.value(of: $0) ?? ""))"
                    }
                    warnings.append(
                        "\(filePath) is ignored for the settings the database holds, and it "
                            + "disagrees: \(list.joined(separator: ", ")); change them with "
                            + "'config set' (admin), or remove them from the file")
                }
            }
        }
        store.setAuditKey(auditKey(config.auditKeyFile, databasePath: databasePath))
        return (config, warnings)
    }

    /// The keys a configuration text sets itself (canonical names).
    static func explicitKeys(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { raw in
            let line =
                raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                .first ?? ""
            guard let eq = line.firstIndex(of: "=") else { return nil }
            return SiteConfig.canonicalKey(line[..<eq].trimmingCharacters(in: .whitespaces))
        }
    }

    /// The key state for `audit_key_file` (none, the key, or why it cannot be read).
    static func auditKey(_ path: String?, databasePath: String) -> AuditKeyState {
        guard let path else { return .none }
        do { return .key(try readKey(path, databasePath: databasePath)) } catch {
            return .unreadable(
                "\(Console.describe(error)); nothing can be written until the key file is back "
                    + "(an admin can name another with 'config set audit_key_file PATH')")
        }
    }

    /// Reads the key file, which must lie outside the database's folder and hold at least
    /// 16 bytes; errors say what to do.
    static func readKey(_ path: String, databasePath: String) throws -> [UInt8] {
        let full = absolute(path)
        func folder(_ p: String) -> String {
            URL(fileURLWithPath: p).deletingLastPathComponent().standardizedFileURL
                .resolvingSymlinksInPath().path
        }
        let keyFolder = folder(full)
        // The trust's database (a URL) has no folder on this machine to keep the key out of.
        let dbFolder = Launcher.isURL(databasePath) ? nil : folder(absolute(databasePath))
        if let dbFolder, keyFolder == dbFolder || keyFolder.hasPrefix(dbFolder + "/") {
            throw CommandError(
                "audit_key_file: '\(path)' is in the database's folder (\(dbFolder)); keep the "
                    + "key elsewhere, so whoever copies the database does not get the key too")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir) else {
            throw CommandError("audit_key_file: there is no key file '\(path)'")
        }
        guard !isDir.boolValue, let data = FileManager.default.contents(atPath: full) else {
            throw CommandError(
                "audit_key_file: cannot read the key file '\(path)' (check its permissions)")
        }
        guard data.count >= 16 else {
            throw CommandError(
                "audit_key_file: '\(path)' holds \(data.count) bytes; a key needs at least 16 "
                    + "random bytes (e.g. head -c 32 /dev/urandom > \(path))")
        }
        return Array(data)
    }

    /// `path` made absolute (`~` expanded, relative to the working folder).
    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") {
            return URL(fileURLWithPath: expanded).standardizedFileURL.path
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent(expanded).standardizedFileURL.path
    }
}
