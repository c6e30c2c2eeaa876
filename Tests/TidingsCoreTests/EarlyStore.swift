import Foundation
import GRDB
@testable import TidingsCore

/// A store at `path` as an older Tidings left it: migrated up to `migration` only (its identifier),
/// then written by `fill` in one transaction. Opening it with `Store.open` upgrades it.
func makeEarlyStore(at path: String, upTo migration: String, fill: (Database) throws -> Void) throws {
    try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                            withIntermediateDirectories: true)
    let early = try DatabaseQueue(path: path)
    try StoreMigrations.migrator.migrate(early, upTo: migration)
    try early.write(fill)
    try early.close()
}
