/// Splits SQL text into statements at the `;` that end them, as psql does: a `;` inside
/// '…' (with '' doubled, or E'…' with backslash escapes), "…", $tag$…$tag$, a `--`
/// comment or a (nested) `/* */` comment does not end a statement. Statements that are only
/// blanks and comments are dropped.
enum PGScript {
    static func statements(_ text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        var result: [String] = []
        var start = 0
        var i = 0
        var meaningful = false
        func flush(_ end: Int) {
            if meaningful {
                var scalars = String.UnicodeScalarView()
                scalars.append(contentsOf: s[start..<end])
                result.append(String(scalars).trimmingWhitespace())
            }
            meaningful = false
        }
        while i < s.count {
            let c = s[i]
            let next: Unicode.Scalar? = i + 1 < s.count ? s[i + 1] : nil
            switch c {
            case "-" where next == "-":
                while i < s.count, s[i] != "\n" { i += 1 }
                continue
            case "/" where next == "*":
                var depth = 1
                i += 2
                while i < s.count, depth > 0 {
                    if s[i] == "/", i + 1 < s.count, s[i + 1] == "*" {
                        depth += 1
                        i += 2
                    } else if s[i] == "*", i + 1 < s.count, s[i + 1] == "/" {
                        depth -= 1
                        i += 2
                    } else {
                        i += 1
                    }
                }
                continue
            case "'":
                meaningful = true
                let escapes = i > 0 && (s[i - 1] == "E" || s[i - 1] == "e")
                    && (i < 2 || !isIdentifier(s[i - 2]))
                i += 1
                while i < s.count {
                    if escapes, s[i] == "\\" {
                        i += 2
                        continue
                    }
                    if s[i] == "'" {
                        if i + 1 < s.count, s[i + 1] == "'" {
                            i += 2
                            continue
                        }
                        break
                    }
                    i += 1
                }
                i += 1
                continue
            case "\"":
                meaningful = true
                i += 1
                while i < s.count {
                    if s[i] == "\"" {
                        if i + 1 < s.count, s[i + 1] == "\"" {
                            i += 2
                            continue
                        }
                        break
                    }
                    i += 1
                }
                i += 1
                continue
            case "$" where i == 0 || !isIdentifier(s[i - 1]):
                meaningful = true
                // $tag$ where tag is empty or an identifier not starting with a digit.
                var j = i + 1
                while j < s.count, isIdentifier(s[j]), s[j] != "$" { j += 1 }
                let tagOK = j < s.count && s[j] == "$"
                    && (j == i + 1 || !("0"..."9").contains(s[i + 1]))
                guard tagOK else {
                    i += 1
                    continue
                }
                let tag = Array(s[i...j])
                i = j + 1
                while i < s.count {
                    if s[i] == "$", i + tag.count <= s.count, Array(s[i..<i + tag.count]) == tag {
                        i += tag.count
                        break
                    }
                    i += 1
                }
                if i >= s.count { i = s.count }
                continue
            case ";":
                flush(i)
                i += 1
                start = i
                continue
            default:
                if !c.properties.isWhitespace { meaningful = true }
                i += 1
            }
        }
        flush(s.count)
        return result
    }

    private static func isIdentifier(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c == "$" || c.properties.isAlphabetic || ("0"..."9").contains(c)
            || c.value >= 0x80
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
