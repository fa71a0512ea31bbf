import RuleValues

/// One lexical token of a rule file.
public struct Token: Sendable, Equatable {
    /// What sort of token it is: identifier, number, string, date, symbol or end of file.
    public let kind: TokenKind
    /// The exact source text (for strings: the decoded contents, without quotes).
    public let text: String
    /// Where the token was written, for diagnostics.
    public let range: SourceRange
}

/// The kinds of token; keywords are identifiers the parser recognises by text, so policy
/// staff may still use words like `stage` or `kind` as fact names where unambiguous.
public enum TokenKind: Sendable, Equatable {
    case identifier
    case number
    case string
    case date
    case symbol  // = != < <= > >= ( ) { } , : . + -
    case endOfFile
}
