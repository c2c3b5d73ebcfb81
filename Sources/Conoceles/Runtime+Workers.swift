import ServiceLifecycle

extension Runtime {
    /// The queue workers of this process.
    func makeWorkerServices() async throws -> [any Service] {
        []
    }
}
