import HummingbirdBcrypt
import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// Where bcrypt runs (cost 12, about 250 ms of one core each): a thread pool of its own, one
/// thread per core, whose threads run at a lower scheduling priority (nice +10).
///
/// A sign-in storm (200 people at 9:00) then uses every idle cycle for bcrypt, in arrival
/// order (the pool's queue is first in, first out), while the event loops, Swift's
/// cooperative threads (every other page) and NIO's shared thread pool (static files) are
/// scheduled ahead of it: pages of people already signed in do not wait behind the storm.
/// Before, bcrypt ran on NIO's shared pool, which also serves files.
enum PasswordHashing {
    /// The niceness of the pool's threads (Linux; elsewhere the threads keep the default).
    /// Measured with `scripts/load` (200 at once, release build, 2 cores): at +10 (CFS weight
    /// 110 against 1024) the storm ended at 1.13x its floor while signed-in pages answered p99
    /// 560 ms; at +19 (weight 15) the pages of the people already working took the machine and
    /// the last sign-ins waited 120 s.
    static let niceness: Int32 = 10

    /// The pool, started on first use and kept for the life of the process.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()

    /// bcrypt checks and hashes asked for and not finished (running or queued).
    static let pending = Atomic<Int>(0)

    /// Whether people wait for the pool: more work asked for than it has threads (a sign-in
    /// storm). `FormAdmission` holds form saves meanwhile.
    static var backlogged: Bool { pending.load(ordering: .relaxed) > System.coreCount }

    /// Runs `work` on the pool, at the pool's priority.
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        pending.add(1, ordering: .relaxed)
        defer { pending.subtract(1, ordering: .relaxed) }
        return try await pool.runIfActive {
            lowerThisThreadsPriority()
            return work()
        }
    }

    /// Whether `password` matches the bcrypt `hash`.
    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await run { Bcrypt.verify(password, hash: hash) }
    }

    /// The bcrypt hash of `password` (cost 12).
    static func hash(_ password: String) async throws -> String {
        try await run { Bcrypt.hash(password, cost: 12) }
    }

    /// Sets the calling thread's niceness to `niceness` (raising it needs no privilege). On
    /// Linux the nice value is per thread, and `PRIO_PROCESS` with id 0 names the calling
    /// thread only (setpriority(2), NOTES).
    static func lowerThisThreadsPriority() {
        #if os(Linux)
            if currentThreadNiceness() < niceness {
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
            }
        #endif
    }

    /// The calling thread's niceness (Linux; 0 elsewhere): for tests.
    static func currentThreadNiceness() -> Int32 {
        #if os(Linux)
            return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
            return 0
        #endif
    }
}
