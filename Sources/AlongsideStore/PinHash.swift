import AlongsideCore
import Crypto
import Foundation
import _CryptoExtras

/// Salted, slow PIN hashes (spec §8): PBKDF2-HMAC-SHA256 through swift-crypto, stored as
/// `pbkdf2-sha256$ROUNDS$SALT$HASH` with a 16-byte random salt and a 32-byte hash, both
/// base64. Only the hash is ever stored. Hashes written by earlier versions (hex salt and
/// hash, fewer rounds) still verify and are re-hashed at the next correct entry.
public enum PinHash {
    /// Rounds for new hashes: OWASP's current figure for PBKDF2-HMAC-SHA256.
    public static let rounds = 600_000

    /// Hashes `pin` with a fresh random salt.
    public static func make(_ pin: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let hash = derive(pin, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$"
            + Data(hash).base64EncodedString()
    }

    /// Whether `pin` matches the stored hash (constant-time comparison).
    public static func verify(_ pin: String, against stored: String) -> Bool {
        guard let parsed = parse(stored) else { return false }
        let actual = derive(pin, salt: parsed.salt, rounds: parsed.rounds)
        guard actual.count == parsed.hash.count else { return false }
        var diff: UInt8 = 0
        for (a, b) in zip(actual, parsed.hash) { diff |= a ^ b }
        return diff == 0
    }

    /// Whether a stored hash is weaker than what `make` writes now (fewer rounds, or the old
    /// hex form), so it should be re-hashed at the next correct entry.
    public static func needsUpgrade(_ stored: String) -> Bool {
        guard let parsed = parse(stored) else { return true }
        return parsed.rounds < rounds || parsed.hex
    }

    private static func parse(_ stored: String) -> (rounds: Int, salt: [UInt8], hash: [UInt8], hex: Bool)? {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let n = Int(parts[1]), n > 0,
            n <= 100_000_000
        else { return nil }
        if let salt = unhex(parts[2]), let hash = unhex(parts[3]) {
            return (n, salt, hash, true)
        }
        guard let salt = Data(base64Encoded: parts[2]), let hash = Data(base64Encoded: parts[3])
        else { return nil }
        return (n, Array(salt), Array(hash), false)
    }

    /// PBKDF2 with HMAC-SHA256, 32 bytes.
    static func derive(_ pin: String, salt: [UInt8], rounds: Int) -> [UInt8] {
        let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: Array(pin.utf8), salt: salt, using: .sha256, outputByteCount: 32,
            unsafeUncheckedRounds: rounds)
        return key.map { k in k.withUnsafeBytes { Array($0) } } ?? []
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unhex(_ s: String) -> [UInt8]? {
        let chars = Array(s.utf8)
        guard !chars.isEmpty, chars.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            default: nil
            }
        }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else { return nil }
            out.append(hi * 16 + lo)
            i += 2
        }
        return out
    }
}
