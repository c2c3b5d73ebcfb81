import ConocelesCore
import ConocelesJobs
import Foundation
import Hummingbird
import Logging
import NIOCore
import Storage

/// Bulk capture of curricular questionnaires by CSV: a template prefilled with the entity's
/// candidacies and their drafts, and the upload of the filled-in file. Every row is checked
/// by the questionnaire's own validation, exactly like the form; a row with a problem
/// changes nothing, a good row is saved as a draft, a row whose questionnaire changed since
/// the template was downloaded (its revision) is refused, and the page reports each row.
extension RepresentativeController {
    /// Uploads larger than this are refused before they are read.
    static let maximumUploadBytes = 5 * 1024 * 1024
    static let maximumUploadLabel = "5 MB"

    // MARK: Template

    @Sendable func template(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (_, entity) = try representative(request, ctx)
        let profiles = try await ownProfiles(entity, ctx)
        let drafts = try await context.questionnaires(logger: ctx.logger).curricularDrafts(for: profiles.map(\.candidacy.id))
        let text = CurricularCSV.template(
            profiles.map { profile in
                let draft = drafts[profile.candidacy.id]
                return CurricularCSV.TemplateRow(
                    candidacyID: profile.candidacy.id, name: profile.candidacy.fullName,
                    office: officeName(profile.candidacy), answers: draft?.answers, revision: draft?.revision ?? 0)
            }, rules: context.process.rules)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"plantilla-candidaturas.csv\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: Upload

    struct UploadView {
        let csrf: String
        let maximum: String
        let error: String?
        let report: ReportView?
    }

    struct ReportView {
        let summary: [SummaryItem]
        let rows: [RowReport]
    }

    struct SummaryItem {
        let label: String
        let count: String
    }

    struct RowReport {
        let number: Int
        let candidacy: String
        let result: String
        let saved: Bool
        let messages: [String]
    }

    /// What became of one row.
    enum RowOutcome {
        case saved, unchanged, failed([String]), refused(String)
    }

    @Sendable func showUpload(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        _ = try representative(request, ctx)
        return try uploadPage(error: nil, report: nil, status: .ok, ctx).response(from: request, context: ctx)
    }

    @Sendable func upload(_ request: Request, _ ctx: WebRequestContext) async throws -> Response {
        let (user, entity) = try representative(request, ctx)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumUploadBytes)
        } catch is NIOTooManyBytesError {
            throw WebError.tooLarge(limit: Self.maximumUploadLabel)
        }
        let rows: [CurricularCSV.Row]
        do {
            let parts = try MultipartForm.parse(body: body, contentType: request.headers[.contentType] ?? "")
            guard let file = parts.first(where: { $0.name == "archivo" && $0.filename != nil }), !file.bytes.isEmpty else {
                return try uploadPage(error: "Elija el archivo CSV que llenó.", report: nil, status: .unprocessableContent, ctx)
                    .response(from: request, context: ctx)
            }
            rows = try CurricularCSV.read(file.bytes)
        } catch let error as MultipartForm.FormatError {
            return try uploadPage(error: error.message, report: nil, status: .badRequest, ctx).response(from: request, context: ctx)
        } catch let error as CurricularCSV.FileError {
            return try uploadPage(error: error.message, report: nil, status: .unprocessableContent, ctx).response(from: request, context: ctx)
        }
        guard !rows.isEmpty else {
            return try uploadPage(error: "El archivo no tiene renglones con candidaturas.", report: nil, status: .unprocessableContent, ctx)
                .response(from: request, context: ctx)
        }
        let report = try await importRows(rows, by: user, entity: entity, ctx)
        return try uploadPage(error: nil, report: report, status: .ok, ctx).response(from: request, context: ctx)
    }

    /// Checks and saves every row; returns the page's report.
    func importRows(_ rows: [CurricularCSV.Row], by user: Account, entity: PostulatingEntity, _ ctx: WebRequestContext) async throws -> ReportView {
        // Only the entity's active candidacies are read; a row naming any other is refused.
        let profiles = try await ownProfiles(entity, ctx)
        let own = Dictionary(profiles.map { ($0.candidacy.id, $0) }, uniquingKeysWith: { first, _ in first })
        let wanted = Set(rows.map(\.candidacyID)).filter { own[$0] != nil }
        let repository = context.questionnaires(logger: ctx.logger)
        let drafts = try await repository.curricularDrafts(for: Array(wanted))
        // Like every form, a row waits for its candidacy's privacy notice to be accepted.
        let noticed = try await repository.acceptedPrivacyNotice(version: PrivacyNotice.version, for: Array(wanted))
        let rules = context.process.rules
        let auditActor = AuditActor(role: .representative, id: user.id.uuidString)
        var seen = Set<String>()
        var reports: [RowReport] = []
        var counts = (saved: 0, unchanged: 0, failed: 0, refused: 0)
        for row in rows {
            if let problem = row.problem {
                counts.refused += 1
                reports.append(RowReport(number: row.number, candidacy: "—", result: "Rechazado", saved: false, messages: [problem]))
                continue
            }
            guard let profile = own[row.candidacyID], Authorization.mayChange(user, profile.candidacy) else {
                counts.refused += 1
                let reason =
                    row.candidacyID.isEmpty
                    ? "Falta la clave de la candidatura."
                    : "La candidatura de este renglón no corresponde a su representación o ya no está activa."
                reports.append(RowReport(number: row.number, candidacy: "—", result: "Rechazado", saved: false, messages: [reason]))
                continue
            }
            let candidacy = profile.candidacy
            let label = "\(candidacy.fullName) (\(officeName(candidacy)))"
            guard seen.insert(candidacy.id).inserted else {
                counts.refused += 1
                reports.append(
                    RowReport(
                        number: row.number, candidacy: label, result: "Rechazado", saved: false,
                        messages: ["La candidatura ya apareció en un renglón anterior; este renglón no se tomó en cuenta."]))
                continue
            }
            let draft = drafts[candidacy.id]
            let outcome = try await importRow(
                row, profile: profile, current: draft?.answers ?? CurricularQuestionnaire(), revision: draft?.revision ?? 0,
                noticeAccepted: noticed.contains(candidacy.id), rules: rules, questionnaires: repository,
                auditActor: auditActor, user: user, ctx)
            switch outcome {
            case .saved:
                counts.saved += 1
                reports.append(RowReport(number: row.number, candidacy: label, result: "Guardado como borrador", saved: true, messages: []))
            case .unchanged:
                counts.unchanged += 1
                reports.append(RowReport(number: row.number, candidacy: label, result: "Sin cambios", saved: false, messages: []))
            case .failed(let messages):
                counts.failed += 1
                reports.append(RowReport(number: row.number, candidacy: label, result: "No se guardó", saved: false, messages: messages))
            case .refused(let message):
                counts.refused += 1
                reports.append(RowReport(number: row.number, candidacy: label, result: "Rechazado", saved: false, messages: [message]))
            }
        }
        ctx.logger.info(
            "curricular csv imported",
            metadata: [
                "rows": "\(rows.count)", "saved": "\(counts.saved)", "failed": "\(counts.failed)", "refused": "\(counts.refused)",
            ])
        let format = SpanishNumberFormat.format
        return ReportView(
            summary: [
                SummaryItem(label: "Renglones leídos", count: format(rows.count)),
                SummaryItem(label: "Guardados como borrador", count: format(counts.saved)),
                SummaryItem(label: "Sin cambios", count: format(counts.unchanged)),
                SummaryItem(label: "Con errores (no se guardaron)", count: format(counts.failed)),
                SummaryItem(label: "Rechazados", count: format(counts.refused)),
            ], rows: reports)
    }

    /// One row: the cells over the current draft, checked like the form; saved when nothing
    /// but missing answers remains (a draft may be incomplete) and the candidacy's privacy
    /// notice was accepted (`noticeAccepted`, the gate of every form) and the row was made on
    /// the stored `revision` (otherwise refused: a newer answer is never overwritten), and
    /// the workflow told.
    func importRow(
        _ row: CurricularCSV.Row, profile: CandidacyRepository.CandidacyProfile, current: CurricularQuestionnaire, revision: Int,
        noticeAccepted: Bool, rules: ValidationRules, questionnaires: QuestionnaireRepository, auditActor: AuditActor, user: Account,
        _ ctx: WebRequestContext
    ) async throws -> RowOutcome {
        let candidacy = profile.candidacy
        let (answers, unreadable) = CurricularCSV.answers(from: row, over: current, rules: rules)
        // A row as the template brought it (the draft as it is) has nothing to save or check.
        if unreadable.isEmpty, CurricularCSV.roundTripped(answers, rules: rules) == CurricularCSV.roundTripped(current, rules: rules) {
            return .unchanged
        }
        guard let downloaded = row.revision else {
            return .refused(
                "La celda «\(CurricularCSV.revisionHeader)» está vacía o cambió: sin ella no se sabe si la candidatura "
                    + "cambió después de descargar la plantilla. Descargue la plantilla de nuevo. No se guardó.")
        }
        guard downloaded == revision else {
            return .refused(
                "La información de esta candidatura cambió después de que se descargó la plantilla (revisión \(downloaded), "
                    + "ahora \(revision)); no se sobrescribió. Descargue la plantilla de nuevo y capture sobre ella.")
        }
        // The same rules as the form's draft: wrong values fail the row; missing answers, the
        // photo (not part of the file) and the authorization are left to completeness.
        let issues = answers.draftIssues(rules: rules).issues
        guard unreadable.isEmpty, issues.isEmpty else {
            return .failed(unreadable + issues.map { "«\($0.label)»: \($0.message)" })
        }
        guard noticeAccepted else {
            return .refused(
                "Aún no se acepta el aviso de privacidad de esta candidatura: ábrala en el portal, acepte el aviso "
                    + "y vuelva a cargar el renglón. No se guardó.")
        }
        do {
            try await questionnaires.saveCurricular(answers, for: candidacy.id, by: auditActor, expectedRevision: revision)
        } catch let error as StorageError where error.code == .stale {
            return .refused(error.message)
        } catch let error as StorageError where error.code == .conflict || error.code == .notFound {
            return .failed([error.message])
        }
        // The workflow follows the save exactly as after the form (begin, resume, complete, reopen).
        _ = try await context.syncWorkflow(of: candidacy, by: user, changed: true, logger: ctx.logger)
        return .saved
    }

    func uploadPage(error: String?, report: ReportView?, status: HTTPResponse.Status, _ ctx: WebRequestContext) throws -> WebPage {
        ctx.page(
            "candidaturas/carga", title: "Carga masiva de cuestionarios curriculares",
            UploadView(csrf: ctx.csrf, maximum: Self.maximumUploadLabel, error: error, report: report), status: status)
    }

    /// Every active candidacy of `entity` with its profile's state.
    func ownProfiles(_ entity: PostulatingEntity, _ ctx: WebRequestContext) async throws -> [CandidacyRepository.CandidacyProfile] {
        try await candidacies(ctx).profiles(
            processID: context.process.id, entity: entity, filter: .init(),
            limit: CurricularCSV.maximumRows * 4, offset: 0)
    }
}
