import Foundation

/// A value guarded by a lock: the only way to it is `withLock`.
///
/// Used instead of the standard library's `Synchronization.Mutex`, which on
/// Linux hands a contended lock to its waiter through a priority-inheriting
/// futex (`FUTEX_LOCK_PI`): the kernel makes the waiter the owner without a
/// call ThreadSanitizer can see, so every contended Mutex shows up as a data
/// race in `make sanitize` and real races behind it would hide among them.
/// `NSLock` is a plain pthread mutex, which ThreadSanitizer understands.
///
/// `Value` must not be a function type (nor an optional or tuple of one): put
/// the closure in a struct. With Swift 6.3 every `withLock` on such a value,
/// even one that only reads it, stores it back wrapped in one more
/// reabstraction thunk. The daemon's change-log listener did that once per
/// commit: about 94 bytes leaked each time, each call walked the whole chain,
/// and a long enough chain overflows the stack when called (a stand-alone
/// program crashed after about a million calls). `ChangesListenerTests` guards the store's use.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: sending Value) {
        self.value = value
    }

    /// Runs `body` with the value while holding the lock; `body` must not call back into this lock.
    func withLock<Result>(_ body: (inout sending Value) throws -> sending Result) rethrows -> sending Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
