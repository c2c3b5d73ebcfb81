import Foundation
import Hummingbird
import JobQueue
import Storage

/// `/instancia/trabajos`: the job queue for IT staff — each queue's depth, jobs by kind and
/// state, recent failures with their errors (retry, cancel), waiting and running jobs
/// (cancel), and recent pipeline runs with their steps. Everything goes through JobQueue's
/// admin API (the same the `conoceles jobs` command uses).
struct JobsDashboardController {
    let context: WebContext

    /// Rows per list on the page.
    static let listLimit = 50

    func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/instancia/trabajos", use: dashboard)
        router.post("/instancia/trabajos/:jobID/reintentar", use: retry)
        router.post("/instancia/trabajos/:jobID/cancelar", use: cancel)
    }

    struct DashboardView {
        let csrf: String
        let queues: [QueueView]
        let hasQueues: Bool
        let kinds: [KindView]
        let hasKinds: Bool
        let failures: [JobView]
        let hasFailures: Bool
        let pending: [JobView]
        let hasPending: Bool
        let runs: [RunView]
        let hasRuns: Bool
        /// The open problem of the SMTP server, if any.
        let mailAlert: MailAlertView?
    }

    struct QueueView {
        let queue: String
        let available: Int
        let scheduled: Int
        let running: Int
        let retryable: Int
    }

    struct KindView {
        let kind: String
        let queue: String
        let counts: [Int]
    }

    struct JobView {
        let id: Int64
        let kind: String
        let queue: String
        let state: String
        let attempts: String
        let when: String
        let error: String?
        let retryHref: String?
        let cancelHref: String?
    }

    struct RunView {
        let id: Int64
        let pipeline: String
        let state: String
        let createdAt: String
        let finishedAt: String
        let steps: [StepView]
    }

    struct StepView {
        let name: String
        let kind: String
        let jobID: Int64
        let state: String
    }

    /// Confirmations after an action (fixed texts chosen by key).
    static let notices: [String: String] = [
        "reintento": "El trabajo quedó disponible para ejecutarse de nuevo.",
        "cancelacion": "El trabajo quedó cancelado.",
        "sin-cambio": "El trabajo no admite esa acción en su estado actual (o ya no existe).",
        "clave-ocupada": "No se reintentó: otro trabajo con la misma clave única está pendiente o en curso; espere a que termine o cancélelo primero.",
    ]

    /// The states counted per kind, in the order of the table's columns.
    static let kindStates: [JobState] = [.available, .scheduled, .running, .retryable, .completed, .discarded, .cancelled]
    static let kindStateLabels = ["Disponibles", "Programados", "En ejecución", "Por reintentar", "Terminados", "Descartados", "Cancelados"]

    @Sendable func dashboard(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try ctx.requireUser(Authorization.operatingJobs, request: request)
        let jobs = context.jobs
        let stats = try await jobs.stats()
        func count(_ state: JobState, where matches: (String, String) -> Bool) -> Int {
            stats.filter { $0.state == state && matches($0.queue, $0.kind) }.reduce(0) { $0 + $1.count }
        }
        let queues = Set(stats.map(\.queue)).sorted().map { queue in
            QueueView(
                queue: queue, available: count(.available) { q, _ in q == queue }, scheduled: count(.scheduled) { q, _ in q == queue },
                running: count(.running) { q, _ in q == queue }, retryable: count(.retryable) { q, _ in q == queue })
        }
        let kinds = Set(stats.map { "\($0.queue)\u{0}\($0.kind)" }).sorted().map { key in
            let parts = key.split(separator: "\u{0}", maxSplits: 1).map(String.init)
            return KindView(
                kind: parts[1], queue: parts[0],
                counts: Self.kindStates.map { state in count(state) { q, k in q == parts[0] && k == parts[1] } })
        }
        let format = StaffFormat(timeZoneIdentifier: context.process.timeZone)
        let failures = (try await jobs.list(state: .discarded, limit: Self.listLimit) + jobs.list(state: .retryable, limit: Self.listLimit))
            .sorted { $0.id > $1.id }.prefix(Self.listLimit)
        var pending: [Job] = []
        for state in [JobState.running, .available, .scheduled] { pending += try await jobs.list(state: state, limit: Self.listLimit) }
        let runs = try await jobs.recentPipelineRuns(limit: 20)
        let view = DashboardView(
            csrf: ctx.csrf,
            queues: queues, hasQueues: !queues.isEmpty, kinds: kinds, hasKinds: !kinds.isEmpty,
            failures: failures.map { jobView($0, format) }, hasFailures: !failures.isEmpty,
            pending: pending.prefix(Self.listLimit).map { jobView($0, format) }, hasPending: !pending.isEmpty,
            runs: runs.map { run in
                RunView(
                    id: run.id, pipeline: run.pipeline, state: Self.runStateLabel(run.state), createdAt: format.dateTime(run.createdAt),
                    finishedAt: format.dateTime(run.finishedAt),
                    steps: run.steps.map { StepView(name: $0.name, kind: $0.kind, jobID: $0.jobID, state: Self.stateLabel($0.state)) })
            },
            hasRuns: !runs.isEmpty,
            mailAlert: try await MailAlertView.current(context, ctx))
        let notice = request.uri.queryParameters.get("hecho").flatMap { Self.notices[$0] }
        return try ctx.page("instancia/trabajos", title: "Trabajos", view, notice: notice).response(from: request, context: ctx)
    }

    func jobView(_ job: Job, _ format: StaffFormat) -> JobView {
        let retryable: Set<JobState> = [.discarded, .cancelled, .retryable, .scheduled]
        return JobView(
            id: job.id, kind: job.kind, queue: job.queue, state: Self.stateLabel(job.state), attempts: "\(job.attempt) de \(job.maxAttempts)",
            when: format.dateTime(job.finalizedAt ?? job.attemptedAt ?? job.scheduledAt),
            error: job.errors.last.map { JobErrorText.shown($0.error) },
            retryHref: retryable.contains(job.state) ? "/instancia/trabajos/\(job.id)/reintentar" : nil,
            cancelHref: JobState.live.contains(job.state) ? "/instancia/trabajos/\(job.id)/cancelar" : nil)
    }

    static func stateLabel(_ state: JobState) -> String {
        kindStateLabels[kindStates.firstIndex(of: state) ?? 0]
    }

    static func runStateLabel(_ state: String) -> String {
        switch state {
        case "running": "En curso"
        case "completed": "Terminada"
        case "failed": "Fallida"
        case "cancelled": "Cancelada"
        default: state
        }
    }

    @Sendable func retry(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.operatingJobs, request: request)
        let id = try jobID(ctx)
        let done: Bool
        var held = false
        do {
            done = try await context.jobs.retry(id: id)
        } catch is JobClient.UniqueKeyHeld {
            done = false
            held = true
        }
        ctx.logger.info("job retry requested", metadata: ["job_id": "\(id)", "account_id": "\(user.id)", "applied": "\(done)"])
        try await audit("job.retry", job: id, applied: done, by: user, ctx)
        return Self.redirect(done ? "reintento" : held ? "clave-ocupada" : "sin-cambio")
    }

    @Sendable func cancel(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let user = try ctx.requireUser(Authorization.operatingJobs, request: request)
        let id = try jobID(ctx)
        let done = try await context.jobs.cancel(id: id)
        ctx.logger.info("job cancel requested", metadata: ["job_id": "\(id)", "account_id": "\(user.id)", "applied": "\(done)"])
        try await audit("job.cancel", job: id, applied: done, by: user, ctx)
        return Self.redirect(done ? "cancelacion" : "sin-cambio")
    }

    /// An operator's retry or cancel, in the audit log (who, which job, whether it applied).
    func audit(_ action: String, job id: Int64, applied: Bool, by user: Account, _ ctx: WebRequestContext) async throws {
        try await AuditLog(client: context.database.client, logger: ctx.logger).append(
            AuditEntry(
                actor: AuditActor(role: user.role, id: user.id.uuidString), action: action, subjectType: "job",
                subjectID: String(id), changes: ["applied": applied ? "sí" : "no"]))
    }

    func jobID(_ ctx: WebRequestContext) throws -> Int64 {
        guard let id = Int64(try ctx.parameters.require("jobID")), id > 0 else { throw WebError.notFound }
        return id
    }

    static func redirect(_ done: String) -> Response {
        Response(status: .seeOther, headers: [.location: "/instancia/trabajos?hecho=\(done)"])
    }
}
