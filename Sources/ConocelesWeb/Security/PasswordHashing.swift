import Foundation
import HummingbirdBcrypt
import NIOCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// Where bcrypt runs (cost 12, about 250 ms of one core each): a thread pool of its own, one
/// thread per core, first in, first out, at the default scheduling priority, while every other
/// thread of a server process runs at nice `othersNiceness` (`yieldToThePool`, started by
/// `serve` and `up`).
///
/// Why this way round: in a sign-in storm (200 people at 9:00) the people already signed in
/// keep asking for pages, and pages are served by many threads (event loops, Swift's
/// cooperative pool, PostgreSQL's backends) that together took what they asked for: with bcrypt
/// at nice +10 the pool got 0.7 of the two cores and the last sign-in waited 2.4–2.9x the
/// storm's floor (docs/RELIABILITY.md, "Sign-in storm"). With the pool at the default and the
/// rest of the server lower, bcrypt gets most of the machine while people wait to sign in, and
/// outside a storm (the pool idle) the nice values change nothing. Raising a niceness needs no
/// privilege; lowering one would, which is why the pool keeps the default and the rest moves.
/// Before, bcrypt ran on NIO's shared pool, which also serves files.
public enum PasswordHashing {
    /// The niceness of the server's threads other than the pool's (Linux). Measured with
    /// `scripts/load` (200 at once beside 20 reading browsers, release build, 2 cores; the
    /// storm's last sign-in against its floor, the browsers' pages p99): +5 1.83x, 382 ms;
    /// +7 1.75x, 455 ms; +10 1.35–1.42x, 568–938 ms; +9 (with form saves paused 8x their
    /// duration) 1.44x, 445 ms. docs/RELIABILITY.md, "Sign-in storm, session 31".
    public static let othersNiceness: Int32 = 9

    /// The pool, started on first use and kept for the life of the process.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()

    /// bcrypt checks and hashes asked for and not finished (running or queued).
    static let pending = Atomic<Int>(0)

    /// Whether people wait for the pool: more work asked for than it has threads, or sign-ins
    /// waiting to be admitted to it (`SignInAdmission`): a sign-in storm. `FormAdmission`
    /// holds form saves meanwhile.
    static var backlogged: Bool {
        pending.load(ordering: .relaxed) > System.coreCount || SignInAdmission.shared.waiting > 0
    }

    /// Runs `work` on the pool.
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        pending.add(1, ordering: .relaxed)
        defer { pending.subtract(1, ordering: .relaxed) }
        return try await pool.runIfActive { work() }
    }

    /// Whether `password` matches the bcrypt `hash`.
    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await run { Bcrypt.verify(password, hash: hash) }
    }

    /// The bcrypt hash of `password` (cost 12).
    static func hash(_ password: String) async throws -> String {
        try await run { Bcrypt.hash(password, cost: 12) }
    }

    /// Keeps every thread of this process but the pool's at `niceness`: now, and every
    /// `interval` until cancelled (a thread inherits its creator's niceness, but one started
    /// from a pool thread would keep the default). Does nothing outside Linux.
    public static func yieldToThePool(niceness: Int32 = othersNiceness, every interval: Duration = .seconds(2)) async {
        #if os(Linux)
            guard niceness > 0 else { return }
            let pool = await poolThreadIDs()
            while !Task.isCancelled {
                raiseThreads(to: niceness, sparing: pool)
                try? await Task.sleep(for: interval)
            }
        #endif
    }

    /// Raises the niceness of this process's threads not in `spared` to `niceness` (those
    /// already at it or above are left); returns how many it changed.
    @discardableResult
    static func raiseThreads(to niceness: Int32, sparing spared: Set<Int32>) -> Int {
        #if os(Linux)
            var changed = 0
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [] {
                guard let tid = Int32(name), !spared.contains(tid) else { continue }
                errno = 0
                let current = getpriority(which, id_t(tid))
                if errno == 0, current < niceness, setpriority(which, id_t(tid), niceness) == 0 { changed += 1 }
            }
            return changed
        #else
            return 0
        #endif
    }

    /// The pool's threads (their kernel thread ids), found by running one task on each at once.
    static func poolThreadIDs() async -> Set<Int32> {
        final class Count: Sendable { let value = Atomic<Int>(0) }
        let width = System.coreCount
        let arrived = Count()
        return await withTaskGroup(of: Int32?.self) { group in
            for _ in 0..<width {
                group.addTask {
                    (try? await pool.runIfActive { () -> Int32? in
                        // Each task holds its thread until every thread has one (at most 2 s).
                        arrived.value.add(1, ordering: .relaxed)
                        let until = ContinuousClock.now + .seconds(2)
                        while arrived.value.load(ordering: .relaxed) < width, ContinuousClock.now < until { usleep(500) }
                        return currentThreadID()
                    }) ?? nil
                }
            }
            var ids: Set<Int32> = []
            for await id in group { if let id { ids.insert(id) } }
            return ids
        }
    }

    /// The calling thread's kernel id (Linux: `/proc/thread-self` links to "PID/task/TID").
    static func currentThreadID() -> Int32? {
        let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")
        return link.flatMap { $0.split(separator: "/").last.flatMap { Int32($0) } }
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
