import Foundation

/// The rule every new migration follows so that the previous release keeps working on the new
/// schema while an upgrade rolls out (expand, then contract; docs/OPERATIONS.md §5), checked
/// by `MigrationPolicyTests` in CI:
///
/// - **Additive only** unless the file is a marked contract step: no `DROP` (but `DROP NOT
///   NULL`), no `RENAME`, no column type change, no `SET NOT NULL`, no `ADD COLUMN … NOT NULL`
///   without a `DEFAULT`. A contract step (removing what the previous release still used, once
///   no running release uses it) says so in its header: `-- contract: <why it is safe now>`.
/// - **No blocking index build on an existing table**: `CREATE INDEX` on a table this file
///   does not create takes a lock that stops writes for the whole build; use `CREATE INDEX
///   CONCURRENTLY IF NOT EXISTS` in a migration marked `-- conoceles: no-transaction`, or say
///   why the table is small: `-- small-table: <why>`.
/// - A `-- conoceles: no-transaction` migration holds only concurrent index statements
///   (`CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS`, and with `-- contract:` `DROP INDEX
///   CONCURRENTLY IF EXISTS`): they cannot run in a transaction, and each must be safe to run
///   again after a failure. A transactional migration cannot hold them.
///
/// Migrations up to `grandfatheredThrough` were written before the rule and are not checked
/// (they are applied and checksummed; they are never edited).
public enum MigrationPolicy {
    /// The last migration written before the rule (0073): later ones are checked.
    public static let grandfatheredThrough = 73

    /// One statement that breaks the rule.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        public let statement: String
        public let reason: String
        public var description: String { "\(file): \(reason)\n    \(statement)" }
    }

    /// The violations of `migration` (empty when it follows the rule).
    public static func violations(in migration: Migrator.Migration) -> [Violation] {
        let header = migration.header
        let contract = header.contract != nil
        var found: [Violation] = []
        var createdTables: Set<String> = []
        for statement in SQLScript.statements(in: migration.sql) {
            let text = skeleton(statement)
            let shown = String(text.prefix(160))
            func refuse(_ reason: String) {
                found.append(Violation(file: migration.fileName, statement: shown, reason: reason))
            }
            if let table = firstMatch(#"^CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\S+)"#, in: text) {
                createdTables.insert(tableName(table))
            }
            let concurrent = matches(#"^(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX)\b.*\bCONCURRENTLY\b"#, text)
            if migration.isTransactional {
                if concurrent {
                    refuse("CONCURRENTLY no corre dentro de una transacción: póngalo en una migración marcada «-- conoceles: no-transaction»")
                }
            } else {
                let createIndex = matches(#"^CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s"#, text)
                let dropIndex = matches(#"^DROP\s+INDEX\s+CONCURRENTLY\s+IF\s+EXISTS\s"#, text)
                if !createIndex && !dropIndex {
                    refuse(
                        "una migración «no-transaction» solo lleva CREATE INDEX CONCURRENTLY IF NOT EXISTS (o DROP INDEX CONCURRENTLY IF EXISTS): cada sentencia debe poder repetirse si la anterior falló; lo demás va en otra migración"
                    )
                }
            }
            if let table = firstMatch(#"^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY)(?:IF\s+NOT\s+EXISTS\s+)?(?:\S+\s+)?ON\s+(?:ONLY\s+)?(\S+)"#, in: text),
                !createdTables.contains(tableName(table)), header.smallTable == nil
            {
                refuse(
                    "CREATE INDEX sin CONCURRENTLY sobre la tabla existente \(tableName(table)): bloquea las escrituras mientras se construye; use CREATE INDEX CONCURRENTLY IF NOT EXISTS en una migración «-- conoceles: no-transaction», o diga por qué la tabla es pequeña con «-- small-table: <razón>»"
                )
            }
            guard !contract else { continue }
            for (pattern, reason) in nonAdditive where matches(pattern, text) {
                refuse(
                    "\(reason): no es aditivo y la versión anterior podría dejar de funcionar; hágalo en un paso de contracción marcado «-- contract: <por qué ya es seguro>» (docs/OPERATIONS.md §5)"
                )
            }
            if matches(#"^ALTER\s+TABLE\b"#, text) {
                for clause in topLevelClauses(text) where addsRequiredColumnWithoutDefault(clause) {
                    refuse(
                        "ADD COLUMN … NOT NULL sin DEFAULT: los INSERT de la versión anterior fallarían; agregue la columna con DEFAULT o admitiendo NULL, y exíjala después en un paso «-- contract:»"
                    )
                }
            }
        }
        return found
    }

    /// The checked migrations' violations: every migration after `grandfatheredThrough`.
    public static func violations(in migrations: [Migrator.Migration]) -> [Violation] {
        migrations.filter { $0.version > grandfatheredThrough }.flatMap { violations(in: $0) }
    }

    /// Statements that remove or reshape what the previous release may use.
    static let nonAdditive: [(String, String)] = [
        (#"\bDROP\b(?!\s+NOT\s+NULL\b)"#, "DROP"),
        (#"\bRENAME\b"#, "RENAME"),
        (#"^ALTER\s+TABLE\b.*\bALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET\s+DATA\s+)?TYPE\b"#, "cambio de tipo de columna (ALTER … TYPE)"),
        (#"\bSET\s+NOT\s+NULL\b"#, "SET NOT NULL"),
    ]

    /// `ADD [COLUMN] name type … NOT NULL` without `DEFAULT` (a generated column computes its value).
    static func addsRequiredColumnWithoutDefault(_ clause: String) -> Bool {
        guard matches(#"^ADD\s+(?!CONSTRAINT\b|PRIMARY\b|UNIQUE\b|CHECK\b|FOREIGN\b|EXCLUDE\b)"#, clause) else { return false }
        return matches(#"\bNOT\s+NULL\b"#, clause) && !matches(#"\bDEFAULT\b|\bGENERATED\b"#, clause)
    }

    /// The actions of `ALTER TABLE name action, action, …`, split on top-level commas.
    static func topLevelClauses(_ text: String) -> [String] {
        guard let range = text.range(of: #"^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?\S+\s+"#, options: .regularExpression)
        else { return [] }
        var clauses: [String] = []
        var depth = 0
        var current = ""
        for c in text[range.upperBound...] {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == "," && depth == 0 {
                clauses.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(c)
            }
        }
        clauses.append(current.trimmingCharacters(in: .whitespaces))
        return clauses
    }

    /// `public."Table"` → `table`.
    static func tableName(_ text: String) -> String {
        let last = text.split(separator: ".").last.map(String.init) ?? text
        return last.trimmingCharacters(in: CharacterSet(charactersIn: "\"(")).lowercased()
    }

    /// The statement in upper case on one line, without comments, with the insides of string
    /// literals and dollar-quoted bodies blanked (a function body's words are not DDL).
    static func skeleton(_ statement: String) -> String {
        skeletonPreservingCase(statement).uppercased()
    }

    /// `skeleton` without the change of case (index names keep theirs).
    static func skeletonPreservingCase(_ statement: String) -> String {
        let chars = Array(statement.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            if c == "-" && next == "-" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
                out.append(" ")
                continue
            }
            if c == "/" && next == "*" {
                i += 2
                while i < chars.count && !(chars[i] == "*" && i + 1 < chars.count && chars[i + 1] == "/") { i += 1 }
                i += 2
                out.append(" ")
                continue
            }
            if c == "'" {
                i += 1
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count && chars[i + 1] == "'" { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
                out.append(contentsOf: "''".unicodeScalars)
                continue
            }
            if c == "$", let end = dollarBodyEnd(chars, from: i) {
                out.append(contentsOf: "$$$$".unicodeScalars)
                i = end
                continue
            }
            out.append(c)
            i += 1
        }
        return String(out)
            .replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
            .trimmingCharacters(in: .whitespaces)
    }

    /// Where a dollar-quoted body that starts at `index` ends (after its closing tag).
    private static func dollarBodyEnd(_ chars: [Unicode.Scalar], from index: Int) -> Int? {
        var j = index + 1
        var tag: [Unicode.Scalar] = ["$"]
        while j < chars.count, chars[j] != "$" {
            guard chars[j].properties.isAlphabetic || chars[j] == "_" || (j > index + 1 && ("0"..."9").contains(chars[j]))
            else { return nil }
            tag.append(chars[j])
            j += 1
        }
        guard j < chars.count else { return nil }
        tag.append("$")
        var k = j + 1
        while k + tag.count <= chars.count {
            if Array(chars[k..<(k + tag.count)]) == tag { return k + tag.count }
            k += 1
        }
        return chars.count
    }

    static func matches(_ pattern: String, _ text: String) -> Bool {
        text.range(of: pattern, options: [.regularExpression, .caseInsensitive]) != nil
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            match.numberOfRanges > 1, let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }
}

extension Migrator.Migration {
    /// The directives of a migration's header (its leading comment lines).
    public struct Header: Sendable, Equatable {
        /// `-- conoceles: no-transaction`: each statement runs on its own, outside a transaction.
        public var noTransaction = false
        /// `-- contract: <reason>`: a contract step, allowed to remove what older releases used.
        public var contract: String?
        /// `-- small-table: <reason>`: a plain (blocking) index build on an existing table is fine.
        public var smallTable: String?
    }

    /// The directives in the file's leading comment block.
    public var header: Header {
        var header = Header()
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard trimmed.hasPrefix("--") else { break }
            let body = trimmed.dropFirst(2).trimmingCharacters(in: .whitespaces)
            func value(_ key: String) -> String? {
                guard body.lowercased().hasPrefix(key) else { return nil }
                let rest = body.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
                return rest.isEmpty ? nil : rest
            }
            if body.lowercased() == "conoceles: no-transaction" { header.noTransaction = true }
            if let reason = value("contract:") { header.contract = reason }
            if let reason = value("small-table:") { header.smallTable = reason }
        }
        return header
    }

    /// Whether the migration runs in one transaction (every migration but `no-transaction` ones).
    public var isTransactional: Bool { !header.noTransaction }
}
