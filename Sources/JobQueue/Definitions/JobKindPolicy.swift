import Foundation

/// How one kind of job runs: its queue, priority, attempts, backoff, timeout and
/// uniqueness. Read from `jobs/<kind>.yaml`; every field has a documented default.
public struct JobKindPolicy: Sendable, Equatable {
    public var kind: String
    /// Queue the kind's jobs go to (default `default`).
    public var queue: String = "default"
    /// 0 runs first, 9 last (default 2).
    public var priority: Int = 2
    /// Attempts before the job is discarded (default 20).
    public var maxAttempts: Int = 20
    public var backoff: Backoff = Backoff()
    /// Seconds an attempt may run before it is cancelled and retried (default 60).
    public var timeoutSeconds: Double = 60
    /// Uniqueness rule, when the kind has one.
    public var unique: UniqueRule?

    public init(kind: String) {
        self.kind = kind
    }

    /// Exponential backoff with jitter: `base * 2^(attempt-1)`, capped at `max`, ± `jitter`.
    public struct Backoff: Sendable, Equatable {
        /// Seconds before the first retry (default 1).
        public var baseSeconds: Double = 1
        /// Longest wait between attempts (default 1 hour).
        public var maxSeconds: Double = 3_600
        /// Fraction of the delay randomized in both directions, 0…1 (default 0.1).
        public var jitter: Double = 0.1

        public init(baseSeconds: Double = 1, maxSeconds: Double = 3_600, jitter: Double = 0.1) {
            self.baseSeconds = baseSeconds
            self.maxSeconds = maxSeconds
            self.jitter = jitter
        }

        /// The delay before the retry that follows failed attempt number `attempt` (1-based).
        public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: -1...1)) -> Double {
            let exponent = Double(max(0, min(attempt - 1, 62)))
            let raw = min(maxSeconds, baseSeconds * pow(2, exponent))
            return max(0, raw * (1 + jitter * random))
        }
    }

    /// Jobs of the kind are unique by the kind plus the values of some arguments.
    public struct UniqueRule: Sendable, Equatable {
        public enum Scope: String, Sendable, Equatable {
            /// Among live jobs (pending or running).
            case live
            /// Within a time window, whatever the state.
            case window
        }
        public var scope: Scope
        /// Window length for `.window`.
        public var windowSeconds: Int
        /// Argument names whose values make the key; empty = one per kind.
        public var by: [String]

        public init(scope: Scope, windowSeconds: Int = 0, by: [String] = []) {
            self.scope = scope
            self.windowSeconds = windowSeconds
            self.by = by
        }

        /// The uniqueness of a job of `kind` with these JSON arguments.
        func uniqueness(kind: String, argsJSON: String) -> Uniqueness {
            var key = kind
            if !by.isEmpty {
                let object = (try? JSONSerialization.jsonObject(with: Data(argsJSON.utf8))) as? [String: Any] ?? [:]
                for name in by {
                    key += "|\(name)=" + (object[name].map { "\($0)" } ?? "∅")
                }
            }
            switch scope {
            case .live: return .live(key: key)
            case .window: return .window(key: key, seconds: windowSeconds)
            }
        }
    }
}
