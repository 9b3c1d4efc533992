import Foundation

extension JSONValue {
    /// Parses JSON text, keeping the order of object keys; nil if it is not JSON.
    public static func parse(_ text: String) -> JSONValue? {
        var parser = JSONParser(Array(text.unicodeScalars))
        guard let value = parser.value() else { return nil }
        parser.skipSpace()
        return parser.atEnd ? value : nil
    }

    /// The value with `transform` applied to every string in it (object keys untouched), so
    /// a rule meant for free text never rewrites a number, a time or a flag.
    public func mappingStrings(_ transform: (String) -> String) -> JSONValue {
        switch self {
        case .string(let s): .string(transform(s))
        case .array(let items): .array(items.map { $0.mappingStrings(transform) })
        case .object(let pairs): .object(pairs.map { ($0.0, $0.1.mappingStrings(transform)) })
        default: self
        }
    }

    /// The value with the members named by `erase` (at any depth) replaced by
    /// `replacement`, unless they are null.
    public func erasingMembers(
        where erase: (String) -> Bool, replacement: JSONValue
    ) -> JSONValue {
        switch self {
        case .array(let items):
            return .array(items.map { $0.erasingMembers(where: erase, replacement: replacement) })
        case .object(let pairs):
            return .object(
                pairs.map { key, value in
                    if erase(key) {
                        if case .null = value { return (key, value) }
                        return (key, replacement)
                    }
                    return (key, value.erasingMembers(where: erase, replacement: replacement))
                })
        default:
            return self
        }
    }

    /// The member `key` of an object, if any.
    public subscript(member key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }
}

/// A small recursive-descent JSON reader (RFC 8259) over Unicode scalars.
private struct JSONParser {
    let s: [Unicode.Scalar]
    var i = 0
    init(_ s: [Unicode.Scalar]) { self.s = s }

    var atEnd: Bool { i >= s.count }

    mutating func skipSpace() {
        while i < s.count, s[i] == " " || s[i] == "\n" || s[i] == "\r" || s[i] == "\t" { i += 1 }
    }

    mutating func literal(_ word: String, _ value: JSONValue) -> JSONValue? {
        let scalars = Array(word.unicodeScalars)
        guard i + scalars.count <= s.count, Array(s[i..<i + scalars.count]) == scalars else {
            return nil
        }
        i += scalars.count
        return value
    }

    mutating func value() -> JSONValue? {
        skipSpace()
        guard i < s.count else { return nil }
        switch s[i] {
        case "n": return literal("null", .null)
        case "t": return literal("true", .bool(true))
        case "f": return literal("false", .bool(false))
        case "\"": return string().map { .string($0) }
        case "[":
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < s.count, s[i] == "]" {
                i += 1
                return .array(items)
            }
            while true {
                guard let item = value() else { return nil }
                items.append(item)
                skipSpace()
                guard i < s.count else { return nil }
                if s[i] == "," {
                    i += 1
                    continue
                }
                if s[i] == "]" {
                    i += 1
                    return .array(items)
                }
                return nil
            }
        case "{":
            i += 1
            var pairs: [(String, JSONValue)] = []
            skipSpace()
            if i < s.count, s[i] == "}" {
                i += 1
                return .object(pairs)
            }
            while true {
                skipSpace()
                guard i < s.count, s[i] == "\"", let key = string() else { return nil }
                skipSpace()
                guard i < s.count, s[i] == ":" else { return nil }
                i += 1
                guard let item = value() else { return nil }
                pairs.append((key, item))
                skipSpace()
                guard i < s.count else { return nil }
                if s[i] == "," {
                    i += 1
                    continue
                }
                if s[i] == "}" {
                    i += 1
                    return .object(pairs)
                }
                return nil
            }
        default: return number()
        }
    }

    mutating func string() -> String? {
        i += 1
        var out = String.UnicodeScalarView()
        while i < s.count {
            let c = s[i]
            i += 1
            if c == "\"" { return String(out) }
            if c != "\\" {
                out.append(c)
                continue
            }
            guard i < s.count else { return nil }
            let e = s[i]
            i += 1
            switch e {
            case "\"", "\\", "/": out.append(e)
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                guard var unit = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(unit), i + 1 < s.count, s[i] == "\\", s[i + 1] == "u"
                {
                    i += 2
                    guard let low = hex4() else { return nil }
                    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(unit) else { return nil }
                out.append(scalar)
            default: return nil
            }
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard i + 4 <= s.count else { return nil }
        let text = String(String.UnicodeScalarView(s[i..<i + 4]))
        i += 4
        return UInt32(text, radix: 16)
    }

    mutating func number() -> JSONValue? {
        let start = i
        while i < s.count, "+-0123456789.eE".unicodeScalars.contains(s[i]) { i += 1 }
        let text = String(String.UnicodeScalarView(s[start..<i]))
        if let n = Int(text) { return .int(n) }
        if let d = Double(text), d.isFinite { return .double(d) }
        return nil
    }
}
