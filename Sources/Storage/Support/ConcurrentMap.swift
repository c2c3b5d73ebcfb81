import Foundation

extension Array where Element: Sendable {
    /// `map(transform)` run on one task per core over contiguous chunks, results in order;
    /// for CPU-bound work over many elements (encoding, hashing and opening 30,000 published
    /// profiles in a rebuild). Small arrays are mapped in place.
    public func concurrentMap<Result: Sendable>(
        minimumChunk: Int = 512, _ transform: @escaping @Sendable (Element) throws -> Result
    ) async throws -> [Result] {
        let tasks = Swift.min(ProcessInfo.processInfo.activeProcessorCount, count / Swift.max(1, minimumChunk))
        guard tasks > 1 else { return try map(transform) }
        let size = (count + tasks - 1) / tasks
        return try await withThrowingTaskGroup(of: (Int, [Result]).self) { group in
            for start in stride(from: 0, to: count, by: size) {
                let chunk = self[start..<Swift.min(start + size, count)]
                group.addTask { (start, try chunk.map(transform)) }
            }
            var parts: [(Int, [Result])] = []
            for try await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }
}
