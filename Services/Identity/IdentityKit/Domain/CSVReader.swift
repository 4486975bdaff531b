/// A small RFC 4180 reader: comma-separated fields, double-quoted fields with "" escapes and embedded newlines,
/// CRLF or LF line ends, an optional UTF-8 byte-order mark.
enum CSVReader {
    /// A record and the 1-based line it starts on.
    struct Record {
        var line: Int
        var fields: [String]
    }

    enum Failure: Error, CustomStringConvertible {
        case unterminatedQuote(line: Int)
        case quoteInUnquotedField(line: Int)

        var description: String {
            switch self {
            case .unterminatedQuote(let line): "line \(line): a quoted field is not closed"
            case .quoteInUnquotedField(let line): "line \(line): a quote inside an unquoted field (quote the whole field)"
            }
        }
    }

    static func records(_ text: String) throws(Failure) -> [Record] {
        var characters = Array(text)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var index = 0
        var quoted = false
        var fieldStarted = false

        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
            fieldStarted = false
        }

        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < characters.count && characters[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
            } else {
                switch character {
                case ",":
                    fields.append(field)
                    field = ""
                    fieldStarted = false
                case "\n", "\r\n", "\r":
                    endRecord()
                    line += 1
                    recordLine = line
                case "\"":
                    guard !fieldStarted && field.isEmpty else { throw .quoteInUnquotedField(line: line) }
                    quoted = true
                    fieldStarted = true
                default:
                    field.append(character)
                    fieldStarted = true
                }
            }
            index += 1
        }
        if quoted { throw .unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
