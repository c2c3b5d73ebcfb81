import ArgumentParser
import ConocelesJobs
import Foundation
import JobQueue
import Storage

/// `conoceles accounts …`: credentials follow-up for staff and IT.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accounts",
        abstract: "Cuentas de acceso: personal, reenvío y plazos / accounts: staff, re-send and deadlines.",
        subcommands: [Staff.self, Late.self, Resend.self])

    struct Staff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crea una cuenta de personal e imprime su enlace de activación / creates a staff account and prints its activation link.",
            discussion: """
                Roles: instancia_interna (transparencia), igualdad_genero, informatica. El enlace sirve una vez y vence \
                según accounts.activation_ttl_hours; entréguelo a la persona por un medio seguro.
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "instancia_interna | igualdad_genero | informatica") var role: String
        @Option(help: "Usuario (minúsculas, dígitos, . _ -) / username.") var username: String
        @Option(help: "Correo / e-mail.") var email: String
        @Option(help: "Nombre que se muestra / display name.") var name: String

        func validate() throws {
            guard let role = AccountRole(rawValue: role), [.transparencyStaff, .genderEqualityStaff, .itStaff].contains(role) else {
                throw ValidationError("Rol «\(role)» no válido: use instancia_interna, igualdad_genero o informatica.")
            }
        }

        func run() async throws {
            let runtime = try await Runtime.load(options, label: "accounts")
            let role = AccountRole(rawValue: self.role)!
            let (username, email, name) = (self.username, self.email, self.name)
            try await runtime.withDatabase {
                let ttl = runtime.configuration.accounts.activationTTLHours
                let (account, token) = try await AccountRepository(client: runtime.database.client, logger: runtime.logger).create(
                    .staff(role, username: username, email: email, displayName: name),
                    activationTTL: .seconds(ttl * 3_600), by: .system("cli.accounts.staff"))
                let base =
                    runtime.configuration.http.publicURL.hasSuffix("/")
                    ? String(runtime.configuration.http.publicURL.dropLast()) : runtime.configuration.http.publicURL
                print("Cuenta \(account.username) (\(role.label)) creada. Enlace de activación (vence en \(ttl) horas):")
                print("\(base)/activar?token=\(token.value)")
            }
        }
    }

    struct Late: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Candidaturas cuyas cuentas se enviaron fuera de plazo o siguen sin enviarse / late credentials.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let runtime = try await Runtime.load(options, label: "accounts")
            try await runtime.withDatabase {
                let days = runtime.process.deadlines.accountsSentDays
                let late = try await AccountDeadlines(client: runtime.database.client, logger: runtime.logger)
                    .late(processID: runtime.process.id, timeZone: runtime.process.timeZone, days: days)
                print("Plazo: \(days) días naturales desde la aprobación (zona \(runtime.process.timeZone)).")
                print("candidatura\tpartido\tcargo\taprobada\tvence\tenviada")
                for row in late {
                    print(
                        "\(row.candidacyID)\t\(row.entityCode)\t\(row.officeCode)\t\(row.approvedAt.formatted(.iso8601))\t"
                            + "\(row.deadline.formatted(.iso8601))\t\(row.sentAt?.formatted(.iso8601) ?? "sin enviar")")
                }
                print("Fuera de plazo: \(late.count)")
            }
        }
    }

    struct Resend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Vuelve a enviar el enlace de activación de una candidatura / re-send a candidacy's activation link.",
            discussion: "Emite un enlace nuevo (el anterior deja de servir) y lo envía por correo a la cuenta de la candidatura.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Identificador de la candidatura / candidacy id.") var candidacy: String

        func run() async throws {
            let runtime = try await Runtime.load(options, label: "accounts")
            let (catalog, _) = runtime.loadQueueDefinitions()
            let candidacy = self.candidacy
            try await runtime.withDatabase {
                let client = runtime.database.client
                let accounts = AccountRepository(client: client, logger: runtime.logger)
                guard let account = try await accounts.account(candidacyID: candidacy) else {
                    throw ValidationError("La candidatura «\(candidacy)» no tiene cuenta todavía.")
                }
                let jobs = JobClient(client: client, catalog: catalog, logger: runtime.logger)
                let jobID: Int64
                do {
                    jobID = try await CredentialsResend(jobs: jobs, logger: runtime.logger)
                        .resend(accountID: account.id, processID: runtime.process.id, by: .system("cli.accounts.resend"))
                } catch let refusal as CredentialsResend.Refusal {
                    throw ValidationError(refusal.message)
                }
                print("Reenvío encolado (trabajo \(jobID)) para \(account.username) <\(account.email)>.")
            }
        }
    }
}
