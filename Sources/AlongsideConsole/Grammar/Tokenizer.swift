/// Splits a command line into words the way a shell would for simple cases: spaces
/// separate words, "double" and 'single' quotes group, a backslash escapes the next
/// character, and `#` at the start of a word begins a comment.
enum Tokenizer {
    /// The words of `line`; throws on an unclosed quote.
    static func words(_ line: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character? = nil
        var escaped = false
        for ch in line {
            if escaped {
                current.append(ch)
                escaped = false
                inWord = true
                continue
            }
            if let q = quote {
                if ch == q {
                    quote = nil
                } else if ch == "\\" && q == "\"" {
                    escaped = true
                } else {
                    current.append(ch)
                }
                continue
            }
            switch ch {
            case "\\":
                escaped = true
                inWord = true
            case "\"", "'":
                quote = ch
                inWord = true
            case " ", "\t", "\r", "\n":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "#" where !inWord:
                return words
            default:
                current.append(ch)
                inWord = true
            }
        }
        if quote != nil { throw CommandError("a quote is not closed; add the closing \(quote!)") }
        if escaped { current.append("\\") }
        if inWord { words.append(current) }
        return words
    }
}
