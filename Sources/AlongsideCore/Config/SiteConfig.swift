import Foundation

/// The weights of the ranking score's components (spec §3). They are non-negative and add
/// up to 1, so every score lies in [0, 1].
public struct ScoreWeights: Sendable, Equatable {
    /// Share of the person's needs found in the mentor's experience.
    public var experience: Double
    /// Closeness of the mentor's localities to the person's.
    public var locality: Double
    /// The mentor speaks the person's language.
    public var language: Double
    /// Free room in the mentor's caseload.
    public var load: Double
    /// The mentor has supported the same person before.
    public var continuity: Double

    /// Makes a set of weights.
    public init(
        experience: Double, locality: Double, language: Double, load: Double,
        continuity: Double
    ) {
        self.experience = experience
        self.locality = locality
        self.language = language
        self.load = load
        self.continuity = continuity
    }

    /// The spec's defaults: 0.50, 0.20, 0.10, 0.10, 0.10.
    public static let standard = ScoreWeights(
        experience: 0.50, locality: 0.20, language: 0.10, load: 0.10, continuity: 0.10)

    /// The weights by component name, in the spec's order.
    public var named: [(String, Double)] {
        [
            ("experience", experience), ("locality", locality), ("language", language),
            ("load", load), ("continuity", continuity),
        ]
    }
}

/// A problem in the site configuration file.
public struct SiteConfigError: Error, CustomStringConvertible, Equatable {
    /// Line of the file (0 when the problem is not on one line).
    public var line: Int
    /// What is wrong and how to fix it.
    public var message: String
    /// `line N: message`.
    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}

/// The site's settings (spec §8): time zone, wait target, ranking weights, safety switches,
/// data files. One home for every key: its name, default, range and meaning.
///
/// A `site.conf` is plain `key = value` lines; `#` starts a comment. The keys are those of
/// `SiteConfig.keys`; `weight.experience` and the other dotted weight names of earlier
/// versions are read as `weight_experience` and so on.
public struct SiteConfig: Sendable, Equatable {
    /// This console's site (spec §9).
    public var site: String = "main"
    /// The IANA zone times are shown and entered in.
    public var timeZoneIdentifier: String
    /// Minutes within which a person should be seen.
    public var targetMinutes: Int
    /// Minutes of waiting from which the board shows a person amber (before the breach).
    public var preBreachMinutes: Int = 45
    /// The ranking weights.
    public var weights: ScoreWeights
    /// Whether everyone, the operating-system user too, needs a PIN.
    public var requirePin: Bool = false
    /// Minutes without input after which the REPL asks for the PIN again (1 to 240).
    public var idleLockMinutes: Int = 15
    /// Whether only signed-in mentors are available (hard rule 8).
    public var requireSignIn: Bool = false
    /// Years after closing after which a presentation's identifiers are removed.
    public var retentionYears: Int = 8
    /// The key file of the keyed audit chain (HMAC-SHA256), if any.
    public var auditKeyFile: String?
    /// The SNOMED CT code of the referral in exports.
    public var referralSnomed: String = "871731000000106"
    /// A site's own tags file, if any (path as written).
    public var tagsFile: String?
    /// A site's own localities file, if any (path as written).
    public var localitiesFile: String?

    /// The defaults: Europe/London, 60 minutes, the spec's weights, the built-in data.
    public init(
        timeZoneIdentifier: String = "Europe/London", targetMinutes: Int = 60,
        weights: ScoreWeights = .standard, tagsFile: String? = nil,
        localitiesFile: String? = nil
    ) {
        self.timeZoneIdentifier = timeZoneIdentifier
        self.targetMinutes = targetMinutes
        self.weights = weights
        self.tagsFile = tagsFile
        self.localitiesFile = localitiesFile
    }

    /// The keys, in the order `config show` lists them.
    public static let keys = [
        "site", "time_zone", "target_minutes", "pre_breach_minutes", "weight_experience",
        "weight_locality", "weight_language", "weight_load", "weight_continuity", "require_pin",
        "idle_lock_minutes", "require_sign_in", "retention_years", "audit_key_file",
        "referral_snomed", "tags_file", "localities_file",
    ]

    /// The keys whose values change figures or safety (kept in the database, spec §8).
    public static let databaseKeys = keys.filter { $0 != "tags_file" && $0 != "localities_file" }

    /// The canonical name of a key as typed (`weight.load` → `weight_load`, any case), or nil
    /// if there is no such key.
    public static func canonicalKey(_ typed: String) -> String? {
        var key = typed.lowercased()
        if key.hasPrefix("weight.") { key = "weight_" + key.dropFirst(7) }
        return keys.contains(key) ? key : nil
    }

    /// Sets one key from its text, checking it (but not the sum of the weights; see
    /// `validate()`).
    public mutating func set(_ typedKey: String, _ value: String) throws(SiteConfigError) {
        guard let key = Self.canonicalKey(typedKey) else {
            throw SiteConfigError(
                line: 0,
                message:
                    "unknown key '\(typedKey)'\(Suggestion.didYouMean(typedKey.lowercased().replacingOccurrences(of: "weight.", with: "weight_"), in: Self.keys))"
            )
        }
        func fail(_ what: String) -> SiteConfigError {
            SiteConfigError(line: 0, message: "\(key): '\(value)' is not \(what)")
        }
        func whole(_ range: ClosedRange<Int>) throws(SiteConfigError) -> Int {
            guard let n = Int(value), range.contains(n) else {
                throw fail("a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }
        func weight() throws(SiteConfigError) -> Double {
            guard let x = Double(value), x.isFinite, x >= 0, x <= 1 else {
                throw fail("a number from 0 to 1")
            }
            return x
        }
        func yesNo() throws(SiteConfigError) -> Bool {
            switch value.lowercased() {
            case "yes", "true", "on", "1": return true
            case "no", "false", "off", "0": return false
            default: throw fail("yes or no")
            }
        }
        switch key {
        case "site":
            guard SiteName.isValid(value) else {
                throw fail("a site name (letters, digits and '-', at most 32)")
            }
            site = value.lowercased()
        case "time_zone":
            guard TimeZone(identifier: value) != nil else { throw fail("a known zone (e.g. Europe/London)") }
            timeZoneIdentifier = value
        case "target_minutes": targetMinutes = try whole(1...1440)
        case "pre_breach_minutes": preBreachMinutes = try whole(0...1440)
        case "weight_experience": weights.experience = try weight()
        case "weight_locality": weights.locality = try weight()
        case "weight_language": weights.language = try weight()
        case "weight_load": weights.load = try weight()
        case "weight_continuity": weights.continuity = try weight()
        case "require_pin": requirePin = try yesNo()
        case "idle_lock_minutes": idleLockMinutes = try whole(1...240)
        case "require_sign_in": requireSignIn = try yesNo()
        case "retention_years": retentionYears = try whole(1...100)
        case "audit_key_file":
            auditKeyFile = value.isEmpty || value.lowercased() == "none" ? nil : value
        case "referral_snomed":
            guard (6...18).contains(value.count), value.allSatisfy({ $0 >= "0" && $0 <= "9" }),
                value.first != "0"
            else { throw fail("a SNOMED CT concept id (6 to 18 digits)") }
            referralSnomed = value
        case "tags_file": tagsFile = value.isEmpty ? nil : value
        case "localities_file": localitiesFile = value.isEmpty ? nil : value
        default: break
        }
    }

    /// The value of a key as text (`none` for an unset file), or nil for an unknown key.
    public func value(of typedKey: String) -> String? {
        guard let key = Self.canonicalKey(typedKey) else { return nil }
        func yesNo(_ b: Bool) -> String { b ? "yes" : "no" }
        switch key {
        case "site": return site
        case "time_zone": return timeZoneIdentifier
        case "target_minutes": return "\(targetMinutes)"
        case "pre_breach_minutes": return "\(preBreachMinutes)"
        case "weight_experience": return "\(weights.experience)"
        case "weight_locality": return "\(weights.locality)"
        case "weight_language": return "\(weights.language)"
        case "weight_load": return "\(weights.load)"
        case "weight_continuity": return "\(weights.continuity)"
        case "require_pin": return yesNo(requirePin)
        case "idle_lock_minutes": return "\(idleLockMinutes)"
        case "require_sign_in": return yesNo(requireSignIn)
        case "retention_years": return "\(retentionYears)"
        case "audit_key_file": return auditKeyFile ?? "none"
        case "referral_snomed": return referralSnomed
        case "tags_file": return tagsFile ?? "none"
        case "localities_file": return localitiesFile ?? "none"
        default: return nil
        }
    }

    /// Every key with its value, in `keys` order.
    public var entries: [(key: String, value: String)] {
        Self.keys.map { ($0, value(of: $0) ?? "") }
    }

    /// Checks what no single key can: the weights add up to 1.
    public func validate() throws(SiteConfigError) {
        let sum = weights.named.reduce(0) { $0 + $1.1 }
        guard abs(sum - 1) < 1e-9 else {
            throw SiteConfigError(
                line: 0,
                message:
                    "the weights add up to \(sum), not 1: change them so that weight_experience + weight_locality + weight_language + weight_load + weight_continuity = 1"
            )
        }
    }

    /// Reads and validates a configuration text; anything not given keeps its default.
    public init(text: String) throws(SiteConfigError) {
        self.init()
        var seen: Set<String> = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated()
        {
            let lineNo = index + 1
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw SiteConfigError(line: lineNo, message: "expected 'key = value'")
            }
            let typed = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let key = Self.canonicalKey(typed), !seen.insert(key).inserted {
                throw SiteConfigError(line: lineNo, message: "'\(key)' is set twice")
            }
            do { try set(typed, value) } catch { throw SiteConfigError(line: lineNo, message: error.message) }
        }
        try validate()
    }

    /// The configuration written out as a file that reads back to the same settings.
    public var text: String {
        var s = "# Alongside site configuration\n"
        for (key, value) in entries where !(value == "none" && key.hasSuffix("_file")) {
            s += "\(key) = \(value)\n"
        }
        return s
    }
}

/// Site names (spec §9): letters, digits and `-`, at most 32, compared without case.
public enum SiteName {
    /// The site of a console that names none and of a database whose `site` setting is unset.
    public static let main = "main"
    /// The word that covers every site of the trust (`--site all`).
    public static let all = "all"

    /// Whether `text` can name a site.
    public static func isValid(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 32 && text.first != "-"
            && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }
    }
}
