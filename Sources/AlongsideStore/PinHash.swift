import Crypto
import Foundation

/// Salted, slow PIN hashes: PBKDF2-HMAC-SHA256, stored as
/// `pbkdf2-sha256$ITERATIONS$SALT$HASH` (hex). Only the hash is ever stored.
public enum PinHash {
    /// Iterations for new hashes (about a tenth of a second here).
    public static let iterations = 60_000

    /// Hashes `pin` with a fresh random salt.
    public static func make(_ pin: String, iterations: Int = iterations) -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255) }
        let hash = derive(pin, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(hex(salt))$\(hex(hash))"
    }

    /// Whether `pin` matches the stored hash (constant-time comparison).
    public static func verify(_ pin: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let n = Int(parts[1]), n > 0,
            let salt = unhex(parts[2]), let expected = unhex(parts[3])
        else { return false }
        let actual = derive(pin, salt: salt, iterations: n)
        guard actual.count == expected.count else { return false }
        var diff: UInt8 = 0
        for (a, b) in zip(actual, expected) { diff |= a ^ b }
        return diff == 0
    }

    /// PBKDF2 with HMAC-SHA256, one 32-byte block.
    static func derive(_ pin: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = SymmetricKey(data: Data(pin.utf8))
        var block = Data(salt)
        block.append(contentsOf: [0, 0, 0, 1])
        var u = Array(HMAC<SHA256>.authenticationCode(for: block, using: key))
        var result = u
        if iterations > 1 {
            for _ in 1..<iterations {
                u = Array(HMAC<SHA256>.authenticationCode(for: u, using: key))
                for i in result.indices { result[i] ^= u[i] }
            }
        }
        return result
    }

    static func hex(_ bytes: [UInt8]) -> String {
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
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            guard let hi = Int(String(UnicodeScalar(chars[i])), radix: 16),
                let lo = Int(String(UnicodeScalar(chars[i + 1])), radix: 16)
            else { return nil }
            out.append(UInt8(hi * 16 + lo))
            i += 2
        }
        return out
    }
}
