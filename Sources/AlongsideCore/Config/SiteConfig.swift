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

/// The site's settings: time zone, wait target, ranking weights, data files.
///
/// The file is plain `key = value` lines; `#` starts a comment. Keys:
/// `time_zone`, `target_minutes`, `weight.experience`, `weight.locality`,
/// `weight.language`, `weight.load`, `weight.continuity`, `tags_file`, `localities_file`.
public struct SiteConfig: Sendable, Equatable {
    /// The IANA zone times are shown and entered in.
    public var timeZoneIdentifier: String
    /// Minutes within which a person should be seen.
    public var targetMinutes: Int
    /// The ranking weights.
    public var weights: ScoreWeights
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

    /// The keys the file may hold.
    public static let keys = [
        "time_zone", "target_minutes", "weight.experience", "weight.locality",
        "weight.language", "weight.load", "weight.continuity", "tags_file", "localities_file",
    ]

    /// Reads and validates a configuration text; anything not given keeps its default.
    public init(text: String) throws(SiteConfigError) {
        self.init()
        var w = ScoreWeights.standard
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
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard Self.keys.contains(key) else {
                throw SiteConfigError(
                    line: lineNo,
                    message: "unknown key '\(key)'\(Suggestion.didYouMean(key, in: Self.keys))")
            }
            guard seen.insert(key).inserted else {
                throw SiteConfigError(line: lineNo, message: "'\(key)' is set twice")
            }
            func number() throws(SiteConfigError) -> Double {
                guard let x = Double(value), x.isFinite, x >= 0, x <= 1 else {
                    throw SiteConfigError(
                        line: lineNo, message: "\(key): '\(value)' is not a number from 0 to 1")
                }
                return x
            }
            switch key {
            case "time_zone":
                guard TimeZone(identifier: value) != nil else {
                    throw SiteConfigError(
                        line: lineNo,
                        message: "time_zone: '\(value)' is not a known zone (e.g. Europe/London)")
                }
                timeZoneIdentifier = value
            case "target_minutes":
                guard let m = Int(value), m > 0, m <= 24 * 60 else {
                    throw SiteConfigError(
                        line: lineNo,
                        message: "target_minutes: '\(value)' is not a whole number from 1 to 1440")
                }
                targetMinutes = m
            case "weight.experience": w.experience = try number()
            case "weight.locality": w.locality = try number()
            case "weight.language": w.language = try number()
            case "weight.load": w.load = try number()
            case "weight.continuity": w.continuity = try number()
            case "tags_file": tagsFile = value
            case "localities_file": localitiesFile = value
            default: break
            }
        }
        let sum = w.named.reduce(0) { $0 + $1.1 }
        guard abs(sum - 1) < 1e-9 else {
            throw SiteConfigError(
                line: 0,
                message:
                    "the weights add up to \(sum), not 1: change them so that weight.experience + weight.locality + weight.language + weight.load + weight.continuity = 1"
            )
        }
        weights = w
    }

    /// The configuration written out as a commented file.
    public var text: String {
        var s = "# Alongside site configuration\n"
        s += "time_zone = \(timeZoneIdentifier)\n"
        s += "target_minutes = \(targetMinutes)\n"
        for (name, value) in weights.named { s += "weight.\(name) = \(value)\n" }
        if let tagsFile { s += "tags_file = \(tagsFile)\n" }
        if let localitiesFile { s += "localities_file = \(localitiesFile)\n" }
        return s
    }
}
